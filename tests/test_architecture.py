"""The dependency direction of STYLE.md, held by walking the imports with ast."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parents[1] / "kg"
PURE = ("vocab", "model", "parse", "extract", "iri", "mapper", "link/score", "sparql", "terms",
        "nesting", "rdfio")
FORBIDDEN_IN_PURE = (
    "flask",
    "click",
    "waitress",
    "urllib.request",
    "http.client",
    "socket",
    "requests",
    "kg.web",
    "kg.cli",
    "kg.store",
    "kg.pipeline",
)


def modules(*names: str) -> list[Path]:
    found: list[Path] = []
    for name in names:
        path = KG / name
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path.with_suffix(".py")]
    return found


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def uses_environ(path: Path) -> bool:
    return "os.environ" in path.read_text(encoding="utf-8") or "getenv" in path.read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("path", modules(*PURE), ids=lambda p: str(p.relative_to(KG)))
def test_the_pure_layer_does_no_io_and_knows_no_interface(path: Path) -> None:
    bad = {
        name
        for name in imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_PURE)
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"
    assert not uses_environ(path), f"{path.name} reads the environment"


@pytest.mark.parametrize("path", sorted(KG.rglob("*.py")), ids=lambda p: str(p.relative_to(KG)))
def test_nothing_in_kg_imports_the_leaves(path: Path) -> None:
    if path.name == "cli.py" or "web" in path.relative_to(KG).parts:
        return
    bad = {name for name in imports(path) if name in ("kg.cli",) or name.startswith("kg.web")}
    assert not bad, f"{path.relative_to(KG)} imports {sorted(bad)}"


_SPARQL_WORDS = ("SELECT", "CONSTRUCT", "ASK", "INSERT", "DELETE", "WHERE", "GRAPH", "VALUES",
                 "FILTER", "PREFIX", "BIND", "DROP", "CLEAR")


def _pasted_iris(path: Path) -> list[int]:
    """Lines where an f-string that reads as SPARQL writes ``<{…}>`` around a value."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        parts = node.values
        text = "".join(p.value for p in parts if isinstance(p, ast.Constant)
                       and isinstance(p.value, str))
        if not any(word in text for word in _SPARQL_WORDS):
            continue
        for before, after in itertools.pairwise(parts):
            if (isinstance(before, ast.Constant) and isinstance(before.value, str)
                    and before.value.endswith("<") and isinstance(after, ast.FormattedValue)):
                found.append(node.lineno)
    return found


@pytest.mark.parametrize("path", sorted(KG.rglob("*.py")), ids=lambda p: str(p.relative_to(KG)))
def test_terms_enter_sparql_through_kg_terms(path: Path) -> None:
    """Every IRI enters a SPARQL text through kg.terms (or a binding), never ``<{value}>``."""
    if path.name == "terms.py":
        return
    assert not _pasted_iris(path), f"{path.name}: <{{…}}> in SPARQL at lines {_pasted_iris(path)}"
