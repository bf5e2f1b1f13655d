"""The sales summed per person and day by one Ibis expression, run by whichever engine holds the rows.

Every figure the pages show of premium, FYC and cases (KPIs of any period, daily reports, leaderboards, warnings)
is a sum of these person-day sums (metrics/kpis.py): one row per seller and day with the premium and FYC in whole
cents, the cases and the rows summed. The expression (`person_day_sums`) is written once; it runs

- in-process on DuckDB over the checked sales table (`local_sums`), the default for files, Parquet and the cache;
- on the PostgreSQL, MySQL, MariaDB or Spark (Spark Connect) server of a sales dataset read from a database
  (`server_sums`), over the dataset's own query;
- on any other Ibis backend given a table of the same columns, as sales_arrow makes them (the tests run it on
  Spark in local mode).

Only the sums come back to Python. Money is rounded to whole cents row by row, half to even as numpy.rint does,
then added as integers: the sums are exact, so every engine gives the same figures to the cent.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
import pyarrow as pa

from .errors import Problem, explained, say
from .inputs.database import Query, Unreadable, hidden, kind, read_csv
from .inputs.schemas import DATASETS

# The columns the expression reads, with their Ibis types (a seller may be given by a position instead, see
# sales_arrow); an absent or empty cell takes the dataset's default.
COLUMNS = {"person": "string", "date": "date", "premium": "float64", "fyc": "float64", "cases": "int64"}
SUMS = ("premium", "fyc", "cases", "rows")
# DuckDB sums in-process on one thread within 1 GB, spilling to a temporary folder of its own (its default is the
# working directory): a big branch's year is millions of person-days, each thread's hash table holding them beside
# the build's tables, while the build's workers keep the other core busy anyway.
_DUCKDB: dict[str, str | int] = {"threads": 1, "memory_limit": "1GB"}
PERSON_DAYS = "engine.person_days"  # the memo (metrics/memo.py) of a sales table's PersonDays
_SOURCE = "trackboard_sales"  # the name the expression gives its input table where it is compiled to SQL


def _defaults() -> dict[str, float]:
    """The value of an empty premium, FYC or cases cell: the dataset's default for the column, else 0."""
    columns = {c.name: c for c in DATASETS["sales"].columns}
    return {name: float(cast(float, columns[name].default or 0)) for name in ("premium", "fyc", "cases")}


def _cents(money: Any) -> Any:
    """An amount in whole cents, rounded half to even (numpy.rint), by floor and compare: every engine's own ROUND
    rounds halves its own way (DuckDB and Spark away from zero, PostgreSQL's numeric too)."""
    import ibis  # here, not above: a command that sums nothing (check, serve, notify) does not load it

    scaled = money * 100
    floor = scaled.floor()
    fraction = scaled - floor
    # An odd floor at exactly half goes up to the even number above; abs() as SQL's % keeps the dividend's sign.
    return ibis.cases((fraction > 0.5, floor + 1), (fraction < 0.5, floor),
                      else_=floor + (floor % 2).abs()).cast("int64")


def person_day_sums(sales: Any) -> Any:
    """The expression: `sales` (an Ibis table of COLUMNS) summed per seller and day, rows without either left out.

    Columns: person, day, premium and fyc (int64 cents), cases and rows (int64)."""
    defaults = _defaults()
    dated = sales.filter(sales.person.notnull(), sales.date.notnull())
    premium = _cents(dated.premium.fill_null(defaults["premium"]))
    fyc = _cents(dated.fyc.fill_null(defaults["fyc"]))
    cases = dated.cases.fill_null(int(defaults["cases"])).cast("int64")
    return dated.group_by(person=dated.person, day=dated.date.cast("date")).aggregate(
        premium=premium.sum(), fyc=fyc.sum(), cases=cases.sum(), rows=dated.count())


@dataclass(frozen=True)
class PersonDays:
    """The person-day sums, sorted by day then seller: numpy arrays of equal length, but `ids`."""

    ids: np.ndarray  # the sellers' ids (object: str), sorted
    seller: np.ndarray  # int64 position in `ids`
    day: np.ndarray  # int64 days since 1970-01-01
    premium: np.ndarray  # int64 cents
    fyc: np.ndarray  # int64 cents
    cases: np.ndarray  # int64
    rows: np.ndarray  # int64: the sales rows summed

    @classmethod
    def of(cls, columns: dict[str, Any], names: np.ndarray | None = None) -> PersonDays:
        """From the columns an engine returned (see columns_of), in any order: sorted here, so every engine gives the
        same arrays. Each column is taken out of `columns` once converted, so the engine's copy of every person-day
        is let go column by column, not held whole beside the arrays made of it. With `names`, the sellers were
        summed by their positions in it (see sales_arrow), else by their ids."""
        person = columns.pop("person")
        if names is None:  # the sellers as positions in their few distinct ids, not a million strings
            encoded = person.cast(pa.string()).combine_chunks().dictionary_encode()
            names, person = np.array(encoded.dictionary.to_pylist(), dtype=object), encoded.indices
        rank = np.argsort(names.astype(str), kind="stable")
        where = np.empty(len(rank), dtype=np.int64)
        where[rank] = np.arange(len(rank))
        seller = where[np.asarray(person.to_numpy(zero_copy_only=False), dtype=np.int64)]
        del person
        day = np.asarray(columns.pop("day").cast(pa.date32()).cast(pa.int32()).to_numpy(), dtype=np.int64)
        # By day, then seller: one key per person-day, unique, so any sort gives the same order (and a quicksort of
        # one key takes a fraction of a two-key lexsort's time on an engine's unordered groups).
        order = np.argsort(day * len(names) + seller)
        seller, day = seller[order], day[order]
        sums = {name: np.asarray(columns.pop(name).fill_null(0).to_numpy(), dtype=np.int64)[order] for name in SUMS}
        return cls(names[rank], seller, day, **sums)

    def totals(self) -> tuple[int, ...]:
        """The premium and FYC cents, cases and rows of every seller and day together."""
        return tuple(int(getattr(self, name).sum()) for name in SUMS)


def columns_of(result: pa.Table) -> dict[str, Any]:
    """An engine's result as its columns by name, for PersonDays.of; the table itself is not kept."""
    return dict(zip(result.column_names, result.columns, strict=True))


def sales_arrow(sales: pd.DataFrame) -> tuple[pa.Table, np.ndarray]:
    """The checked sales table's COLUMNS as Arrow (empty cells as nulls), the numbers and dates without a copy; each
    seller as the position of their id in the names returned with it: an engine groups a million small integers
    faster than a million strings, and hands back integers."""
    codes, names = pd.factorize(sales["person"], use_na_sentinel=True)
    return pa.table({
        "person": pa.array(codes.astype(np.int32), mask=codes < 0),
        "date": pa.array(sales["date"].to_numpy(dtype="datetime64[ns]"), from_pandas=True).cast(pa.date32()),
        "premium": pa.array(sales["premium"].to_numpy(dtype="float64"), from_pandas=True),
        "fyc": pa.array(sales["fyc"].to_numpy(dtype="float64"), from_pandas=True),
        "cases": pa.array(sales["cases"], type=pa.int64(), from_pandas=True),
    }), np.asarray(names, dtype=object)


def _compiled(dialect: str, columns: Mapping[str, str]) -> str:
    """The expression in Ibis's SQL `dialect`, over a table named _SOURCE of `columns` (name: Ibis type)."""
    import ibis

    return str(ibis.to_sql(person_day_sums(ibis.table(dict(columns), name=_SOURCE)), dialect=dialect))


def local_sums(sales: pd.DataFrame) -> PersonDays:
    """The checked sales table summed in-process by DuckDB, which reads the Arrow columns where they lie: the
    expression compiled to DuckDB's SQL, its result fetched as numpy arrays: their memory goes back to the system once
    converted, where an Arrow result's stayed with DuckDB's allocator for the rest of the build."""
    import duckdb

    table, names = sales_arrow(sales)
    compiled = _compiled("duckdb", {**COLUMNS, "person": "int32"})
    whole = ", ".join(f"CAST({name} AS BIGINT) AS {name}" for name in SUMS)  # not HUGEINT, which numpy takes as float
    with (tempfile.TemporaryDirectory(prefix="trackboard-duckdb-") as spill,
          duckdb.connect(config={**_DUCKDB, "temp_directory": spill}) as connection):
        connection.register(_SOURCE, table)
        arrays = connection.sql(f"SELECT person, day, {whole} FROM ({compiled}) AS sums").fetchnumpy()
    del table
    return PersonDays.of({name: pa.array(arrays.pop(name)) for name in list(arrays)}, names)


class EngineError(Exception):
    """The database could not run the expression: `setting` is the dataset's setting the message is about."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


# How the server reads each column of the dataset's query before the expression sums it, by kind of database:
# Ibis's SQL dialect, how it quotes a name, and each column's type in a CAST. MySQL groups the sellers' ids as
# bytes, as PostgreSQL's text compares: its usual collations would take P001 and p001 (or "P1 ") for one seller.
_SERVER = {
    "postgresql": ("postgres", '"', {"person": "text", "date": "date", "premium": "double precision",
                                     "fyc": "double precision", "cases": "bigint"}),
    "mysql": ("mysql", "`", {"person": "binary", "date": "date", "premium": "double", "fyc": "double",
                             "cases": "signed"}),
    "spark": ("pyspark", "`", {"person": "string", "date": "date", "premium": "double", "fyc": "double",
                               "cases": "bigint"}),
}


def server_sql(query: Query, headers: Mapping[str, str], database: str = "postgresql") -> str:
    """The expression compiled by Ibis for the `database` kind (see inputs.database.kind), over the dataset's query
    with its columns (`headers`: each column's header in the query's result, as the loader matched them) read as
    COLUMNS."""
    import ibis

    dialect, quote, types = _SERVER[database]
    if dialect == "pyspark":
        ibis.pyspark  # noqa: B018  (loads the backend, whose options its SQL compiler reads)

    def quoted(name: str) -> str:
        return quote + name.replace(quote, quote * 2) + quote

    typed = ", ".join(f"CAST(source.{quoted(headers[name])} AS {cast}) AS {name}" if name in headers
                      else f"CAST(NULL AS {cast}) AS {name}" for name, cast in types.items())
    compiled = _compiled(dialect, COLUMNS)
    return (f"WITH {_SOURCE} AS (SELECT {typed} FROM ({query.statement()}) AS source) "
            f"SELECT * FROM ({compiled}) AS sums")


_RESULT = pa.schema([("person", pa.string()), ("day", pa.date32()), *((name, pa.int64()) for name in SUMS)])


def server_sums(query: Query, headers: Mapping[str, str], environ: Mapping[str, str]) -> PersonDays:
    """The expression run by the database server of a dataset read from it, over the dataset's query, in a
    read-only transaction; only the sums come back (as CSV, see inputs.database.read_csv). Raises EngineError
    naming the setting at fault, its message free of the connection's secrets."""
    from pyarrow import csv

    secrets = query.secrets(environ)
    try:
        url = query.resolve(environ)
    except ValueError as exc:
        raise EngineError("connection", str(exc)) from None
    database = kind(url)
    if database is None:
        raise EngineError("connection", "not a database URL")
    buffer = bytearray()
    try:
        read_csv(url, server_sql(query, headers, database), buffer.extend, strict=True)
    except Unreadable as exc:
        if exc.connecting:
            raise EngineError("connection", "cannot connect: " + hidden(str(exc), secrets)) from None
        raise EngineError(query.setting, hidden(str(exc), secrets)) from None
    options = csv.ConvertOptions(column_types=_RESULT, strings_can_be_null=False)
    return PersonDays.of(columns_of(csv.read_csv(pa.py_buffer(bytes(buffer)), convert_options=options)))


def checked_server_sums(query: Query, headers: Mapping[str, str], environ: Mapping[str, str], sales: pd.DataFrame,
                        rows_read: int) -> tuple[PersonDays | None, Problem | None]:
    """The server's sums when they provably sum the very rows the build checked, else None (the build sums the
    checked rows in-process, the same figures): the database sums the query's rows as they are, so every row
    the checks skipped (a bad amount, an unknown seller, a date ahead) or a profile's scope left out would count
    there. They count the same rows when none was left out and the server's count and totals of premium, FYC
    and cases equal the checked table's. A server that fails or cannot read a column as the expression needs
    gives a warning naming the dataset's setting, and the sums in-process."""
    if rows_read != len(sales):
        return None, None
    try:
        summed = server_sums(query, headers, environ)
    except EngineError as exc:
        return None, explained("site.toml", None, query.key(exc.setting), say("problem.db.not_summed", reason=exc),
                               "warning")
    return (summed, None) if summed.totals() == _totals(sales) else (None, None)


def _totals(sales: pd.DataFrame) -> tuple[int, ...]:
    """PersonDays.totals of the checked rows, worked out by numpy (a pass over four columns)."""
    dated = (sales["person"].notna() & sales["date"].notna()).to_numpy()
    defaults = _defaults()
    out = []
    for name in ("premium", "fyc"):
        money = sales[name].to_numpy(dtype="float64", na_value=defaults[name])[dated]
        out.append(int(np.rint(money * 100).astype(np.int64).sum()))
    cases = sales["cases"].to_numpy(dtype="float64", na_value=defaults["cases"])[dated]
    return (*out, int(cases.astype(np.int64).sum()), int(dated.sum()))
