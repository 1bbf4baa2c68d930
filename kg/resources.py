"""Where the shipped ontology, shapes and queries are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

#: Searched in order: the package's resources/ (symlinks in a checkout, copies in a
#: wheel), then the repository root that holds ontology/, shapes/ and queries/.
SEARCH_PATH: tuple[Path, ...] = (_PACKAGE / "resources", _PACKAGE.parent)


def resource_path(*parts: str) -> Path:
    """The path of a shipped file or folder, e.g. ``resource_path("ontology", "cameo.ttl")``.

    Raises:
        FileNotFoundError: if no search-path entry holds it.
    """
    if not parts:
        raise ValueError("resource_path needs at least one path part")
    for root in SEARCH_PATH:
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    tried = ", ".join(str(root.joinpath(*parts)) for root in SEARCH_PATH)
    raise FileNotFoundError(f"no shipped resource {'/'.join(parts)} (tried {tried})")
