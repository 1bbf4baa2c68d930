"""The CAMEO event codes and their PLOVER event types as SKOS concept schemes.

``build_cameo_graph`` takes the text of two files, kept byte-for-byte in
``kg/data/``, and repairs what is wrong in them here rather than in the copies:

CAMEO.eventcodes.txt (``<code>\\t<description>``, CRLF line endings)
    - a header line, and one-digit "quad class" lines (``1\\tVerbal Cooperation``)
      that open each group of root codes; they become ``cameo:quad1`` .. ``quad4``;
    - code 044 reads "Meet at a ÒhirdÓlocation": Mac Roman curly quotes read as
      Latin-1 (``repair_mojibake``), and a lost "t" and space (``LABEL_FIXES``);
    - code 106 ("Demand withdrawal", with a Goldstein score ``[-5.0]``) is run
      into the line of 1056; it is split off again;
    - two typos ("matyerial", "radiologicalweapons"), trailing and doubled
      spaces, and root descriptions in capitals (sentence-cased here).

CAMEO2PLOVER-2021.txt (``<code>: <TYPE>, <mode>, <context> # <description>``)
    - a root line (``03: AGREE``) heads each section; it maps the root code, and
      root 08 (YIELD) heads two sections, CONCEDE and RETREAT;
    - code 175 is listed twice, and the file ends with a ``~~~~~`` rule;
    - codes 1213 and 1214 have no CAMEO line; they are left out (``unmapped_codes``);
    - its descriptions of 101 and 105-108 follow another CAMEO revision than the
      eventcodes file, so only the PLOVER type is kept (as ``skos:closeMatch``),
      not the mode or context, which would describe the other revision's code.

Run ``python scripts/cameo.py`` to regenerate ``ontology/cameo.ttl``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.vocab import CAMEO, DCTERMS, PLOVER, RDF, SKOS

DATA_DIR = Path(__file__).resolve().parents[1] / "kg" / "data"
EVENTCODES_FILE = "CAMEO.eventcodes.txt"
PLOVER_FILE = "CAMEO2PLOVER-2021.txt"
OUTPUT = Path(__file__).resolve().parents[1] / "ontology" / "cameo.ttl"

CAMEO_SCHEME = CAMEO["scheme"]
PLOVER_SCHEME = PLOVER["scheme"]

#: Descriptions that are wrong in the eventcodes file: code -> (as read, corrected).
#: Applied after the Mac Roman repair and whitespace folding.
LABEL_FIXES: dict[str, tuple[str, str]] = {
    "033": (
        "Express intent to provide matyerial aid, not specified below",
        "Express intent to provide material aid, not specified below",
    ),
    "044": ("Meet at a “hird”location", "Meet at a “third” location"),
    "2041": (
        "Use chemical, biological, or radiologicalweapons",
        "Use chemical, biological, or radiological weapons",
    ),
}

_CODE = re.compile(r"\d{1,4}")
# "...engagement106:[-5.0] Demand withdrawal": a code, a Goldstein score, a description.
_RUN_ON = re.compile(r"(?<=\D)(\d{2,4}):\[[-+]?\d+(?:\.\d+)?\]\s*")
_PLOVER_LINE = re.compile(r"(\d{2,4}):\s*([A-Z]+)\s*(?:,|#|$)")
_RULE = re.compile(r"[~=-]+")
# Only the quotes: other Latin-1 letters (é, Ñ) are far likelier to be meant.
_MAC_ROMAN_QUOTES = str.maketrans({"Ò": "“", "Ó": "”", "Ô": "‘", "Õ": "’"})


@dataclass(frozen=True)
class Code:
    """One line of the CAMEO codebook, repaired; ``broader`` is None for quad classes."""

    code: str
    label: str
    broader: str | None


def repair_mojibake(text: str) -> str:
    """Undo Mac Roman curly quotes that were read as Latin-1 ("ÒthirdÓ" -> "“third”")."""
    return text.translate(_MAC_ROMAN_QUOTES)


def _clean_label(code: str, text: str) -> str:
    label = " ".join(repair_mojibake(text).split())
    bad, good = LABEL_FIXES.get(code, (None, None))
    if label == bad and good is not None:
        label = good
    if label.isupper():
        label = label.capitalize()
    return label


def parse_eventcodes(text: str) -> list[Code]:
    """The codes of CAMEO.eventcodes.txt in file order, with quad classes and hierarchy."""
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        code, sep, description = line.partition("\t")
        if not _CODE.fullmatch(code):
            if number == 1:
                continue  # the header line
            raise ValueError(f"line {number}: not a CAMEO code: {line!r}")
        if not sep:
            raise ValueError(f"line {number}: no tab after the code: {line!r}")
        # A second entry run into this line's description: split it off.
        parts = _RUN_ON.split(description)
        pairs.append((code, parts[0]))
        pairs.extend(zip(parts[1::2], parts[2::2], strict=True))

    codes: list[Code] = []
    seen: set[str] = set()
    quad: str | None = None
    for code, description in pairs:
        if code in seen:
            raise ValueError(f"CAMEO code {code} is listed twice")
        seen.add(code)
        if len(code) == 1:
            quad, broader = f"quad{code}", None
        elif len(code) == 2:
            if quad is None:
                raise ValueError(f"root code {code} comes before any quad class")
            broader = quad
        else:
            broader = code[:-1]
            if broader not in seen:
                raise ValueError(f"CAMEO code {code} comes before its parent {broader}")
        key = f"quad{code}" if len(code) == 1 else code
        codes.append(Code(key, _clean_label(code, description), broader))
    return codes


def parse_plover(text: str) -> list[tuple[str, str]]:
    """(CAMEO code, PLOVER type) pairs of CAMEO2PLOVER, in file order, without repeats."""
    pairs: dict[tuple[str, str], None] = {}
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or _RULE.fullmatch(stripped):
            continue
        match = _PLOVER_LINE.match(stripped)
        if not match:
            raise ValueError(f"line {number}: not a CAMEO-to-PLOVER line: {line!r}")
        pairs[(match.group(1), match.group(2))] = None
    return list(pairs)


def unmapped_codes(eventcodes_text: str, plover_text: str) -> list[str]:
    """CAMEO codes that CAMEO2PLOVER maps but the CAMEO codebook does not list."""
    known = {c.code for c in parse_eventcodes(eventcodes_text)}
    return sorted({code for code, _ in parse_plover(plover_text)} - known)


def build_cameo_graph(eventcodes_text: str, plover_text: str) -> Graph:
    """The CAMEO and PLOVER concept schemes, and each CAMEO code's PLOVER closeMatch."""
    g = Graph()
    g.bind("cameo", CAMEO)
    g.bind("plover", PLOVER)
    g.bind("skos", SKOS)
    g.bind("dcterms", DCTERMS)

    g.add((CAMEO_SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((CAMEO_SCHEME, SKOS.prefLabel, Literal("CAMEO event codes", lang="en")))
    g.add((CAMEO_SCHEME, DCTERMS.source, Literal(EVENTCODES_FILE)))
    g.add((CAMEO_SCHEME, DCTERMS.description, Literal(
        "The Conflict and Mediation Event Observations (CAMEO) event codes, "
        "grouped under the four quad classes.", lang="en")))

    codes = parse_eventcodes(eventcodes_text)
    for code in codes:
        node = CAMEO[code.code]
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, CAMEO_SCHEME))
        g.add((node, SKOS.notation, Literal(code.code.removeprefix("quad"))))
        g.add((node, SKOS.prefLabel, Literal(code.label, lang="en")))
        if code.broader is None:
            g.add((node, SKOS.topConceptOf, CAMEO_SCHEME))
            g.add((CAMEO_SCHEME, SKOS.hasTopConcept, node))
        else:
            g.add((node, SKOS.broader, CAMEO[code.broader]))

    g.add((PLOVER_SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((PLOVER_SCHEME, SKOS.prefLabel, Literal("PLOVER event types", lang="en")))
    g.add((PLOVER_SCHEME, DCTERMS.source, Literal(PLOVER_FILE)))
    g.add((PLOVER_SCHEME, DCTERMS.description, Literal(
        "The event types of the Political Language Ontology for Verifiable Event "
        "Records (PLOVER), as mapped from CAMEO in September 2021.", lang="en")))

    known = {code.code for code in codes}
    for cameo_code, plover_type in parse_plover(plover_text):
        node = PLOVER[plover_type]
        if (node, RDF.type, SKOS.Concept) not in g:
            g.add((node, RDF.type, SKOS.Concept))
            g.add((node, SKOS.inScheme, PLOVER_SCHEME))
            g.add((node, SKOS.topConceptOf, PLOVER_SCHEME))
            g.add((PLOVER_SCHEME, SKOS.hasTopConcept, node))
            g.add((node, SKOS.notation, Literal(plover_type)))
            g.add((node, SKOS.prefLabel, Literal(plover_type.capitalize(), lang="en")))
        if cameo_code in known:
            g.add((CAMEO[cameo_code], SKOS.closeMatch, node))
    return g


def build_from_data(data_dir: Path = DATA_DIR) -> Graph:
    """``build_cameo_graph`` over the files kept in ``kg/data/``."""
    return build_cameo_graph(*_read_data(data_dir))


def _read_data(data_dir: Path) -> tuple[str, str]:
    return (
        (data_dir / EVENTCODES_FILE).read_text(encoding="utf-8"),
        (data_dir / PLOVER_FILE).read_text(encoding="utf-8"),
    )


# Subjects and predicates in reading order: schemes first, codes as a tree.
_PREDICATE_ORDER = (
    RDF.type,
    SKOS.notation,
    SKOS.prefLabel,
    SKOS.broader,
    SKOS.topConceptOf,
    SKOS.inScheme,
    SKOS.closeMatch,
)


def to_turtle(graph: Graph) -> str:
    """Turtle with schemes first, CAMEO codes in codebook order (quad, then code), one
    subject per paragraph; rdflib's own order follows reference counts, not the tree."""
    nm = graph.namespace_manager
    lines = [f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted(_used_prefixes(graph))]
    for subject in sorted(graph.subjects(unique=True), key=lambda s: _subject_key(graph, s)):
        predicates = sorted(
            set(graph.predicates(subject)),
            key=lambda p: (
                _PREDICATE_ORDER.index(p) if p in _PREDICATE_ORDER else len(_PREDICATE_ORDER),
                str(p),
            ),
        )
        parts = []
        for predicate in predicates:
            name = "a" if predicate == RDF.type else predicate.n3(nm)
            objects = sorted(graph.objects(subject, predicate), key=str)
            joined = " , ".join(o.n3(nm) for o in objects)
            parts.append(f"    {name} {joined}")
        lines.append("")
        lines.append(subject.n3(nm))
        lines.append(" ;\n".join(parts) + " .")
    return "\n".join(lines) + "\n"


def _used_prefixes(graph: Graph) -> set[tuple[str, str]]:
    used = {
        str(term)
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and term != RDF.type  # written as "a"
    }
    return {
        (prefix, str(ns))
        for prefix, ns in graph.namespaces()
        if any(term.startswith(str(ns)) for term in used)
    }


def _subject_key(graph: Graph, subject: Node) -> tuple[int, int, str]:
    text = str(subject)
    if text in (str(CAMEO_SCHEME), str(PLOVER_SCHEME)):
        return (0 if text == str(CAMEO_SCHEME) else 2, 0, "")
    if not text.startswith(str(CAMEO)):
        return (3, 0, text)
    # Follow skos:broader to the quad class, so that each quad's roots follow it.
    top, code = subject, text.removeprefix(str(CAMEO))
    while (parent := graph.value(top, SKOS.broader)) is not None:
        top = parent
    quad = str(top).removeprefix(str(CAMEO)).removeprefix("quad")
    return (1, int(quad) if quad.isdigit() else 9, "" if code.startswith("quad") else code)


def main(argv: list[str] | None = None) -> None:
    """Write ``ontology/cameo.ttl`` (or the path given) from the files in ``kg/data/``."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else OUTPUT
    eventcodes_text, plover_text = _read_data(DATA_DIR)
    graph = build_cameo_graph(eventcodes_text, plover_text)
    skipped = ", ".join(unmapped_codes(eventcodes_text, plover_text)) or "none"
    header = (
        "# CAMEO event codes and PLOVER event types as SKOS concept schemes.\n"
        f"# Generated by scripts/cameo.py from kg/data/{EVENTCODES_FILE} and\n"
        f"# kg/data/{PLOVER_FILE}; do not edit, run `python scripts/cameo.py`.\n"
        f"# PLOVER rows for codes not in the CAMEO file, left out: {skipped}.\n\n"
    )
    out.write_text(header + to_turtle(graph), encoding="utf-8")


if __name__ == "__main__":
    main()
