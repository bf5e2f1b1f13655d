"""Tables as data: one declaration renders as an HTML table and as the CSV download beside it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from ..csvfiles import columns_csv_bytes
from ..output import Output
from ..render import Page

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    kind: str = "text"  # text, money, number, percent, rank, change, pace (a rate against time progress)
    csv_key: str | None = None  # header in the CSV download (default: key)
    progress: float | None = None  # pace: the time progress the rates are read against (default: the as-of date's)


@dataclass
class Table:
    id: str  # unique on its page; also the CSV file name
    caption: str
    columns: list[Col]
    rows: list[dict[str, Any]]  # raw values; "_href" links the first cell, "_class" marks the row
    csv: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def csv_name(self) -> str:
        return f"{self.id}.csv"


def clean(value: Any) -> Any:
    """Turn pandas' missing values and numpy scalars into plain Python for templates and CSV."""
    if value is None:
        return None
    # Most values are already plain (a large site cleans millions of cells): answer those first.
    kind = type(value)
    if kind is str or kind is int or kind is bool:
        return value
    if kind is float:
        return None if value != value else value
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def row_dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """`frame.to_dict("records")`, typed as what it is: the columns of our frames are named by strings."""
    return cast("list[dict[str, Any]]", frame.to_dict("records"))


def index_dicts(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """`frame.to_dict("index")`, typed as what it is: a frame indexed by ids, with columns named by strings."""
    return cast("dict[str, dict[str, Any]]", frame.to_dict("index"))


def row_items(frame: pd.DataFrame, label: str) -> Iterable[tuple[str, Any]]:
    """`frame.loc[label].items()` of a frame with a unique index, typed as what it is: one row's
    (column name, value) pairs (pandas-stubs allows for a frame, which a non-unique label gives)."""
    return cast("Iterable[tuple[str, Any]]", frame.loc[label].items())


_PLAIN = {str, int, float, bool, type(None)}  # kinds of value csv_cell writes as they are (NaN as empty)


def table_csv(table: Table) -> bytes:
    """The CSV download of a table: raw numbers, UTF-8 with BOM."""
    header = [c.csv_key or c.key for c in table.columns]
    columns = [[row.get(c.key) for row in table.rows] for c in table.columns]
    # A column of plain values is written as it is (a float NaN is an empty cell either way); others cleaned.
    return columns_csv_bytes(header, [column if set(map(type, column)) <= _PLAIN else [clean(v) for v in column]
                                      for column in columns])


def table_files(pages: list[Page]) -> list[Output]:
    """The CSV download beside every table a page shows."""
    files: list[Output] = []
    for page in pages:
        folder = page.path.rsplit("/", 1)[0] + "/" if "/" in page.path else ""
        for value in page.context.values():
            candidates = value if isinstance(value, list) else [value]
            for item in candidates:
                tables = [item] if isinstance(item, Table) else (
                    [v for v in item.values() if isinstance(v, Table)] if isinstance(item, dict) else [])
                files.extend(Output(folder + table.csv_name, table_csv(table)) for table in tables if table.csv)
    return files
