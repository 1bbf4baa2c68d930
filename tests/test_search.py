"""Name keys, the text index and the named queries' lookups, on real stores (kg.search)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from kg.cli import cli
from kg.iri import actor_iri
from kg.mapper import map_triples
from kg.model import ActorKind
from kg.names import name_key, name_words
from kg.pipeline import ingest, load_gazetteer, prepare_document
from kg.queries import QueryParamError, bind_params, load_queries, parse_named_query, to_term
from kg.search import (
    INDEX_FILE,
    MAX_QUERY,
    SearchError,
    check_index,
    fts_query,
    index_for,
    reindex,
    search,
)
from kg.store import Store, open_store
from kg.vocab import DIP
from tests.conftest import DATA, SEEDS

QUERIES = load_queries()
CABANAS = DATA / "same-event" / "2015-09-17_cuban-diplomat-presents-his-credentials.md"
PUTIN = actor_iri(ActorKind.PERSON, "Vladimir Putin")


def entries(store: Store) -> set[tuple[object, ...]]:
    """Every entry of the store's index, as its table holds it."""
    index = index_for(store)
    assert index is not None
    with index._lock:  # the test reads the table itself, to compare two ways of making it
        return set(index._db.execute("SELECT iri, kind, day, name, body, tags FROM things"))


# -- the name key -------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["Recep Tayyip Erdoğan", "recep tayyip ERDOGAN",
                                      "  Recep   Tayyip Erdogan ", "Recep Tayyip Erdoğan."])
def test_a_name_key_folds_case_accents_and_spaces(spelling: str) -> None:
    assert name_key(spelling) == "recep tayyip erdogan"


def test_a_name_key_folds_letters_nfkd_keeps_and_reads_words() -> None:
    assert name_key("Łódź") == name_key("lodz") == "lodz"
    assert name_words("U.S. President") == ["u", "s", "president"]
    assert name_words("!!!") == []


def test_the_mapper_writes_a_key_for_each_label_and_alias() -> None:
    document = prepare_document(SEEDS[0].read_text(encoding="utf-8"), SEEDS[0].name,
                                gazetteer=load_gazetteer())
    triples = map_triples(document)
    keys = {str(o) for s, p, o in triples if s == URIRef(PUTIN) and p == DIP.nameKey}
    assert "vladimir putin" in keys and "vladimir vladimirovich putin" in keys
    named = {s for s, p, _ in triples if p == DIP.nameKey}
    assert any("/post/" in str(s) for s in named) and any("/place/" in str(s) for s in named)


# -- parameters ---------------------------------------------------------------------------------

def test_a_name_parameter_is_bound_as_its_key_or_as_the_iri_given() -> None:
    assert to_term("VLADIMIR Putin", "name") == Literal("vladimir putin")
    assert to_term(PUTIN, "name") == URIRef(PUTIN)
    with pytest.raises(QueryParamError):
        to_term("not an iri", "event")


def test_words_need_a_store_and_an_empty_value_binds_nothing() -> None:
    query = QUERIES["event_sources"]
    with pytest.raises(QueryParamError, match="text index"):
        bind_params(query, {"event": "missile defense"})
    assert bind_params(query, {"event": ""}) == {}


@pytest.mark.parametrize("spelling", ["jose ramon CABANAS rodriguez",
                                      "José Ramón Cabañas Rodríguez",
                                      "Jose  Ramon Cabanas-Rodriguez"])
def test_accent_and_case_variants_of_a_name_find_the_same_actor(
        tmp_path: Path, spelling: str) -> None:
    with open_store(tmp_path / "store") as store:
        assert not ingest(store, [CABANAS]).failures
        query = QUERIES["events_with_actor"]
        rows = store.query(query.text, bindings=bind_params(query, {"actor": spelling},
                                                            store=store)).rows
        assert [str(r[0]).rsplit("/", 1)[-1][:28] for r in rows] == ["cuban-diplomat-jose-ramon-ca"]


def test_an_actor_given_by_iri_finds_what_its_name_finds(examples_store: Store) -> None:
    query = QUERIES["events_with_two_actors"]
    bush = actor_iri(ActorKind.PERSON, "George W. Bush")
    by_name = examples_store.query(query.text, bindings=bind_params(
        query, {"actor1": "george w. BUSH", "actor2": "Vladimir Putin"}, store=examples_store))
    by_iri = examples_store.query(query.text, bindings=bind_params(
        query, {"actor1": bush, "actor2": f"<{PUTIN}>"}, store=examples_store))
    assert len(by_name.rows) == 4 and set(by_name.rows) == set(by_iri.rows)


def test_words_bind_every_thing_they_name_and_no_word_binds_none(examples_store: Store) -> None:
    query = QUERIES["events_on_topic"]
    many = bind_params(query, {"topic": "missile defense"}, store=examples_store)["topic"]
    assert isinstance(many, tuple) and len(many) > 1
    none = bind_params(query, {"topic": "zzzz-no-such-word"}, store=examples_store)
    assert none["topic"] == ()
    assert examples_store.query(query.text, bindings=none).rows == ()


# -- the index ----------------------------------------------------------------------------------

def test_ingest_writes_the_index_in_the_store_folder(examples_store: Store) -> None:
    assert examples_store.path is not None
    assert (examples_store.path / INDEX_FILE).is_file()
    found = check_index(examples_store)
    assert found.current and found.documents == 12 and found.things > 100


def test_search_ranks_the_matching_event_first_with_a_snippet(examples_store: Store) -> None:
    hits = search(examples_store, "Kennebunkport missile")
    assert hits[0].kind == "event" and "Kennebunkport" in hits[0].label
    assert "[Kennebunkport]" in hits[0].snippet
    assert {h.kind for h in search(examples_store, "Putin", kinds=("actor",))} == {"actor"}
    assert len(search(examples_store, "the", limit=3)) == 3


def test_a_search_matching_more_than_it_ranks_ranks_the_matches_indexed_last(
        examples_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """FTS5 ranks every match: "the", in nearly every entry, cost 120 ms at 100k events. Only
    the last RANK_AT_MOST matches (by row id) are ranked now; fewer matches rank as before."""
    index = index_for(examples_store)
    assert index is not None
    last = [iri for (iri,) in index._db.execute(
        "SELECT t.iri FROM records JOIN things t ON t.id = records.rowid "
        "WHERE records MATCH '\"the\"' ORDER BY records.rowid DESC")]
    everything = [h.iri for h in search(examples_store, "the", kinds=("event", "article"),
                                        limit=100)]
    assert sorted(everything) == sorted(last)  # fewer matches than it ranks: all of them
    monkeypatch.setattr("kg.search.index.RANK_AT_MOST", 3)
    capped = search(examples_store, "the", kinds=("event", "article"), limit=100)
    assert sorted(h.iri for h in capped) == sorted(last[:3])
    assert [h.iri for h in capped] == [i for i in everything if i in last[:3]]  # still by rank


def test_search_finds_words_in_other_forms_and_aliases(examples_store: Store) -> None:
    assert any("talks" in h.label for h in search(examples_store, "talk", kinds=("event",)))
    vladimirovich = search(examples_store, "Vladimirovich", kinds=("actor",))
    assert [h.iri for h in vladimirovich] == [PUTIN]


@pytest.mark.parametrize("text", ['"unclosed', "OR", "missile AND", "(missile", "NOT",
                                  "x" * (MAX_QUERY + 1), "   "])
def test_a_search_that_fts5_cannot_read_is_a_search_error(
        examples_store: Store, text: str) -> None:
    with pytest.raises(SearchError):
        search(examples_store, text)


def test_words_are_quoted_so_that_punctuation_is_never_syntax() -> None:
    assert fts_query("U.S. President") == '"U.S." "President"'
    assert fts_query('name: NEAR(x) sanct* "arms control" -x') == (
        '"name:" "NEAR" ( "x" ) "sanct"* "arms control" "-x"')


def test_reindex_makes_the_same_index_as_ingest(tmp_path: Path, examples_store: Store) -> None:
    assert examples_store.path is not None
    copy = shutil.copytree(examples_store.path, tmp_path / "store")
    with open_store(copy) as store:
        before = entries(store)
        made = reindex(store)
        assert made.things == len(before) and entries(store) == before


def test_an_edited_document_replaces_its_entries(tmp_path: Path) -> None:
    page = tmp_path / "pages" / "page.md"
    page.parent.mkdir()
    text = SEEDS[0].read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    with open_store(tmp_path / "store") as store:
        ingest(store, [page.parent])
        assert search(store, "Kennebunkport")
        page.write_text(text.replace("Kennebunkport", "Quahogport"), encoding="utf-8")
        ingest(store, [page.parent])
        assert not search(store, "Kennebunkport") and search(store, "Quahogport")
        assert check_index(store).current


def test_a_run_that_died_between_store_and_index_is_repaired_by_the_next_ingest(
        tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as store:
        ingest(store, SEEDS[:1])
        index = index_for(store)
        assert index is not None
        index.begin()  # as a run killed after writing documents leaves it
        store.drop_graphs([g for g in index.documents()])  # and documents gone by other means
        assert not check_index(store).current
        ingest(store, SEEDS[1:2])
        assert check_index(store).current
        assert not search(store, "Kennebunkport", kinds=("event",))  # its document is gone
        assert search(store, "missile", kinds=("article",))


def test_a_store_in_memory_has_its_index_in_memory() -> None:
    with open_store("memory:") as store:
        ingest(store, SEEDS)
        assert "Kennebunkport" in search(store, "Kennebunkport talks")[0].label


# -- the command --------------------------------------------------------------------------------

def test_kg_search_and_kg_reindex(tmp_path: Path, examples_store: Store) -> None:
    assert examples_store.path is not None
    copy = str(shutil.copytree(examples_store.path, tmp_path / "store"))
    runner = CliRunner()
    found = runner.invoke(cli, ["--store", copy, "search", "missile", "defense"])
    assert found.exit_code == 0, found.output
    assert "event" in found.output and "[missile] [defense]" in found.output
    bad = runner.invoke(cli, ["--store", copy, "search", '"unclosed'])
    assert bad.exit_code == 1 and "cannot read the search" in bad.output
    made = runner.invoke(cli, ["--store", copy, "reindex"])
    assert made.exit_code == 0 and "from 12 documents" in made.output, made.output
    checked = runner.invoke(cli, ["--store", copy, "reindex", "--check"])
    assert checked.exit_code == 0, checked.output
    assert (Path(copy) / INDEX_FILE).is_file()


def test_a_missing_index_says_to_run_reindex(tmp_path: Path, examples_store: Store) -> None:
    assert examples_store.path is not None
    copy = shutil.copytree(examples_store.path, tmp_path / "store")
    (copy / INDEX_FILE).unlink()
    runner = CliRunner()
    missing = runner.invoke(cli, ["--store", str(copy), "query", "event_sources",
                                  "-p", "event=missile defense"])
    assert missing.exit_code == 1 and "kg reindex" in missing.output
    assert runner.invoke(cli, ["--store", str(copy), "reindex"]).exit_code == 0
    found = runner.invoke(cli, ["--store", str(copy), "query", "event_sources",
                                "-p", "event=missile defense"])
    assert found.exit_code == 0 and "Der Spiegel" in found.output, found.output


def test_a_variable_bound_to_a_tuple_takes_each_term_and_none_for_an_empty_one(
        examples_store: Store) -> None:
    text = "SELECT ?who ?name WHERE { ?who <http://www.w3.org/2000/01/rdf-schema#label> ?name }"
    bush = URIRef(actor_iri(ActorKind.PERSON, "George W. Bush"))
    both = examples_store.query(text, bindings={"who": (URIRef(PUTIN), bush)})
    assert {str(row[1]) for row in both.rows} == {"Vladimir Putin", "George W. Bush"}
    assert examples_store.query(text, bindings={"who": ()}).rows == ()
    raw = examples_store.query_raw(text, bindings={"who": (bush,), "name": Literal("x")})
    assert raw.rows == 0


def test_a_lookup_within_two_dates_binds_only_the_things_dated_in_their_range(
        examples_store: Store) -> None:
    query = QUERIES["events_on_topic"]
    assert query.params[0].within == ("from", "to")
    everything = bind_params(query, {"topic": "missile defense"}, store=examples_store)
    july = bind_params(query, {"topic": "missile defense", "from": "2007-07-01",
                               "to": "2007-07-31"}, store=examples_store)
    assert isinstance(everything["topic"], tuple) and isinstance(july["topic"], tuple)
    assert 0 < len(july["topic"]) < len(everything["topic"])
    assert all("/event/2007-07-" in str(event) for event in july["topic"])


@pytest.mark.parametrize(("header", "error"), [
    ("# param: a (event, within f..t) words\n# param: f (date) d\n", "not date parameters"),
    ("# param: a (name, within f..t) a name\n# param: f (date) d\n# param: t (date) d\n",
     "only a lookup"),
])
def test_a_range_needs_a_lookup_and_two_date_parameters(header: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_named_query("x", header + "SELECT * {}")
