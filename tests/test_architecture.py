"""The dependency direction of STYLE.md, held by walking the imports with ast."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parents[1] / "kg"
PURE = ("vocab", "model", "parse", "extract", "iri", "names", "mapper", "link/score",
        "link/same_event", "sparql", "terms", "nesting", "rdfio")
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
    if {"cli", "web"} & set(path.relative_to(KG).with_suffix("").parts):
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


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(KG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_imports(path: Path) -> set[str]:
    """The kg modules a module imports at its top level (what runs when it is imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # "from kg.web import formats" imports the submodule kg.web.formats.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("kg")}


def test_no_import_cycle() -> None:
    paths = {_module_name(p): p for p in KG.rglob("*.py")}
    graph = {name: {m for m in _module_imports(path) if m in paths and m != name}
             for name, path in paths.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target):], target] if target in trail
                              else [*trail, target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    # A package importing its own submodules to re-export them is not a cycle of concern.
    real = [c for c in cycles if not all(c[0].startswith(m) or m.startswith(c[0]) for m in c)]
    assert not real, f"import cycles: {real[:3]}"


# The library's front: what kg/web and kg/cli call. The steps behind it (parse, extract, map,
# reason, link) are reached through kg.pipeline, so that a change inside a step never needs a
# change in an interface.
FRONT = ("kg.pipeline", "kg.store", "kg.validate", "kg.queries", "kg.results")
# What they may also use: the request readers (the SPARQL grammar, RDF bodies) and the names
# everything shares (vocabulary, IRIs, terms, the record types' errors, the network sandbox).
SHARED = ("kg.sparql", "kg.rdffile", "kg.rdfio", "kg.vocab", "kg.iri", "kg.terms", "kg.model",
          "kg.sandbox", "kg.resources")


@pytest.mark.parametrize("path", modules("web", "cli"), ids=lambda p: str(p.relative_to(KG)))
def test_web_and_cli_call_only_the_library_front(path: Path) -> None:
    allowed = (*FRONT, *SHARED, "kg.web", "kg.cli")
    bad = {
        name for name in imports(path)
        if name.startswith("kg.") and not any(name == a or name.startswith(a + ".")
                                               for a in allowed)
    }
    assert not bad, f"{path.relative_to(KG)} imports {sorted(bad)}: go through {FRONT}"


# An operation of SPARQL Update, as the start of an update text or after a ";".
_UPDATE_OPERATION = re.compile(
    r"\b(?:INSERT\s+(?:DATA\b|\{)|DELETE\s+(?:DATA\b|WHERE\b|\{)|(?:DROP|CLEAR)\s+(?:SILENT\s+)?"
    r"(?:GRAPH|ALL|NAMED|DEFAULT)\b|CREATE\s+(?:SILENT\s+)?GRAPH\b|(?:ADD|COPY|MOVE)\s+"
    r"(?:SILENT\s+)?(?:GRAPH\b|DEFAULT\b|<|\{))"
)


def _update_texts(path: Path) -> list[int]:
    """Lines of string literals that hold an operation of SPARQL Update.

    Docstrings and the messages of raised errors (an example for the reader) are not writes.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    messages = {id(n) for r in ast.walk(tree) if isinstance(r, ast.Raise) for n in ast.walk(r)}
    found = []
    for node in ast.walk(tree):
        if id(node) in messages:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(p.value if isinstance(p, ast.Constant) else "{x}" for p in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            text = node.value
        else:
            continue
        if _UPDATE_OPERATION.search(text):
            found.append(node.lineno)
    return found


def test_the_update_pattern_sees_the_updates_kg_store_writes() -> None:
    """The rule below can fail: it finds what kg/store/merge.py writes."""
    assert _update_texts(KG / "store" / "merge.py")


@pytest.mark.parametrize("path", sorted(KG.rglob("*.py")), ids=lambda p: str(p.relative_to(KG)))
def test_only_kg_store_writes_sparql_updates(path: Path) -> None:
    """Every write keeps the default graph the merge of the named graphs: kg.store.merge does.

    kg/sparql reads updates (its grammar and reader name the operations) and writes none.
    """
    if path.is_relative_to(KG / "store") or path.is_relative_to(KG / "sparql"):
        return
    lines = _update_texts(path)
    assert not lines, f"{path.relative_to(KG)} writes SPARQL updates at lines {lines}"
