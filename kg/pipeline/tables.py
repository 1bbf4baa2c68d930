"""The analysts' tables: events, participants and sources, each a SPARQL query in queries/tables/.

`kg export -f parquet` writes them as Parquet files (pyarrow, an optional extra), and
``kg.open_store(...).table(name)`` gives them to a notebook.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg.resources import resource_path
from kg.store import Store

#: The tables, in the order they are written.
TABLES = ("events", "participants", "sources")
PARQUET_EXTRA = "pip install 'diplomacy-kg[parquet]'"


def table_query(name: str) -> str:
    """The SELECT query that defines table ``name``."""
    if name not in TABLES:
        raise ValueError(f"no table {name!r}; the tables are {', '.join(TABLES)}")
    return resource_path("queries", "tables", f"{name}.rq").read_text(encoding="utf-8")


def write_parquet(
    store: Store, folder: Path, *, on_table: Callable[[str, int], None] | None = None
) -> list[Path]:
    """Write every table as ``folder/<name>.parquet``; returns the files written.

    Raises:
        ImportError: if pyarrow is not installed.
    """
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ImportError(f"Parquet export needs pyarrow, which is not installed: "
                          f"{PARQUET_EXTRA}") from None
    from kg.notebook import Answer

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        answer = Answer.of(store.query(table_query(name)))
        columns = {}
        for index, column in enumerate(answer.columns):
            values = [row[index] for row in answer.rows]
            try:
                columns[column] = pyarrow.array(values)
            except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError):
                # A column whose literals are of mixed types is kept as their text.
                columns[column] = pyarrow.array([None if v is None else str(v) for v in values],
                                                type=pyarrow.string())
        table = pyarrow.table(columns) if columns else pyarrow.table({})
        path = folder / f"{name}.parquet"
        temporary = path.with_name(f".{path.name}.part")
        pyarrow.parquet.write_table(table, temporary)
        temporary.replace(path)  # a failed export leaves the old file as it was
        written.append(path)
        if on_table is not None:
            on_table(name, table.num_rows)
    return written
