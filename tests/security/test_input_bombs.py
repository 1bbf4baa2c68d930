"""Input bombs: small inputs that cost gigabytes, a traceback or a crashed process.

The defects: RDF/XML internal entities were expanded (under 1 KB took gigabytes); deeply
nested JSON raised an uncaught RecursionError (and crashed pyoxigraph's JSON-LD parser
outright); RDF 1.2 triple terms nested deep crashed pyoxigraph's Turtle-family parsers;
RDF files were read whole, whatever their size. Whatever could crash the process runs
in a child process, so that a crash fails the test instead of killing pytest.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from kg.cli import cli
from kg.extract.gazetteer import load_gazetteer
from kg.model import ParseError
from kg.nesting import MAX_DEPTH
from kg.pipeline import ingest
from kg.rdffile import MAX_FILE_BYTES, parse_rdf, read_rdf
from kg.store import OxigraphStore
from kg.web.state import close_app
from tests.web.conftest import TOKEN, copy_store, make_app

ROOT = Path(__file__).resolve().parents[2]
WIKITIMES = ROOT / "tests" / "golden" / "parse" / "wikitimes-sample" / "input.json"
DEEP = 100_000  # far beyond any stack, and still a small input
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MEDIA = {"rdf-xml": "application/rdf+xml", "json-ld": "application/ld+json",
         "turtle": "text/turtle", "ntriples": "application/n-triples",
         "trig": "application/trig", "nquads": "application/n-quads"}


# -- the bombs ------------------------------------------------------------------------------------


def rdf_xml(doctype: str = "", body: str = "x") -> str:
    """An RDF/XML document with ``doctype`` before the root and ``body`` as a literal."""
    return (f'<?xml version="1.0"?>\n{doctype}\n'
            f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://e/">\n'
            f'<rdf:Description rdf:about="http://e/a"><ex:p>{body}</ex:p></rdf:Description>\n'
            "</rdf:RDF>\n")


def laughs(levels: int) -> str:
    """Billion laughs: each entity is ten of the one before; 10 levels make 3e10 bytes."""
    entities = '<!ENTITY l0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels + 1)
    )
    return rdf_xml(f"<!DOCTYPE rdf:RDF [{entities}]>", f"&l{levels};")


# Six levels is 30 MB of text once expanded (a hundred-odd MB inside the parser): enough to
# show the expansion in-process; the real billion runs in a child with an address-space cap.
ENTITY_BOMBS = {
    "general-entities": laughs(6),
    "parameter-entities": rdf_xml(
        "<!DOCTYPE rdf:RDF [<!ENTITY % p0 \"lollollollollol\">"
        "<!ENTITY % p1 \"%p0;%p0;%p0;%p0;%p0;%p0;%p0;%p0;%p0;%p0;\">"
        "<!ENTITY lol \"%p1;\">]>", "&lol;"),
    "external-system-entity": rdf_xml(
        '<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>', "&xxe;"),
    "external-public-entity": rdf_xml(
        '<!DOCTYPE rdf:RDF [<!ENTITY xxe PUBLIC "-//kg//x//EN" "http://127.0.0.1:9/x">]>',
        "&xxe;"),
    "external-parameter-entity": rdf_xml(
        '<!DOCTYPE rdf:RDF [<!ENTITY % dtd SYSTEM "http://127.0.0.1:9/evil.dtd"> %dtd;]>'),
    "unparsed-entity": rdf_xml(
        '<!DOCTYPE rdf:RDF [<!NOTATION gif SYSTEM "image/gif">'
        '<!ENTITY pic SYSTEM "file:///etc/hostname" NDATA gif>]>'),
    "external-dtd": rdf_xml('<!DOCTYPE rdf:RDF SYSTEM "file:///etc/passwd">'),
    "external-public-dtd": rdf_xml(
        '<!DOCTYPE rdf:RDF PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://127.0.0.1:9/x.dtd">'),
}
EXTERNAL = {"external-system-entity", "external-public-entity", "external-parameter-entity",
            "unparsed-entity"}


def deep_json_ld(kind: str, depth: int = DEEP) -> bytes:
    """JSON-LD nested ``depth`` levels deep, by arrays, node objects or @list objects."""
    head = '{"@id": "http://e/s", "http://e/p": '
    if kind == "arrays":
        return (head + "[" * depth + "1" + "]" * depth + "}").encode()
    if kind == "objects":
        return (head + '{"@id": "http://e/s", "http://e/p": ' * depth + "1" + "}" * depth
                + "}").encode()
    if kind == "lists":
        return (head + '{"@list": [' * depth + "1" + "]}" * depth + "}").encode()
    raise ValueError(kind)


def nested_json_ld(depth: int) -> bytes:
    """Valid JSON-LD nesting exactly ``depth`` levels: a node object, then arrays."""
    inner = depth - 1
    return ('{"@id": "http://e/s", "http://e/p": ' + "[" * inner + '"x"' + "]" * inner
            + "}").encode()


def triple_terms(fmt: str, depth: int = DEEP) -> bytes:
    """An RDF 1.2 triple term nested ``depth`` levels deep, in ``fmt``."""
    term = "<<( <http://e/s> <http://e/p> " * depth + "<http://e/o>" + " )>>" * depth
    triple = f"<http://e/s> <http://e/p> {term}"
    if fmt in ("turtle", "ntriples"):
        return f"{triple} .\n".encode()
    if fmt == "nquads":
        return f"{triple} <http://e/g> .\n".encode()
    return f"<http://e/g> {{ {triple} . }}\n".encode()


def blank_nodes(fmt: str, depth: int = DEEP) -> bytes:
    """Blank nodes ``[ <p> [ <p> ...`` nested ``depth`` deep, in Turtle or TriG."""
    triple = ("<http://e/s> <http://e/p>" + " [ <http://e/p>" * depth + " 1" + " ]" * depth)
    return (f"{triple} .\n" if fmt == "turtle" else f"<http://e/g> {{ {triple} . }}\n").encode()


def collections(fmt: str, depth: int = DEEP) -> bytes:
    """Collections ``( ( ( ...`` nested ``depth`` deep, in Turtle or TriG."""
    triple = "<http://e/s> <http://e/p> " + "( " * depth + ") " * depth
    return (f"{triple}.\n" if fmt == "turtle" else f"<http://e/g> {{ {triple}. }}\n").encode()


def deep_records(kind: str, depth: int = DEEP) -> str:
    """WikiTimes text with one record nested ``depth`` levels deep."""
    record = '{"date": "2015-09-02", "description": "Something deep happens.", "entity": '
    if kind == "arrays":
        return "[" + record + "[" * depth + "]" * depth + "}]"
    if kind == "objects":
        return "[" + record + '{"name": ' * depth + '"x"' + "}" * depth + "}]"
    if kind == "json-lines":
        good = '{"date": "2015-09-01", "description": "Something happens."}'
        return good + "\n" + record + "[" * depth + "]" * depth + "}\n"
    raise ValueError(kind)


# -- helpers ------------------------------------------------------------------------------------

_CHILD_PARSE = """
import json, sys
from kg.model import ParseError
from kg.rdffile import parse_rdf
data = open(sys.argv[1], "rb").read()
try:
    graph = parse_rdf(data, sys.argv[2], name=sys.argv[1])
except ParseError as exc:
    print(json.dumps({"error": str(exc)}))
else:
    print(json.dumps({"triples": len(graph)}))
"""
# The cap keeps a bomb that gets through from taking the machine down with it.
_CAP = "import resource; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\n"


def run_child(code: str, *args: str | Path, timeout: float = 300) -> dict[str, object]:
    """Run ``code`` in a fresh Python under an address-space cap; its last line of output."""
    process = subprocess.run(
        [sys.executable, "-c", _CAP + code, *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )
    died = f"killed by signal {-process.returncode}" if process.returncode < 0 else "failed"
    assert process.returncode == 0, f"the child process {died}:\n{process.stderr[-2000:]}"
    result = json.loads(process.stdout.strip().splitlines()[-1])
    assert isinstance(result, dict)
    return result


def parse_in_child(tmp_path: Path, data: bytes, fmt: str) -> dict[str, object]:
    """parse_rdf on ``data`` in a child process: {"error": ...} or {"triples": n}."""
    path = tmp_path / f"input.{fmt}"
    path.write_bytes(data)
    return run_child(_CHILD_PARSE, path, fmt)


def refused(data: bytes | str, fmt: str, *, name: str = "bomb") -> ParseError:
    """The ParseError parse_rdf raises for ``data``; fails the test if it parses."""
    raw = data.encode() if isinstance(data, str) else data
    with pytest.raises(ParseError) as caught:
        parse_rdf(raw, fmt, name=name)
    return caught.value


@pytest.fixture(scope="module")
def validate_app(example_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A writable app on its own copy of the example store."""
    folder = copy_store(example_store, tmp_path_factory.mktemp("bombs") / "store")
    application = make_app(folder, ALLOW_UPDATE=True, UPDATE_TOKEN=TOKEN)
    yield application
    close_app(application)


@pytest.fixture
def client(validate_app: Flask) -> FlaskClient:
    """A test client of the writable app."""
    return validate_app.test_client()


# -- 1. entity expansion in RDF/XML -------------------------------------------------------------


@pytest.mark.parametrize("bomb", sorted(ENTITY_BOMBS))
def test_rdf_xml_dtd_declarations_are_refused(bomb: str) -> None:
    error = refused(ENTITY_BOMBS[bomb], "rdf-xml")
    assert refusal_reason(bomb) in error.message
    if bomb in EXTERNAL:  # the old message, which tells why an external one is not read
        assert "external entities are not resolved" in error.message
    assert error.path == "bomb" and error.line == 2
    assert "lollol" not in str(error)


def test_a_doctype_inside_the_root_element_is_refused() -> None:
    # pyoxigraph honours a DOCTYPE met anywhere and expands its entities, so the whole
    # document is read first, and an ill-formed one never reaches pyoxigraph.
    text = (f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://e/">\n'
            '<!DOCTYPE rdf:RDF [<!ENTITY lol "lollollol">]>\n'
            '<rdf:Description rdf:about="http://e/a"><ex:p>&lol;</ex:p></rdf:Description>\n'
            "</rdf:RDF>\n")
    error = refused(text, "rdf-xml")
    assert error.message.startswith("not valid rdf-xml")
    assert error.line == 3


def test_a_doctype_without_declarations_is_still_read() -> None:
    graph = parse_rdf(rdf_xml("<!DOCTYPE rdf:RDF>").encode(), "rdf-xml")
    assert len(graph) == 1
    graph = parse_rdf(rdf_xml("<!DOCTYPE rdf:RDF [<!-- a comment -->]>").encode(), "rdf-xml")
    assert len(graph) == 1


def test_rdf_xml_nested_too_deep_is_refused() -> None:
    # pyoxigraph's RDF/XML parser is quadratic in the depth: 30,000 levels took 10 s.
    depth = 50_000
    text = (f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://e/"><rdf:Description>'
            + "<ex:p><rdf:Description>" * depth + "</rdf:Description></ex:p>" * depth
            + "</rdf:Description></rdf:RDF>")
    error = refused(text, "rdf-xml")  # refused by the depth bound, before pyoxigraph reads it
    assert "nested deeper than" in error.message


def test_the_billion_laughs_costs_no_memory(tmp_path: Path) -> None:
    path = tmp_path / "laughs.rdf"
    path.write_text(laughs(10), encoding="utf-8")
    assert path.stat().st_size < 1024
    code = """
import json, sys
from kg.model import ParseError
from kg.rdffile import read_rdf

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
before = peak()
try:
    read_rdf(sys.argv[1])
    outcome = "parsed"
except ParseError as exc:
    outcome = str(exc)
print(json.dumps({"outcome": outcome, "growth": peak() - before}))
"""
    result = run_child(code, path)
    assert "entity declarations are refused" in str(result["outcome"])
    assert int(str(result["growth"])) < 100 * 2**20, result


# -- 2. deep JSON -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["arrays", "objects", "lists"])
def test_deep_json_ld_is_refused_naming_the_limit(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "deep.jsonld"
    path.write_bytes(deep_json_ld(kind))
    with pytest.raises(ParseError) as caught:
        read_rdf(path)
    assert caught.value.path == str(path) and caught.value.line == 1
    assert f"deeper than {MAX_DEPTH} levels" in caught.value.message


@pytest.mark.parametrize("kind", ["arrays", "objects", "lists"])
def test_deep_json_ld_that_python_cannot_read_does_not_crash_pyoxigraph(
    tmp_path: Path, kind: str
) -> None:
    # Not UTF-8 at the end, so the remote-context check could not read it and let it through:
    # pyoxigraph's JSON-LD parser then died of a segmentation fault at 5,000 nested objects.
    data = deep_json_ld(kind, 20_000) + b"\xff"
    result = parse_in_child(tmp_path, data, "json-ld")
    assert f"deeper than {MAX_DEPTH} levels" in str(result.get("error")), result


def test_json_ld_at_the_limit_is_read_and_one_deeper_is_not() -> None:
    graph = parse_rdf(nested_json_ld(MAX_DEPTH), "json-ld")
    assert len(graph) == 1
    assert "deeper than" in refused(nested_json_ld(MAX_DEPTH + 1), "json-ld").message


def test_brackets_inside_json_strings_do_not_count() -> None:
    text = json.dumps({"@id": "http://e/s", "http://e/p": "[{\\\"" * 10_000})
    assert len(parse_rdf(text.encode(), "json-ld")) == 1


@pytest.mark.parametrize("kind", ["arrays", "objects", "json-lines"])
def test_a_deep_wikitimes_file_fails_alone_in_a_folder_ingest(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "input"
    folder.mkdir()
    shutil.copy(WIKITIMES, folder / "good.json")
    bad = folder / "deep.json"
    bad.write_text(deep_records(kind), encoding="utf-8")
    store = OxigraphStore(tmp_path / "store")
    try:
        report = ingest(store, [folder])
        results = {Path(r.path).name: r for r in report.results}
        assert results["deep.json"].status == "failed"
        assert str(bad) in results["deep.json"].message
        assert f"deeper than {MAX_DEPTH} levels" in results["deep.json"].message
        assert results["good.json"].status == "stored", results["good.json"].message
        assert store.triple_count() > 0
    finally:
        store.close()


def test_a_named_file_of_brackets_fails_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "brackets.json"
    bad.write_text("[" * DEEP, encoding="utf-8")
    store = OxigraphStore(tmp_path / "store")
    try:
        report = ingest(store, [bad, WIKITIMES])
        assert [r.status for r in report.results] == ["failed", "stored"]
        message = report.results[0].message
        assert f"{bad}:1: JSON arrays and objects nested deeper than {MAX_DEPTH}" in message
    finally:
        store.close()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("deep.jsonld", deep_json_ld("arrays"), f"deeper than {MAX_DEPTH} levels"),
        ("objects.jsonld", deep_json_ld("objects"), f"deeper than {MAX_DEPTH} levels"),
        ("records.json", deep_records("arrays").encode(), f"deeper than {MAX_DEPTH} levels"),
        ("laughs.rdf", laughs(6).encode(), "entity declarations are refused"),
        ("external.rdf", ENTITY_BOMBS["external-dtd"].encode(), "external DTD"),
    ],
)
def test_kg_validate_exits_2_with_a_message(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["--store", "memory:", "validate", str(path)])
    assert result.exit_code == 2, result.output
    assert f"error: {path}:" in result.output and reason in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_deep_user_gazetteer_is_a_value_error(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.json"
    path.write_text('{"entries": [' + "[" * DEEP + "]" * DEEP + "]}", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"deeper than {MAX_DEPTH} levels") as caught:
        load_gazetteer([path])
    assert str(path) in str(caught.value)
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "ingest",
                                      "--gazetteer", str(path), str(WIKITIMES)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"deeper than {MAX_DEPTH} levels" in result.output


# -- 3. sizes -----------------------------------------------------------------------------------


def test_an_rdf_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.ttl"
    with path.open("wb") as file:  # sparse: no disk, and reading it would cost 256 MiB
        file.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ParseError) as caught:  # by its size, without reading it
        read_rdf(path)
    assert caught.value.path == str(path)
    assert f"larger than {MAX_FILE_BYTES // 2**20} MiB" in caught.value.message


# -- 4. nesting in the Turtle family ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
@pytest.mark.parametrize("make", [blank_nodes, collections], ids=["blank-nodes", "collections"])
def test_deep_blank_nodes_and_collections_do_not_crash_the_parser(
    tmp_path: Path, fmt: str, make: object
) -> None:
    # Measured: pyoxigraph reads these with a stack of its own (10^6 deep in a thread with a
    # 256 KiB stack), so they need no limit -- this holds it, in a child that may crash.
    result = parse_in_child(tmp_path, make(fmt), fmt)  # type: ignore[operator]
    assert int(str(result.get("triples"))) >= DEEP, result


@pytest.mark.parametrize("fmt", ["turtle", "trig", "ntriples", "nquads"])
def test_deep_triple_terms_are_refused_not_a_crash(tmp_path: Path, fmt: str) -> None:
    # Measured: a segmentation fault from 18,000 levels (8 MiB stack), 1,000 (256 KiB).
    result = parse_in_child(tmp_path, triple_terms(fmt), fmt)
    assert f"deeper than {MAX_DEPTH} levels" in str(result.get("error")), result


@pytest.mark.parametrize(
    "text",
    [
        '<http://e/s> <http://e/p> "' + "<<" * 5000 + '" .',
        "<http://e/s> <http://e/p> '''" + "<<( \n" * 5000 + "''' .",
        '<http://e/s> <http://e/p> """a""' + "<<" * 5000 + '""\\"""" .',
        "@prefix ex: <http://e/> .\nex:s ex:p ex:o .\n" + "# <<(\n" * 5000,
    ],
    ids=["string", "long-string", "quotes-in-a-long-string", "comments"],
)
def test_triple_term_openers_in_strings_and_comments_do_not_count(text: str) -> None:
    assert len(parse_rdf(text.encode(), "turtle")) >= 1


# -- the endpoint -------------------------------------------------------------------------------


def refusal_reason(bomb: str) -> str:
    """What the message for an RDF/XML bomb says."""
    return "external DTD" if bomb.endswith("-dtd") else "entity declarations are refused"


@pytest.mark.parametrize(
    ("fmt", "body", "reason"),
    [
        *(("rdf-xml", ENTITY_BOMBS[name].encode(), refusal_reason(name))
          for name in sorted(ENTITY_BOMBS)),
        ("json-ld", deep_json_ld("arrays"), f"deeper than {MAX_DEPTH} levels"),
        ("json-ld", deep_json_ld("objects"), f"deeper than {MAX_DEPTH} levels"),
    ],
    ids=[*sorted(ENTITY_BOMBS), "json-ld-arrays", "json-ld-objects"],
)
def test_validate_answers_400_quickly(
    client: FlaskClient, fmt: str, body: bytes, reason: str
) -> None:
    response = client.post("/validate", data=body, content_type=MEDIA[fmt])
    assert response.status_code == 400, response.text[:500]
    assert "the request body" in response.text and reason in response.text


def test_a_graph_store_put_of_a_bomb_is_400(client: FlaskClient) -> None:
    url = "/store?graph=http://e/bomb"
    response = client.put(url, data=laughs(6), content_type=MEDIA["rdf-xml"], headers=AUTH)
    assert response.status_code == 400 and "entity declarations" in response.text
    response = client.put(url, data=deep_json_ld("objects"), content_type=MEDIA["json-ld"],
                          headers=AUTH)
    assert response.status_code == 400 and "deeper than" in response.text


def test_the_endpoint_survives_the_crashing_bodies(example_store: Path, tmp_path: Path) -> None:
    bodies = {
        "json-ld": deep_json_ld("objects", 20_000) + b"\xff",
        "turtle": triple_terms("turtle"),
        "ntriples": triple_terms("ntriples"),
        "trig": triple_terms("trig"),
    }
    for fmt, body in bodies.items():
        (tmp_path / fmt).write_bytes(body)
    store = copy_store(example_store, tmp_path / "store")
    code = """
import json, sys
from tests.web.conftest import make_app
from kg.web.state import close_app
store, folder, media = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
app = make_app(store, QUERY_WORKERS=0)
try:
    client = app.test_client()
    answers = {}
    for fmt, media_type in media.items():
        body = open(folder + "/" + fmt, "rb").read()
        response = client.post("/validate", data=body, content_type=media_type)
        answers[fmt] = [response.status_code, response.get_data(as_text=True)[:300]]
finally:
    close_app(app)
print(json.dumps(answers))
"""
    media = json.dumps({fmt: MEDIA[fmt] for fmt in bodies})
    answers = run_child(code, store, tmp_path, media)
    for fmt in bodies:
        answer = answers[fmt]
        assert isinstance(answer, list)
        status, text = answer
        assert status == 400 and f"deeper than {MAX_DEPTH} levels" in text, (fmt, text)
