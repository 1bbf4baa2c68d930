"""extract_document: every record of a parsed Document gets its mentions, outlets and place."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from kg.extract import Gazetteer, extract_document, resolve_place
from kg.model import Article, Document, Event, EventRef, Outlet, Place, SourceLink

HEADLINE = ("President of the United States George W. Bush and President of Russia Vladimir "
            "Putin meet to discuss missile defense.")
SPIEGEL = ("http://translate.google.com/translate?u=http%3A%2F%2Fwww.spiegel.de%2Fpolitik%2F"
           "deutschland%2F0%2C1518%2C487262%2C00.html&langpair=de%7Cen&hl=en&ie=UTF8")


def seed_event() -> Event:
    return Event(
        headline=HEADLINE,
        date=date(2007, 6, 7),
        context=("33rd G8 summit", "George W. Bush", "President of Russia",
                 "President of the United States", "Vladimir Putin", "missile defense shield"),
        sources=(
            SourceLink(label="AP via the Guardian",
                       url="http://www.guardian.co.uk/worldlatest/story/0,,-6690625,00.html",
                       publisher_text="the Guardian", agency_text="AP"),
            SourceLink(label="Indymedia", url="http://www.indymedia.org.uk/en/2007/06/372797.html"),
            SourceLink(label="Spiegel", url=SPIEGEL, publisher_text="Spiegel"),
        ),
        related=(
            EventRef(headline="U.S. President Barack Obama and Russian President Vladimir Putin "
                              "fail to agree on a peace deal regarding the Syrian civil war.",
                     date=date(2016, 9, 5),
                     context=("Russian President", "U.S. President", "Vladimir Putin")),
        ),
    )


def seed_article() -> Article:
    return Article(
        title="Putin, Bush to debate missile defence plans",
        body=("SOCHI, Russia (AFP) — President George W. Bush was to arrive in the Russian Black "
              "Sea resort of Sochi on Saturday for talks with President Vladimir Putin. Putin "
              "adviser Sergei Prikhodko raised hopes of a positive response from Putin."),
        published=date(2008, 4, 5),
        publisher_text="Global Research",
        agency_texts=("Associated Press", "AFP"),
        dateline="SOCHI, Russia",
    )


def test_events_related_and_sources(gazetteer: Gazetteer) -> None:
    doc = Document(path="seed.md", format="event-page", events=(seed_event(),))
    event = extract_document(doc, gazetteer).events[0]
    assert [a.name for a in event.mentions.actors] == ["George W. Bush", "Vladimir Putin"]
    assert {p.name: p.holder.name if p.holder else None for p in event.mentions.posts} == {
        "President of the United States": "George W. Bush",
        "President of Russia": "Vladimir Putin",
    }
    assert event.mentions.topics == ("33rd G8 summit", "missile defense shield")
    first, indymedia, spiegel = event.sources
    assert first.agency == Outlet(name="Associated Press", qid="Q40469", is_agency=True)
    assert first.publisher == Outlet(name="The Guardian", qid="Q11148")
    assert indymedia.publisher == Outlet(name="Indymedia") and indymedia.agency is None
    assert spiegel.publisher == Outlet(name="Der Spiegel", qid="Q131478")
    related = event.related[0]
    assert [a.name for a in related.mentions.actors] == ["Barack Obama", "Vladimir Putin", "Syria"]
    assert {p.name: p.holder.name if p.holder else None for p in related.mentions.posts} == {
        "President of the United States": "Barack Obama",
        "President of Russia": "Vladimir Putin",
    }


def test_articles_outlets_and_dateline(gazetteer: Gazetteer) -> None:
    doc = Document(path="001.txt", format="article", articles=(seed_article(),))
    article = extract_document(doc, gazetteer).articles[0]
    assert article.publisher == Outlet(name="Global Research")
    assert [a.name for a in article.agencies] == ["Associated Press", "Agence France-Presse"]
    assert article.place == Place(name="Sochi", country="Russia")
    assert [a.name for a in article.mentions.actors] == [
        "Vladimir Putin", "George W. Bush", "Russia", "Sergei Prikhodko",
    ]
    assert article.mentions.places[0].name == "Sochi"
    assert ("Aide to the President of Russia", "Sergei Prikhodko") in [
        (p.name, p.holder.name if p.holder else None) for p in article.mentions.posts
    ]


def test_wikitimes_entities_are_strong_hints(gazetteer: Gazetteer) -> None:
    event = Event(
        headline="Egypt's President meets the Greek Prime Minister.",
        date=date(2015, 9, 1),
        context=("Abdel Fattah alSisi", "Syrian people", "Palmyra"),
        entities=(("Abdel Fattah alSisi", "http://en.wikipedia.org/wiki/Abdel_Fattah_al-Sisi"),
                  ("Syrian people", "http://en.wikipedia.org/wiki/Syrian_people"),
                  ("Palmyra", "http://en.wikipedia.org/wiki/Palmyra")),
        topic="Destruction of cultural heritage by ISIL",
    )
    doc = extract_document(Document(path="w.json", format="wikitimes", events=(event,)),
                           gazetteer)
    mentions = doc.events[0].mentions
    assert [a.name for a in mentions.actors] == ["Abdel Fattah el-Sisi", "Syria"]
    # Greece had a caretaker Prime Minister that September, whom the gazetteer does not list.
    assert {p.name: p.holder.name if p.holder else None for p in mentions.posts} == {
        "President of Egypt": "Abdel Fattah el-Sisi", "Prime Minister of Greece": None,
    }
    assert mentions.topics == ("Palmyra", "Destruction of cultural heritage by ISIL")


def test_context_tags_give_no_state_the_text_names_only_as_a_scene(
    gazetteer: Gazetteer,
) -> None:
    """A page's Context tags list the states it links to; the text says which take part."""
    crash = Event(
        headline="An Antonov An-28 operated by Blue Wing Airlines crashes upon landing in "
                 "Benzdorp, Suriname. All nineteen on board are presumed dead.",
        date=date(2008, 4, 3),
        context=("Benzdorp", "Antonov An-28", "Suriname", "crashes upon landing",
                 "Blue Wing Airlines"),
    )
    heir = Event(
        headline="Isabel dos Santos, a billionaire and the eldest daughter of the President of "
                 "Angola, has entered an auction for Portugal Telecom, bidding against a "
                 "France based company, Altice.",
        date=date(2014, 11, 10),
        context=("Isabel dos Santos", "France", "Portugal Telecom", "Angola"),
    )
    kosovo = Event(
        headline="Serbian Minister on Kosovo Slobodan Samardzic submits to UNMIK a plan "
                 "suggesting Kosovo's division into cantons along ethnic lines.",
        date=date(2008, 4, 3),
        context=("Kosovo", "UNMIK", "Slobodan Samardzic", "Serbia"),
    )
    doc = extract_document(
        Document(path="index.md", format="day-index", events=(crash, heir, kosovo)), gazetteer
    )
    actors = [[a.name for a in e.mentions.actors] for e in doc.events]
    assert "Suriname" not in actors[0]
    assert {"France", "Angola", "José Eduardo dos Santos"}.isdisjoint(actors[1])
    assert "Serbia" in actors[2]  # its minister acts for it


def test_dateline_places(gazetteer: Gazetteer) -> None:
    assert resolve_place("SOCHI, Russia", gazetteer) == Place(name="Sochi", country="Russia")
    assert resolve_place("KENNEBUNKPORT, Maine", gazetteer) == Place(
        name="Kennebunkport", country="United States"
    )
    assert resolve_place("GENEVA", gazetteer) == Place(name="Geneva", qid="Q71",
                                                       country="Switzerland")
    assert resolve_place("TIKRIT, Iraq", gazetteer) == Place(name="Tikrit", country="Iraq")
    assert resolve_place("UNITED NATIONS", gazetteer) is None


def test_extraction_stays_pure() -> None:
    """The extract package reads only its data files: no environment, network or CLI."""
    forbidden = {"os", "socket", "urllib.request", "http", "requests", "flask", "click",
                 "subprocess"}
    package = Path(__file__).resolve().parents[2] / "kg" / "extract"
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                modules = {node.module or ""}
            else:
                continue
            assert not modules & forbidden, (path.name, modules)
