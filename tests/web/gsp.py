"""A small runner for the W3C SPARQL 1.1 Graph Store Protocol manifests, written with rdflib.

Each test is a list of HTTP requests with the statuses, headers and bodies they must get.
The request paths start with ``/gsp``, which stands for the graph store under test.
"""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import RDF

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
STATUSES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}


@dataclass
class Step:
    """One request and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    statuses: set[int]
    location_variable: str | None = None
    response_type: str | None = None
    response_body: str | None = None


@dataclass
class GspTest:
    """One test of the manifest: a name and its requests."""

    iri: str
    name: str
    steps: list[Step] = field(default_factory=list)


def load_tests(folder: Path) -> list[GspTest]:
    """Every mf:GraphStoreProtocolTest in the manifests of ``folder``."""
    graph = Graph()
    for name in ("manifest-direct.ttl", "manifest-indirect.ttl"):
        path = folder / name
        graph.parse(path, format="turtle", publicID=f"http://www.w3.org/2009/sparql/docs/tests/data-sparql11/http-rdf-update/{name}")
    tests = []
    for test in sorted(graph.subjects(RDF.type, MF.GraphStoreProtocolTest)):
        action = graph.value(test, MF.action)
        requests = Collection(graph, graph.value(action, HT.requests))
        found = GspTest(str(test), str(graph.value(test, MF.name)))
        for request in requests:
            found.steps.append(_step(graph, request))
        tests.append(found)
    return tests


def _headers(graph: Graph, node: object) -> dict[str, str]:
    headers: dict[str, str] = {}
    listing = graph.value(node, HT.headers)  # type: ignore[arg-type]
    if listing is not None:
        for header in Collection(graph, listing):
            name = str(graph.value(header, HT.fieldName))
            headers[name.lower()] = str(graph.value(header, HT.fieldValue))
    return headers


def _step(graph: Graph, request: object) -> Step:
    node = request
    response = graph.value(node, HT.resp)  # type: ignore[arg-type]
    body = graph.value(node, HT.body)  # type: ignore[arg-type]
    statuses = {STATUSES[str(s).removeprefix(str(HTS))]
                for s in graph.objects(response, MF.expectedStatus)}
    response_body = graph.value(response, HT.body)
    location = graph.value(response, MF.expectedLocation)
    return Step(
        method=str(graph.value(node, HT.methodName)),  # type: ignore[arg-type]
        path=str(graph.value(node, HT.absolutePath)),  # type: ignore[arg-type]
        headers=_headers(graph, node),
        body=str(graph.value(body, CNT.chars)) if body is not None else None,
        statuses=statuses,
        location_variable=str(location) if location is not None else None,
        response_type=_headers(graph, response).get("content-type"),
        response_body=str(graph.value(response_body, CNT.chars))
        if response_body is not None else None,
    )


def run_test(test: GspTest, base_url: str, *, prefix: str = "/store",
             extra_headers: dict[str, str] | None = None,
             reset: Callable[[], None] | None = None) -> Iterator[str]:
    """Run one test against the store at ``base_url + prefix``; yield what went wrong."""
    if reset is not None:
        reset()
    parts = urllib.parse.urlsplit(base_url)
    variables: dict[str, str] = {}
    for number, step in enumerate(test.steps, 1):
        path = step.path
        body = step.body
        for name, value in variables.items():
            path = path.replace(name, value)
            body = body.replace(name, value) if body is not None else None
        if path.startswith("/gsp"):
            path = prefix + path.removeprefix("/gsp")
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            headers = {**step.headers, **(extra_headers or {})}
            connection.request(step.method, path, body=body.encode("utf-8") if body else None,
                               headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        where = f"request {number} ({step.method} {path})"
        if response.status not in step.statuses:
            yield (f"{where}: status {response.status}, expected one of "
                   f"{sorted(step.statuses)}: {data[:500]!r}")
            return
        if step.location_variable:
            location = response.getheader("Location")
            if not location:
                yield f"{where}: no Location header"
                return
            variables[step.location_variable] = location
        if step.response_type:
            got = (response.getheader("Content-Type") or "").split(";")[0].strip()
            wanted = step.response_type.split(";")[0].strip()
            if got != wanted:
                yield f"{where}: Content-Type {got!r}, expected {wanted!r}"
        if step.response_body is not None and step.method != "HEAD":
            expected = Graph().parse(data=step.response_body, format="turtle")
            actual = Graph().parse(data=data.decode("utf-8"), format="turtle",
                                   publicID=base_url + path)
            if not isomorphic(expected, actual):
                _, missing, extra = graph_diff(expected, actual)
                yield (f"{where}: the graph differs; missing:\n"
                       f"{missing.serialize(format='nt')}\nextra:\n"
                       f"{extra.serialize(format='nt')}")


def graph_iri(base_url: str, path: str) -> URIRef:
    """The IRI a direct-identification path names on the server."""
    return URIRef(base_url + path)
