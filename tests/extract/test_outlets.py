"""Publishers and agencies from link texts and URLs, over every source name in the data."""

from __future__ import annotations

import json
import re

from kg.extract.outlets import outlet_index, resolve_outlet, resolve_outlets
from kg.model import Outlet

from ..conftest import DATA

GUARDIAN = "http://www.guardian.co.uk/worldlatest/story/0,,-6690625,00.html"
SPIEGEL = ("http://translate.google.com/translate?u=http%3A%2F%2Fwww.spiegel.de%2Fpolitik%2F"
           "deutschland%2F0%2C1518%2C487262%2C00.html&langpair=de%7Cen&hl=en&ie=UTF8")


def test_ap_via_the_guardian_parts() -> None:
    agency = resolve_outlet("AP", None)
    publisher = resolve_outlet("the Guardian", GUARDIAN)
    assert agency == Outlet(name="Associated Press", qid="Q40469", is_agency=True)
    assert publisher == Outlet(name="The Guardian", qid="Q11148", is_agency=False)
    assert resolve_outlet("Press Association", None) == Outlet(
        name="Press Association", qid=None, is_agency=True
    )


def test_spiegel_through_a_translation_proxy() -> None:
    assert resolve_outlet("Spiegel", SPIEGEL) == Outlet(name="Der Spiegel", qid="Q131478")
    assert resolve_outlet(None, SPIEGEL) == Outlet(name="Der Spiegel", qid="Q131478")


def test_domain_decides_for_unknown_or_generic_labels() -> None:
    assert resolve_outlet("Some Blog Post", GUARDIAN).name == "The Guardian"  # type: ignore[union-attr]
    image = "http://www.aljazeera.com/mritems/Images/2011/6/28/201162822540236734_20.jpg"
    assert resolve_outlet("Cover Image", image).name == "Al Jazeera"  # type: ignore[union-attr]
    assert resolve_outlet("Cover Image", "http://img.example.org/x.jpg") is None
    assert resolve_outlet(None, "http://edition.cnn.com/2010/WORLD/") == Outlet(
        name="CNN", qid="Q48340"
    )
    assert resolve_outlet(None, None) is None


def test_unknown_names_are_kept_as_written() -> None:
    assert resolve_outlet("the Daily Planet", None) == Outlet(name="The Daily Planet")
    assert resolve_outlet("thelocal", "http://www.thelocal.de/x").name == "The Local"  # type: ignore[union-attr]
    assert resolve_outlet("westside weekly", None) == Outlet(name="Westside Weekly")
    assert resolve_outlet("''The International Herald Tribune", None).name == (  # type: ignore[union-attr]
        "International Herald Tribune"
    )


def test_the_label_wins_over_the_domain_unless_they_share_the_name() -> None:
    assert resolve_outlet("BBC", "http://www.reuters.com/article/x").name == "BBC"  # type: ignore[union-attr]
    australian = resolve_outlet("ABC News", "http://www.abc.net.au/news/x")
    assert australian is not None and australian.name == "ABC News (Australia)"
    american = resolve_outlet("ABC News", "http://abcnews.go.com/x")
    assert american is not None and american.name == "ABC News (United States)"


def test_joined_agencies() -> None:
    assert [o.name for o in resolve_outlets("AFP/Reuters")] == [
        "Agence France-Presse", "Reuters",
    ]
    assert [o.name for o in resolve_outlets("Reuters")] == ["Reuters"]
    assert resolve_outlets(None) == ()


def _source_names() -> dict[str, set[tuple[str, str]]]:
    """(link text, URL) of every source, by the tests/data folder it is listed in."""
    found: dict[str, set[tuple[str, str]]] = {"wikitimes": set()}
    for path in sorted((DATA / "wikitimes").glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            for source in record.get("source") or []:
                found["wikitimes"].add((source["sourceName"], source["url"]))
    link = re.compile(r"^\d+\. \[([^\]]+)\]\((https?://[^)\s]+)\)", re.MULTILINE)
    for folder in ("devcorpus", "thecontext"):
        found[folder] = {pair for path in sorted((DATA / folder).glob("*.md"))
                         for pair in link.findall(path.read_text(encoding="utf-8"))}
    return found


SOURCES_BY_FOLDER = _source_names()
SOURCES = sorted(set().union(*SOURCES_BY_FOLDER.values()))


def test_every_source_name_in_the_data_resolves() -> None:
    # Floors on the fixed data (582, 68 and 6 sources): a folder lost fails, not passes.
    sizes = {folder: len(pairs) for folder, pairs in SOURCES_BY_FOLDER.items()}
    assert sizes["wikitimes"] >= 500 and sizes["devcorpus"] >= 50 and sizes["thecontext"] >= 5
    unresolved = []
    for label, url in SOURCES:
        parts = label.split(" via ")
        publisher = resolve_outlet(parts[-1], url)
        if publisher is None and label.casefold() != "cover image":
            unresolved.append(label)
        for agency_text in parts[:-1]:
            for agency in resolve_outlets(agency_text):
                assert agency.name
    assert unresolved == []


def test_the_outlet_list_is_well_formed() -> None:
    index = outlet_index()
    names = [entry.name for entry in index.entries]
    assert len(names) == len(set(names))
    for entry in index.entries:
        assert entry.qid is None or re.fullmatch(r"Q[1-9][0-9]*", entry.qid)
        for domain in entry.domains:
            assert domain == domain.lower() and not domain.startswith(("http", "www."))
    qids = [e.qid for e in index.entries if e.qid]
    assert len(qids) == len(set(qids))
    agencies = {e.name for e in index.entries if e.agency}
    assert {"Associated Press", "Reuters", "Agence France-Presse", "Interfax", "RIA Novosti",
            "TASS", "Xinhua News Agency"} <= agencies
