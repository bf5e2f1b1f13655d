"""The sales summed per person and day by one Ibis expression, run by whichever engine holds the rows.

Every figure the pages show of premium, FYC and cases (KPIs of any period, daily reports, leaderboards, warnings)
is a sum of these person-day sums (metrics/kpis.py): one row per seller and day with the premium and FYC in whole
cents, the cases and the rows summed. The expression (`person_day_sums`) is written once; it runs

- in-process on DuckDB over the checked sales table (`local_sums`), the default for files, Parquet and the cache;
- on the PostgreSQL server of a sales dataset read from a database (`server_sums`), over the dataset's own query;
- on any other Ibis backend given a table of the same columns (`backend_sums`; the tests run it on Spark).

Only the sums come back to Python. Money is rounded to whole cents row by row, half to even as numpy.rint does,
then added as integers: the sums are exact, so every engine gives the same figures to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .errors import Problem
from .inputs.database import CONNECT_TIMEOUT, Query, hidden
from .inputs.schemas import DATASETS

# The columns the expression reads, with their Ibis types; an absent or empty cell takes the dataset's default.
COLUMNS = {"person": "string", "date": "date", "premium": "float64", "fyc": "float64", "cases": "int64"}
SUMS = ("premium", "fyc", "cases", "rows")
PERSON_DAYS = "engine.person_days"  # the memo (metrics/memo.py) of a sales table's PersonDays
_SOURCE = "trackboard_sales"  # the name the expression gives its input table where it is compiled to SQL


def _defaults() -> dict[str, object]:
    columns = {c.name: c for c in DATASETS["sales"].columns}
    return {name: columns[name].default for name in COLUMNS}


def _cents(money: Any) -> Any:
    """An amount in whole cents, rounded half to even (numpy.rint), by floor and compare: every engine's own ROUND
    rounds halves its own way (DuckDB and Spark away from zero, PostgreSQL's numeric too)."""
    scaled = money * 100
    floor = scaled.floor()
    fraction = scaled - floor
    import ibis

    # An odd floor at exactly half goes up to the even number above; abs() as SQL's % keeps the dividend's sign.
    return ibis.cases((fraction > 0.5, floor + 1), (fraction < 0.5, floor),
                      else_=floor + (floor % 2).abs()).cast("int64")


def person_day_sums(sales: Any) -> Any:
    """The expression: `sales` (an Ibis table of COLUMNS) summed per seller and day, rows without either left out.

    Columns: person, day, premium and fyc (int64 cents), cases and rows (int64)."""
    defaults = _defaults()
    dated = sales.filter(sales.person.notnull(), sales.date.notnull())
    premium = _cents(dated.premium.fill_null(float(defaults["premium"] or 0.0)))
    fyc = _cents(dated.fyc.fill_null(float(defaults["fyc"] or 0.0)))
    cases = dated.cases.fill_null(int(defaults["cases"] or 0)).cast("int64")
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
    def of(cls, result: pa.Table) -> PersonDays:
        """From what an engine returned, in any order: sorted here, so every engine gives the same arrays."""
        # The sellers as positions in their few distinct ids, not a million strings.
        encoded = result.column("person").cast(pa.string()).combine_chunks().dictionary_encode()
        distinct = np.array(encoded.dictionary.to_pylist(), dtype=object)
        rank = np.argsort(distinct.astype(str), kind="stable")
        where = np.empty(len(rank), dtype=np.int64)
        where[rank] = np.arange(len(rank))
        seller = where[np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)]
        day = np.asarray(result.column("day").cast(pa.date32()).cast(pa.int32()).to_numpy(), dtype=np.int64)
        order = np.lexsort((seller, day))
        sums = {name: np.asarray(result.column(name).fill_null(0).to_numpy(), dtype=np.int64)[order]
                for name in SUMS}
        return cls(distinct[rank], seller[order], day[order], **sums)

    def totals(self) -> tuple[int, ...]:
        """The premium and FYC cents, cases and rows of every seller and day together."""
        return tuple(int(getattr(self, name).sum()) for name in SUMS)


def sales_arrow(sales: pd.DataFrame) -> pa.Table:
    """The checked sales table's COLUMNS as Arrow (empty cells as nulls): the numbers and dates without a copy."""
    return pa.table({
        "person": pa.array(sales["person"], type=pa.string(), from_pandas=True),
        "date": pa.array(sales["date"].to_numpy(dtype="datetime64[ns]"), from_pandas=True).cast(pa.date32()),
        "premium": pa.array(sales["premium"].to_numpy(dtype="float64"), from_pandas=True),
        "fyc": pa.array(sales["fyc"].to_numpy(dtype="float64"), from_pandas=True),
        "cases": pa.array(sales["cases"], type=pa.int64(), from_pandas=True),
    })


def backend_sums(connection: Any, sales: pa.Table) -> PersonDays:
    """The expression run on an Ibis backend `connection` over `sales` (COLUMNS, as sales_arrow makes them)."""
    import ibis

    return PersonDays.of(connection.to_pyarrow(person_day_sums(ibis.memtable(sales))))


def local_sums(sales: pd.DataFrame) -> PersonDays:
    """The checked sales table summed in-process by DuckDB, which reads the Arrow columns where they lie."""
    import ibis

    connection = ibis.duckdb.connect()
    try:
        return backend_sums(connection, sales_arrow(sales))
    finally:
        connection.disconnect()
