"""Commands that check and derive: validate, infer, link, check, eval."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.base import (
    INPUT_FORMATS,
    Context,
    cli,
    fail,
    open_for_reading,
    pass_context,
    user_errors,
)
from kg.cli.progress import Reporter
from kg.model import ParseError
from kg.pipeline import (
    ENGINES,
    INFERRED_GRAPH,
    SOFTWARE_IRI,
    check_store,
    infer,
    link_all,
    load_gazetteer,
    read_graph,
    repair_store,
    store_validation,
    tally,
    validate_store,
)
from kg.rdfio import OXIGRAPH_FORMATS
from kg.validate import INFERENCE, REPORT_FORMATS, ShapesError, load_shapes, merge_reports
from kg.validate import validate as validate_graph


@cli.command("validate")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice((*OXIGRAPH_FORMATS, *INPUT_FORMATS)),
    help="Skip detection: every FILE is in this format.",
)
@click.option(
    "--report",
    "report_format",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="text for people, the sh:ValidationReport in Turtle, or JSON.",
)
@click.option(
    "--shapes",
    "shapes_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Validate against the shapes in this Turtle file instead of the shipped ones.",
)
@click.option(
    "--inference",
    type=click.Choice(INFERENCE),
    default="none",
    show_default=True,
    help="What to infer from the data and the ontology before validating.",
)
@click.option(
    "--all",
    "whole_store",
    is_flag=True,
    help="Validate everything the store holds: an embedded store by the shapes compiled to "
    "SPARQL, run by the store (KG_GATE_ENGINE=pyshacl: pySHACL batch by batch).",
)
@pass_context
def validate_files(
    state: Context,
    files: tuple[Path, ...],
    fmt: str | None,
    report_format: str,
    shapes_file: Path | None,
    inference: str,
    whole_store: bool,
) -> None:
    """Check RDF files, input documents or the whole store against the SHACL shapes.

    FILEs may be Turtle, JSON-LD, N-Triples, N-Quads, TriG or RDF/XML (told by their
    extension or --format), or event pages, articles and WikiTimes files, which are
    mapped first. Nothing is fetched from the network. Exit status: 0 if everything
    conforms (warnings allowed), 1 if there are violations, 2 if an input is unusable.

    Example:

    \b
        kg validate mydata.ttl examples/000_30323f190908bd9a.txt --report json
    """
    if not files and not whole_store:
        raise click.UsageError("give one or more FILEs, or --all to validate the store")
    shapes = None
    if shapes_file is not None:
        try:
            shapes = load_shapes(shapes_file)
        except (ParseError, ShapesError) as exc:
            fail(str(exc), 2)
    reports = []
    unusable = False
    for file in files:
        try:
            graph = read_graph(file, format=fmt, base=state.base)
        except ParseError as exc:
            click.echo(f"error: {exc}", err=True)
            unusable = True
            continue
        reports.append(validate_graph(graph, shapes=shapes, inference=inference, source=str(file)))
    if whole_store:
        with user_errors(code=2):
            store = open_for_reading(state.store_url)
        try:
            with user_errors(code=2), Reporter().phases() as progress:
                # A spinner until the work is counted: compiled checks, or batches of graphs.
                unit = store_validation.progress_unit(store, inference=inference)
                progress("validating the store", None, unit)
                reports.append(validate_store(
                    store, shapes=shapes, inference=inference,
                    progress=tally(progress, "validating the store", unit)))
        finally:
            store.close()
    if reports:
        click.echo(merge_reports(reports).render(report_format), nl=False)
    sys.exit(2 if unusable else 0 if all(r.conforms for r in reports) else 1)


@cli.command("infer")
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="fast",
    show_default=True,
    help="fast: the OWL-RL rules the ontology needs, inside the store; "
    "owlrl: the owlrl package's full closure (slow, the reference).",
)
@click.option(
    "--same-as",
    is_flag=True,
    help="Also copy every fact across owl:sameAs links (fast engine; owlrl always does).",
)
@pass_context
def infer_graph(state: Context, engine: str, same_as: bool) -> None:
    """Bring the inferred graph up to date: what the ontology entails about the data.

    The entailed triples (an event is a sem:Event, relatedTo holds both ways, a
    participant is a sem:hasActor, ...) go to their own named graph, and so into the
    default graph that plain queries read. Each run computes them from what the other
    graphs assert and writes only the difference: what is no longer entailed goes.

    Example:

    \b
        kg infer && kg query 'PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
        SELECT (COUNT(?e) AS ?n) WHERE { ?e a sem:Event }'
    """
    with user_errors(), Reporter().phases() as progress:
        report = infer(state.store, engine=engine, same_as=same_as, progress=progress)
    click.echo(
        f"{report.triples} triples inferred into <{INFERRED_GRAPH}> "
        f"(+{report.added} -{report.removed}) by the {engine} engine in {report.seconds:.1f} s"
    )


@cli.command("link")
@pass_context
def link_articles(state: Context) -> None:
    """Recompute every article's links to the events it reports.

    Each link has a score in [0, 1] and its reasons (shared actors, topic words and
    places, the distance between the dates); each article's links are a named graph
    of their own, replaced whole. `kg ingest` keeps them current as documents come
    and go: run this after changing the scoring, or after writing the store by hand.

    Example:

    \b
        kg link && kg query article_events -p article="missile defence plans"
    """
    with user_errors(), Reporter().phases() as progress:
        report = link_all(state.store, software=SOFTWARE_IRI, progress=progress)
    click.echo(
        f"{report.links} article-event links computed for {report.articles} articles "
        f"({report.seconds:.1f} s)"
    )


@cli.command("check")
@click.option("--repair", is_flag=True, help="Restore what does not hold, then check again.")
@pass_context
def check_invariants(state: Context, repair: bool) -> None:
    """Check the store's invariants, each printed as ok or FAIL; exit status 1 if one fails.

    The default graph is the merge of the named graphs (no orphan, nothing missing; counted
    inside the store), the inferred graph and the article-event links are current (no run
    died halfway, no documents written since), and no temporary file of a dead process is
    left. --repair restores them: the merge written again where it differs, the derived
    data computed again as it was asked for, the leftovers removed.

    Example:

    \b
        kg check || kg check --repair
    """
    # Only --repair writes: without it a store that `kg serve` holds is checked in a view.
    store = state.existing_writable_store if repair else state.existing_store
    with user_errors():
        findings = check_store(store)
        for finding in findings:
            click.echo(finding.to_text())
        if repair and not all(f.ok for f in findings):
            with Reporter().phase("repairing"):
                repaired = repair_store(store, software=SOFTWARE_IRI)
            for line in repaired:
                click.echo(f"repaired: {line}")
            findings = check_store(store)
            for finding in findings:
                click.echo(finding.to_text())
    sys.exit(0 if all(f.ok for f in findings) else 1)




@cli.command("eval")
@click.argument(
    "folder", required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option("-v", "--verbose", is_flag=True, help="List the misses and false hits.")
@click.option(
    "--context", "context", multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="More pages (files or folders) ingested into the merged graph beside the labelled ones.",
)
def eval_extraction(folder: Path | None, verbose: bool, context: tuple[Path, ...]) -> None:
    """Score the extractors against labelled pages: precision, recall and F1 per field.

    FOLDER holds one JSON label file per page (default: the labelled pages shipped in the
    package, tests/eval of the checkout). Each page is scored
    alone, and the participants once more in the merged graph of all the pages ingested
    together (with the --context pages), which is what users query ("merged participants");
    and, where FOLDER holds event-pairs/, whether labelled mentions of one event meet.

    Example:

    \b
        kg eval --verbose tests/eval/heldout2
    """
    from kg.pipeline import format_pairs, score_pairs
    from kg.pipeline.evaluate import evaluate_folder, format_report, shipped_labels
    from kg.pipeline.merged_eval import score_merged

    if folder is None:
        try:
            folder = shipped_labels()
        except FileNotFoundError as exc:
            fail(str(exc))
    with user_errors():
        gazetteer = load_gazetteer()
        report = evaluate_folder(folder, gazetteer)
        score_merged(report, folder, gazetteer, context)
    click.echo(format_report(report, verbose=verbose))
    pairs = folder / "event-pairs"
    if (pairs / "pairs.json").is_file():
        with user_errors():
            click.echo("\n" + format_pairs(score_pairs(pairs), verbose=verbose))


