"""What a remote SPARQL server needs said differently: one :class:`Dialect` per kind of server.

A remote store learns its dialect from the server's ``Server`` header (one GET of the query
endpoint before the first request), or from the URL's ``dialect=`` parameter, which wins.
:data:`STANDARD` is a SPARQL 1.1 server in its standard configuration (Oxigraph, Fuseki, RDF4J,
``kg serve``). :data:`VIRTUOSO` is Virtuoso open-source: its default graph is the union of every
graph, a fact repeated once per graph stating it, so the store's default graph (the merge of
the named graphs) is kept in a graph of its own, :data:`VIRTUOSO_DEFAULT_GRAPH`, named by a
pragma before each request.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.store.errors import StoreError
from kg.terms import TermError, sparql_iri


def _name(iri: str) -> str:
    """An IRI written as SPARQL; one that is not valid is a StoreError."""
    try:
        return sparql_iri(iri)
    except TermError as exc:
        raise StoreError(str(exc)) from None


#: The graph that holds the merge of the named graphs on a Virtuoso server.
VIRTUOSO_DEFAULT_GRAPH = "urn:x-diplomacy-kg:default-graph"

# Graphs a fresh Virtuoso holds for its own use; they are no document's and never listed.
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)


@dataclass(frozen=True)
class Dialect:
    """How to talk to one kind of SPARQL server."""

    name: str
    #: Rows asked per page of an export; a server that caps its answers lower is followed.
    page_rows: int = 100_000
    #: Send queries form-encoded (``query=``) rather than as an ``application/sparql-query`` body.
    form_queries: bool = False
    #: The graph that stands for the default graph, where the server's own is not usable.
    default_graph: str | None = None
    #: Graphs of the server's own that are never listed as named graphs.
    hidden_graphs: tuple[str, ...] = ()
    #: The query that lists the graphs (Virtuoso finds none with an empty ``GRAPH ?g { }``).
    graphs_query: str = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
    #: The most statements one update may carry (Virtuoso: SP031 "generated SQL text has
    #: exceeded 10000 lines" past some 1,000 in a template, SP030 past some 5,000 in
    #: INSERT DATA); larger writes go in chunks, or whole by ``crud_path``.
    max_data_statements: int | None = None
    #: The Graph Store path (beside the query endpoint) that takes a graph of any size.
    crud_path: str | None = None
    #: How the server writes a blank node's label in SPARQL JSON results (Virtuoso:
    #: ``nodeID://b10001``, which is no blank node label), to be read as ``_:b10001``.
    bnode_prefix: str | None = None
    #: Whether to ask for triples or for results by the query's form: Virtuoso answers a
    #: CONSTRUCT in SPARQL JSON results (rows of ?s ?p ?o) when that comes first in Accept.
    accept_by_form: bool = False
    #: Whether an export first asks for the whole answer unsorted, paging only if the server
    #: says it cut it (kg serve: X-Result-Truncated; Virtuoso: X-SPARQL-MaxRows).
    whole_answer_first: bool = True
    #: Whether a page is cut from the sorted query itself; if not, from a sorted subquery (the
    #: form Virtuoso's documentation gives for paging past its limits on sorted rows).
    deep_sorted_offsets: bool = True

    def prologue(self, sparql: str = "") -> str:
        """Text to put before a query or update sent to the server (none before a query that
        names its own dataset: Virtuoso would add its FROM to the pragma's graph)."""
        if self.default_graph is None or has_dataset_clause(sparql):
            return ""
        return f"define input:default-graph-uri {_name(self.default_graph)}\n"

    def own_text(self, sparql: str) -> str:
        """A query or update as this server must read it: with the dialect's default graph,
        ``GRAPH ?g`` must not match that graph."""
        if self.default_graph is None:
            return sparql
        return hide_graph(sparql, self.hidden_graphs)

    def fixed_results(self, data: dict[str, Any]) -> dict[str, Any]:
        """SPARQL JSON results as the standard writes them: blank nodes labelled as such,
        and an ASK answered as a one-cell SELECT (Virtuoso's ``__ASK_RETVAL``) a boolean."""
        head = data.get("head") or {}
        bindings = (data.get("results") or {}).get("bindings")
        if head.get("vars") == ["__ASK_RETVAL"] and isinstance(bindings, list):
            value = str((bindings[0].get("__ASK_RETVAL") or {}).get("value", "0")
                        if bindings else "0")
            return {"head": {}, "boolean": value not in ("0", "false")}
        prefix = self.bnode_prefix
        if prefix and isinstance(bindings, list):
            for row in bindings:
                for term in row.values():
                    value = term.get("value")
                    if isinstance(value, str) and value.startswith(prefix) and term.get(
                            "type") in ("bnode", "uri"):
                        term["type"], term["value"] = "bnode", value[len(prefix):]
        return data

    def page_query(self, variables: tuple[str, ...], where: str, *, limit: int,
                   offset: int) -> str:
        """A SELECT of ``variables`` over the group ``where``, sorted, one page of it."""
        names = " ".join(f"?{v}" for v in variables)
        if self.deep_sorted_offsets:
            return (f"SELECT {names} WHERE {where} ORDER BY {names} "
                    f"LIMIT {int(limit)} OFFSET {int(offset)}")
        return (f"SELECT {names} WHERE {{ {{ SELECT {names} WHERE {where} ORDER BY {names} }} }}"
                f" LIMIT {int(limit)} OFFSET {int(offset)}")


STANDARD = Dialect("sparql11")
VIRTUOSO = Dialect(
    "virtuoso",
    page_rows=10_000,  # its ResultSetMaxRows as Debian ships it
    form_queries=True,  # Virtuoso 7.2 never answers a POST of application/sparql-query
    default_graph=VIRTUOSO_DEFAULT_GRAPH,
    hidden_graphs=(VIRTUOSO_DEFAULT_GRAPH, *VIRTUOSO_SYSTEM_GRAPHS),
    graphs_query="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    max_data_statements=1_000,  # an INSERT template makes SQL of 10,000 lines at most
    crud_path="/sparql-graph-crud",
    bnode_prefix="nodeID://",
    accept_by_form=True,
    deep_sorted_offsets=False,
)

#: Dialects by name, as a store URL's ``dialect=`` parameter gives them.
DIALECTS = {d.name: d for d in (STANDARD, VIRTUOSO)}


def dialect_named(name: str) -> Dialect:
    """The dialect a store URL's ``dialect=`` parameter names."""
    try:
        return DIALECTS[name.lower()]
    except KeyError:
        raise StoreError(f"dialect={name!r} is not one of {', '.join(DIALECTS)}") from None


def dialect_of_server(server_header: str) -> Dialect:
    """The dialect of the server that sent this ``Server`` header (Virtuoso says its name)."""
    return VIRTUOSO if server_header.startswith("Virtuoso/") else STANDARD


# -- GRAPH ?var kept off the graph that stands for the default graph (Virtuoso) -------------

# A template, not a pattern, follows these keywords: no FILTER may go inside it.
_TEMPLATE_KEYWORDS = ("INSERT", "DELETE", "DATA", "CONSTRUCT")


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """The tokens of SPARQL text that matter to the rewrites here, as (kind, text), kind one
    of: string, iri, comment, space, word (keywords, names, variables), other (a character).
    Everything is yielded, so that joining the texts gives ``text`` back."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            end = _string_end(text, i)
            yield "string", text[i:end]
        elif c == "<" and (end := _iri_end(text, i)) > 0:
            yield "iri", text[i:end]
        elif c == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            yield "comment", text[i:end]
        elif c.isspace():
            end = i + 1
            while end < n and text[end].isspace():
                end += 1
            yield "space", text[i:end]
        elif c.isalpha() or c in "?$_":
            end = i + 1
            while end < n and (text[end].isalnum() or text[end] in "_-:.") and not (
                    text[end] == "." and (end + 1 >= n or not text[end + 1].isalnum())):
                end += 1
            yield "word", text[i:end]
        else:
            end = i + 1
            yield "other", c
        i = end


def query_form(query: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of these keywords outside braces, strings
    and IRIs (after the prologue); None for none (an update)."""
    depth = 0
    for kind, token in _tokens(query):
        if kind == "other" and token in "{}":
            depth += 1 if token == "{" else -1
        elif kind == "word" and depth == 0 and token.upper() in _FORMS:
            return token.upper()
    return None


_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def has_dataset_clause(query: str) -> bool:
    """Whether a query names its own dataset (FROM or FROM NAMED, outside any braces)."""
    depth = 0
    for kind, token in _tokens(query):
        if kind == "other" and token in "{}":
            depth += 1 if token == "{" else -1
        elif kind == "word" and depth == 0 and token.upper() == "FROM":
            return True
    return False


def hide_graph(text: str, graphs: tuple[str, ...]) -> str:
    """``text`` with the patterns ``GRAPH ?v {...}`` kept off ``graphs``, and ``GRAPH <g> {...}``
    made ``GRAPH ?kg_graph_N {...} FILTER (?kg_graph_N = <g>)``.

    Virtuoso, once its default graph is named (``input:default-graph-uri``), matches a
    ``GRAPH <g>`` pattern in no graph at all, while ``GRAPH ?v`` still ranges over every graph.
    The text is read token by token (:func:`_tokens`), so that nothing inside a literal or an
    IRI is taken for a pattern; templates (after INSERT, DELETE, DATA, CONSTRUCT) are left
    alone, for a FILTER may not stand in them, and so are MINUS groups.
    """
    hidden = ", ".join(_name(g) for g in graphs)
    out: list[str] = []
    # For each open brace: whether it is in a template, whether in a MINUS, and the FILTER to
    # put after it.
    stack: list[tuple[bool, bool, str | None]] = []
    last_word = ""
    pending: tuple[int, str] | None = None  # after GRAPH: where its name is in ``out``, the name
    constants = 0
    for kind, token in _tokens(text):
        if kind in ("space", "comment"):
            out.append(token)
            continue
        if kind == "other" and token == "{":
            in_template = bool(stack and stack[-1][0]) or last_word in _TEMPLATE_KEYWORDS
            # MINUS removes only solutions sharing a binding with those outside it, already
            # kept off the hidden graphs; and Virtuoso gets MINUS wrong with a FILTER in it.
            in_minus = bool(stack and stack[-1][1]) or last_word == "MINUS"
            after: str | None = None
            if pending is not None and not in_template and not in_minus:
                index, name = pending
                if name[0] in "?$":
                    after = f" FILTER (?{name[1:]} NOT IN ({hidden}))"
                else:
                    constants += 1
                    variable = f"?kg_graph_{constants}"
                    out[index] = variable
                    after = f" FILTER ({variable} = {name})"
            stack.append((in_template, in_minus, after))
            out.append(token)
            last_word, pending = "", None
            continue
        if kind == "other" and token == "}":
            out.append(token)
            if stack:
                _, _, after = stack.pop()
                if after is not None:
                    out.append(after)
            last_word, pending = "", None
            continue
        graph_name = kind == "iri" or (kind == "word" and (token[0] in "?$" or ":" in token))
        pending = (len(out), token) if last_word == "GRAPH" and graph_name else None
        last_word = token.upper() if kind == "word" and not graph_name else ""
        out.append(token)
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    """Where the string literal that starts at ``start`` ends (long or short, escapes read)."""
    quote = text[start]
    long_quote = text.startswith(quote * 3, start)
    i = start + (3 if long_quote else 1)
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if long_quote and text.startswith(quote * 3, i):
            return i + 3
        if not long_quote and text[i] == quote:
            return i + 1
        i += 1
    return len(text)


def _iri_end(text: str, start: int) -> int:
    """Where the IRI reference that starts at ``start`` ends, or 0: a ``<`` of comparison."""
    for i in range(start + 1, len(text)):
        c = text[i]
        if c == ">":
            return i + 1
        if c.isspace() or c in '<"{}|^`\\':
            return 0
    return 0


# -- writes in few operations (Virtuoso compiles one request's operations together: SQ156
# "Query too large" past some dozens of DELETE ... WHERE operations) ------------------------


def drop_update(graph_iris: list[str]) -> str:
    """Operations that drop these graphs, and take out of the default graph what only they
    held: the same as :func:`kg.store.merge._drops` of them all, in two operations."""
    names = " ".join(_name(g) for g in graph_iris)
    listed = ", ".join(_name(g) for g in graph_iris)
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other NOT IN ({listed})) }} }}"
        f" ;\nDELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {names} }} "
        f"GRAPH ?g {{ ?s ?p ?o }} }}"
    )


def insert_update(lines: dict[str, list[str]]) -> str:
    """Operations that insert N-Triples lines into their graphs, and the graphs into the
    default graph (after :func:`drop_update` of them, a replace_graphs)."""
    blocks = "".join(f"GRAPH {_name(g)} {{\n{''.join(v)}}}\n" for g, v in lines.items() if v)
    if not blocks:
        return ""
    names = " ".join(_name(g) for g, v in lines.items() if v)
    return (f"INSERT {{\n{blocks}}} WHERE {{}} ;\n"
            f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} }}")


def move_update(scratch: dict[str, str]) -> str:
    """Operations that copy each scratch graph into its graph and the default graph, then
    empty the scratch graphs (``scratch``: graph IRI → its scratch graph IRI).

    Virtuoso fails (SR002 string_output_string, having written part of it) on a template
    ``GRAPH ?g`` whose ?g a VALUES block binds: ?g is bound by BIND from it.
    """
    pairs = " ".join(f"({_name(t)} {_name(g)})" for g, t in scratch.items())
    names = " ".join(_name(t) for t in scratch.values())
    return (f"INSERT {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES (?t ?target) {{ {pairs} }}"
            f" GRAPH ?t {{ ?s ?p ?o }} BIND (?target AS ?g) }} ;\n"
            f"INSERT {{ ?s ?p ?o }} WHERE {{ VALUES ?t {{ {names} }} GRAPH ?t {{ ?s ?p ?o }} }}"
            f" ;\nDELETE {{ GRAPH ?t {{ ?s ?p ?o }} }} WHERE {{ VALUES ?t {{ {names} }} "
            f"GRAPH ?t {{ ?s ?p ?o }} }}")


def add_update(graph_iri: str, scratch: str, lines: list[str]) -> str:
    """One request that adds N-Triples lines to a graph and the default graph, through a
    scratch graph (see :func:`move_update`)."""
    return (f"INSERT {{ GRAPH {_name(scratch)} {{\n{''.join(lines)}}} }} WHERE {{}} ;\n"
            + move_update({graph_iri: scratch}))


def check_lines(lines: dict[str, list[str]]) -> None:
    """Refuse N-Triples lines that Oxigraph's parser refuses (Virtuoso would store an IRI
    such as ``http://x/bad%zz``), naming the offending line: the stores agree on what is
    data. Raises StoreError before anything is written."""
    for graph_iri, graph_lines in lines.items():
        try:
            for _ in ox.parse("".join(graph_lines).encode("utf-8"), ox.RdfFormat.N_TRIPLES):
                pass
        except SyntaxError as exc:
            position = exc.args[1] if len(exc.args) > 1 else None
            number = position[1] if isinstance(position, tuple) and len(position) > 1 else 0
            line = graph_lines[number - 1].strip() if 0 < number <= len(graph_lines) else ""
            raise StoreError(f"the store refused the data, nothing was written: graph "
                             f"<{graph_iri}>: {exc.args[0]} in: {line[:300]}") from None
