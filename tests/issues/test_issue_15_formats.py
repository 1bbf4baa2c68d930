"""Issue 15, formats and clients: every client's ``format=`` and Accept, and HEAD everywhere."""

from __future__ import annotations

import http.client
import json
import shutil
import urllib.parse
import warnings
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from kg.jsonld import CONTEXT_PATH, inline_context
from kg.rdffile import to_rdflib
from kg.web.state import close_app
from tests.web.conftest import TOKEN, Server, make_app, serve

pytestmark = pytest.mark.server

PUTIN = "https://w3id.org/diplomacy-kg/id/person/vladimir-putin"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SELECT = f"SELECT ?label WHERE {{ <{PUTIN}> <{LABEL}> ?label }}"
CONSTRUCT = f"CONSTRUCT WHERE {{ <{PUTIN}> ?p ?o }}"
DESCRIBE = f"DESCRIBE <{PUTIN}>"
ROW_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "json-ld": "application/ld+json",
    "rdf-xml": "application/rdf+xml",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}
#: What clients send as format=, and what it means for rows and for graphs.
ALIASES: dict[str, tuple[str | None, str]] = {
    "json": ("json", "json-ld"),
    "xml": ("xml", "rdf-xml"),
    "csv": ("csv", "turtle"),
    "tsv": ("tsv", "turtle"),
    "n3": (None, "turtle"),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "rdf+xml": (None, "rdf-xml"),
    "rdf xml": (None, "rdf-xml"),  # the "+" sent unescaped in a query string
    "json-ld": (None, "json-ld"),
    "jsonld": (None, "json-ld"),
    "nt": (None, "ntriples"),
    "ntriples": (None, "ntriples"),
    "nq": (None, "nquads"),
    "nquads": (None, "nquads"),
    "trig": (None, "trig"),
    "application/sparql-results+json": ("json", "turtle"),
    "application/rdf+xml": (None, "rdf-xml"),
    "text/turtle": (None, "turtle"),
    "application/ld+json": (None, "json-ld"),
    "application/json": ("json", "json-ld"),
}


def request(server: Server, method: str, path: str,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One raw HTTP request (no Accept unless given): status, headers, body."""
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def query_path(query: str, **params: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query, **params})


def media(headers: dict[str, str]) -> str:
    return headers["Content-Type"].split(";")[0].strip()


def has_putins_label(graph: Graph) -> bool:
    return (URIRef(PUTIN), URIRef(LABEL), Literal("Vladimir Putin")) in graph


# -- SPARQLWrapper, every return format


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_rows_in_every_results_format(server: Server, return_format: str) -> None:
    """SPARQLWrapper's results formats for SELECT each get their own format back."""
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(SELECT)
    client.setReturnFormat(return_format)
    result = client.query()
    assert result.info()["content-type"].split(";")[0] == ROW_TYPES[return_format]
    data = result.convert()
    if return_format == JSON:
        assert isinstance(data, dict)
        assert data["results"]["bindings"][0]["label"]["value"] == "Vladimir Putin"
    elif return_format == XML:
        assert "Vladimir Putin" in data.toxml()  # type: ignore[union-attr]
    else:
        assert isinstance(data, bytes)
        lines = data.decode("utf-8").splitlines()
        assert lines == (["label", "Vladimir Putin"] if return_format == CSV
                         else ["?label", '"Vladimir Putin"'])


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize(("return_format", "expected"), [
    (TURTLE, "text/turtle"), (N3, "text/turtle"), (RDFXML, "application/rdf+xml"),
    (XML, "application/rdf+xml"), (JSONLD, "application/ld+json"),
])
def test_sparqlwrapper_graphs_in_every_rdf_format(server: Server, query: str, return_format: str,
                                                   expected: str, method: str) -> None:
    """"SPARQLWrapper's `RDFXML` and `N3` return formats get 406 (it sends `format=rdf+xml` /
    `format=n3`, which override a valid Accept)." Each RDF return format gets its graph, by
    GET and by POST (where format= travels in the form)."""
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setMethod(method)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    result = client.query()
    assert result.info()["content-type"].split(";")[0] == expected
    # Read here rather than by convert(), which builds rdflib's deprecated ConjunctiveGraph.
    body = result.response.read()
    if expected == "application/ld+json":
        graph = parse_jsonld_offline(body)
    else:
        graph = Graph().parse(data=body, format="xml" if "xml" in expected else "turtle")
    assert has_putins_label(graph)


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize("return_format", [JSON, CSV, TSV])
def test_sparqlwrapper_results_formats_of_a_graph_get_a_graph(
        server: Server, query: str, return_format: str) -> None:
    """A results format asked of a graph (SPARQLWrapper then sends Accept: */*) gets a graph:
    JSON-LD for ``json``, the default Turtle otherwise; never 406."""
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    with warnings.catch_warnings():
        # SPARQLWrapper warns that it sends */* for this pair; that is the case tested.
        warnings.simplefilter("ignore", RuntimeWarning)
        result = client.query()
    body = result.response.read()
    if return_format == JSON:
        assert result.info()["content-type"].split(";")[0] == "application/ld+json"
        graph = parse_jsonld_offline(body)
    else:
        assert result.info()["content-type"].split(";")[0] == "text/turtle"
        graph = Graph().parse(data=body, format="turtle")
    assert has_putins_label(graph)


@pytest.mark.parametrize("return_format", [N3, TURTLE, RDFXML, JSONLD])
def test_sparqlwrapper_rdf_formats_of_rows_get_rows(server: Server, return_format: str) -> None:
    """An RDF format asked of rows (SPARQLWrapper then sends Accept: */*) gets SPARQL JSON."""
    client = SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(SELECT)
    client.setReturnFormat(return_format)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = client.query()
    assert result.info()["content-type"].split(";")[0] == "application/sparql-results+json"
    data = json.loads(result.response.read())
    assert data["results"]["bindings"][0]["label"]["value"] == "Vladimir Putin"


def parse_jsonld_offline(body: bytes) -> Graph:
    """A JSON-LD answer's triples, its context (named by the server's URL) taken from the
    package rather than fetched, read by pyoxigraph (which fetches nothing)."""
    document = json.loads(body)
    assert isinstance(document["@context"], str)
    assert document["@context"].endswith(CONTEXT_PATH)
    inlined = json.dumps(inline_context(document, document["@context"])).encode("utf-8")
    graph = Graph()
    for quad in ox.parse(inlined, ox.RdfFormat.JSON_LD):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


# -- format= and Accept, as raw HTTP


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_every_format_alias_answers_rows_and_graphs(server: Server, alias: str) -> None:
    """Each format= value clients send answers rows and graphs in the format it means; one
    that means nothing for the kind of answer gives way to the Accept header."""
    rows_name, graph_name = ALIASES[alias]
    status, headers, body = request(server, "GET", query_path(CONSTRUCT, format=alias),
                                    {"Accept": "*/*"})
    assert status == 200, body
    assert media(headers) == GRAPH_TYPES[graph_name]
    status, headers, body = request(server, "GET", query_path(SELECT, format=alias),
                                    {"Accept": "*/*"})
    assert status == 200, body
    assert media(headers) == ROW_TYPES[rows_name or "json"]


def test_an_unknown_format_falls_back_to_accept(server: Server) -> None:
    """"`format=` ... never overrides a usable Accept with an error"."""
    status, headers, body = request(server, "GET", query_path(CONSTRUCT, format="docx"),
                                    {"Accept": "application/n-triples"})
    assert status == 200, body
    assert media(headers) == "application/n-triples"
    status, headers, body = request(server, "GET", query_path(SELECT, format="n3"),
                                    {"Accept": "text/csv"})
    assert status == 200, body
    assert media(headers) == "text/csv"


def test_an_unknown_format_without_accept_is_still_406(server: Server) -> None:
    """With no Accept to go by, a mistyped format= is reported, not guessed."""
    status, _, body = request(server, "GET", query_path(SELECT, format="docx"))
    assert status == 406
    assert b"docx" in body


def test_n3_and_jsonld_media_types_in_accept(server: Server) -> None:
    """N3's own media types get Turtle (which N3 readers read); application/x-json+ld gets
    JSON-LD."""
    for accept, expected in [("text/n3", "text/turtle"), ("text/rdf+n3", "text/turtle"),
                             ("application/x-json+ld", "application/ld+json")]:
        status, headers, body = request(server, "GET", query_path(CONSTRUCT),
                                        {"Accept": accept})
        assert status == 200, body
        assert media(headers) == expected


# -- rdflib's stores


def test_rdflib_sparqlstore_reads_triples_rows_and_graphs(server: Server) -> None:
    graph = Graph(store=SPARQLStore(f"{server.url}/sparql"))
    assert list(graph.objects(URIRef(PUTIN), URIRef(LABEL))) == [Literal("Vladimir Putin")]
    rows = graph.query(SELECT)
    assert [str(row[0]) for row in rows] == ["Vladimir Putin"]  # type: ignore[index]
    constructed = graph.query(CONSTRUCT)
    assert constructed.graph is not None and has_putins_label(constructed.graph)
    described = graph.query(DESCRIBE)
    assert described.graph is not None and has_putins_label(described.graph)


@pytest.fixture(scope="module")
def write_server(example_store: Path, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[Server]:
    """``kg serve`` taking writes with a token."""
    folder = tmp_path_factory.mktemp("formats-write-server")
    store = folder / "store"
    shutil.copytree(example_store, store)
    with serve(store, "--allow-update", "--update-token", TOKEN, log_dir=folder) as running:
        yield running


def test_rdflib_sparqlupdatestore_writes_and_reads_a_named_graph(write_server: Server) -> None:
    endpoint = f"{write_server.url}/sparql"
    store = SPARQLUpdateStore(endpoint, endpoint,
                              headers={"Authorization": f"Bearer {TOKEN}"})
    dataset = Dataset(store=store)
    name = URIRef("http://example.org/graph/issue-15")
    triple = (URIRef("http://example.org/s"), URIRef("http://example.org/p"), Literal("o\tx\n"))
    # Dataset.graph() sends CREATE GRAPH each time: a second call would fail as SPARQL says.
    graph = dataset.graph(name)
    graph.add(triple)
    assert triple in graph
    assert list(Graph(store=SPARQLStore(endpoint)).triples(triple)) == [triple]
    graph.remove(triple)
    assert triple not in graph


# -- HEAD on every GET route

#: Values for the routes' variables and query strings that make a GET answer something.
SAMPLES = {
    "/static/<path:filename>": "/static/{static}",
    "/sparql": "/sparql?query=ASK%7B%7D",
    "/store": "/store?default",
    "/store/<path:_rest>": "/store/no-such-graph",
    "/queries/<name>": "/queries/{query}",
    "/id/<path:rest>": "/id/person/vladimir-putin",
    "/resource": "/resource?iri=" + urllib.parse.quote(PUTIN, safe=""),
    "/search": "/search?q=putin",
}


def get_routes(store: Path, tmp_path: Path) -> list[str]:
    """A path for every route that answers GET, from the app's own url_map."""
    copy = tmp_path / "app-store"
    shutil.copytree(store, copy)
    app = make_app(copy)
    try:
        static = sorted(p.name for p in Path(app.static_folder or "").iterdir() if p.is_file())
        rules = [r for r in app.url_map.iter_rules() if "GET" in (r.methods or ())]
        paths = []
        for rule in rules:
            sample = SAMPLES.get(rule.rule)
            if sample is None:
                # A route added later still gets tested: with made-up values it may be a
                # 404, which HEAD must give as GET does.
                sample = rule.rule
                for argument in rule.arguments:
                    sample = sample.replace(f"<{argument}>", "x").replace(
                        f"<path:{argument}>", "x")
                sample = sample.split("<")[0] if "<" in sample else sample
            paths.append(sample.format(static=static[0] if static else "x",
                                       query="events_with_actor?actor=Russia"))
        return paths
    finally:
        close_app(app)


def test_head_on_every_get_route(server: Server, example_store: Path, tmp_path: Path) -> None:
    """"`HEAD /sparql` gives 415." Every GET route answers HEAD with GET's status and headers
    and no body."""
    paths = get_routes(example_store, tmp_path)
    assert "/sparql?query=ASK%7B%7D" in paths and len(paths) >= 10
    for path in paths:
        got_status, got_headers, _ = request(server, "GET", path)
        status, headers, body = request(server, "HEAD", path)
        assert status == got_status, (path, status, got_status)
        assert body == b"", path
        for header in ("Date", "Content-Length", "Transfer-Encoding", "Connection"):
            got_headers.pop(header, None)
            headers.pop(header, None)
        assert headers == got_headers, path
    status, headers, _ = request(server, "HEAD", "/sparql")
    assert status == 200 and media(headers) == "text/turtle"


# rdflib 7.6's JSON-LD parser warns about its own use of ConjunctiveGraph.
@pytest.mark.filterwarnings("ignore:.*(ConjunctiveGraph|default_context).*:DeprecationWarning:rdflib")
def test_rdflib_reads_a_jsonld_answer_fetching_the_context_from_the_server(server: Server) -> None:
    """What SPARQLWrapper's convert() does with JSONLD: rdflib's parser fetches the context the
    answer names, from the server that answered (loopback), and reads the graph."""
    status, _, body = request(server, "GET", query_path(DESCRIBE),
                              {"Accept": "application/ld+json"})
    assert status == 200, body
    graph = Graph().parse(data=body, format="json-ld")
    assert has_putins_label(graph)
