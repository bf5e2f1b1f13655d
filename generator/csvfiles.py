"""CSV downloads for Excel: UTF-8 with a BOM, CRLF line ends, raw numbers, and no cell Excel would run as a
formula (text starting with = + - @, a tab or a carriage return gets a leading ').

Written column by column: each column's cells are turned into text by one loop (or by numpy) and the rows are
joined by the csv module in C, because a year of daily reports is over a thousand files and millions of cells,
too many for a function call per cell or pandas' to_csv per file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_EXACT_INTEGERS = 2**53  # floats below this are whole numbers exactly, written as integers


def csv_cell(value: object) -> str:
    """Return a cell for a CSV download; text Excel would run as a formula is prefixed with '."""
    if value is None:
        return ""
    if type(value) is str:
        return "'" + value if value.startswith(FORMULA_START) else value
    if type(value) is int:
        return str(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        if value != value:  # NaN
            return ""
        return repr(round(value, 2)) if isinstance(value, float) and not value.is_integer() else str(int(value))
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


# The csv module writes None as an empty cell and an integer as str() gives it: such cells are passed as they are.
Cell = str | int | None


def _text_cells(values: Sequence[str | None]) -> list[Cell]:
    return [v if v is None or not v.startswith(FORMULA_START) else "'" + v for v in values]


def _value_cells(values: Sequence[object]) -> list[Cell]:
    """The cells of one column of plain values (see csv_cell), the common kinds of column without a call a cell.
    The casts state what the set of the values' types has just shown."""
    kinds = set(map(type, values))
    if kinds <= {int, type(None)}:
        return list(cast("Sequence[int | None]", values))
    if kinds <= {str, type(None)}:
        return _text_cells(cast("Sequence[str | None]", values))
    if kinds <= {float, int, type(None)}:  # money: csv_cell's numbers, inline (no bool: its type is not int)
        return [v if v is None or isinstance(v, int) else "" if v != v else str(int(v)) if v.is_integer()
                else repr(round(v, 2)) for v in cast("Sequence[float | int | None]", values)]
    return [csv_cell(v) for v in values]


def _encode(header: list[str], columns: Sequence[Sequence[Cell]], rows: list[list[str]] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(zip(*columns, strict=True) if rows is None else rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def columns_csv_bytes(header: list[str], columns: list[list[object]]) -> bytes:
    """The file csv_bytes(header, rows) gives, from the table's columns (each a list of one column's values)."""
    return _encode([csv_cell(h) for h in header], [_value_cells(column) for column in columns])


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    """Return a CSV file of plain values (None, text, numbers, booleans), a list of cells for each row."""
    cells = [csv_cell(h) for h in header]
    if any(len(row) != len(header) for row in rows):  # not a table: row by row
        return _encode(cells, [], [[csv_cell(v) for v in row] for row in rows])
    columns = [_value_cells(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in header]
    return _encode(cells, columns)


def _objects(values: pd.Series) -> npt.NDArray[np.object_]:
    """A column's values as Python objects, None where missing."""
    # pandas-stubs types na_value as a Scalar, which leaves out None; pandas takes any value.
    return values.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]


def _frame_cells(values: pd.Series) -> Sequence[Cell] | None:
    """One column of a frame as cells, as pandas' to_csv writes them once integral floats are integers, booleans
    1 and 0, and formula text prefixed; None for a kind of column this does not handle (dates, mixed objects)."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        if isinstance(dtype, np.dtype):
            return values.to_numpy().astype(np.int64).tolist()
        return [None if v is None else int(v) for v in _objects(values).tolist()]
    if pd.api.types.is_integer_dtype(dtype):
        if isinstance(dtype, np.dtype):
            return values.to_numpy().tolist()
        return _objects(values).tolist()
    if dtype == np.float64:
        numbers = values.to_numpy()
        missing = np.isnan(numbers)
        finite = numbers[~missing]
        cells: list[Cell]
        if np.all(finite == np.round(finite)) and np.all(np.abs(finite) < _EXACT_INTEGERS):
            cells = np.where(missing, 0, numbers).astype(np.int64).tolist()
        else:
            cells = np.round(numbers, 10).astype(str).tolist()  # numpy's shortest repr, as pandas writes floats
        if missing.any():
            for position in np.flatnonzero(missing).tolist():
                cells[position] = None
        return cells
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        text = _objects(values)
        if pd.api.types.infer_dtype(text, skipna=True) not in ("string", "empty"):
            return None
        return _text_cells(text.tolist()) if _any_formula(values) else text.tolist()
    return None


_FORMULA_PATTERN = "^[=+\\-@\t\r]"


def _any_formula(values: pd.Series) -> bool:
    """Whether any text in a column starts like a formula, checked in C by Arrow (a column of a year of daily
    CSVs holds millions of names), or value by value when the column is not all text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        text = pa.array(values, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return any(str(v).startswith(FORMULA_START) for v in values.dropna())
    return bool(pc.any(pc.match_substring_regex(text, _FORMULA_PATTERN)).as_py())


def _pandas_csv(frame: pd.DataFrame) -> bytes:
    """The same file by pandas, for the kinds of column `_frame_cells` leaves to it."""
    table = frame.copy()
    for column in table.columns:
        values = table[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            if not _any_formula(values):
                continue
            text = values.astype(object)
            risky = text.fillna("").astype(str).str.startswith(FORMULA_START)
            table[column] = text.where(~risky, "'" + text.astype(str))
        elif pd.api.types.is_bool_dtype(values.dtype):
            table[column] = values.astype("Int64")
        elif pd.api.types.is_float_dtype(values.dtype):
            finite = values.dropna()
            if (finite == finite.round()).all() and (finite.abs() < _EXACT_INTEGERS).all():
                table[column] = values.astype("Int64")  # 12000 rather than 12000.0, written in C
            else:
                table[column] = values.round(10)
    body = table.to_csv(index=False, lineterminator="\r\n", na_rep="")
    return ("\ufeff" + body).encode("utf-8")


class SharedLead:
    """The first columns of many CSV files that share them row for row (a year of daily reports lists the same
    people, with the same names and units, each day): their cells are encoded once, and each file adds its own
    columns of numbers to them, joined in C by Arrow (millions of numbers a year, too many to turn into text one
    by one). `columns` are the shared columns (Series of one length, their indexes not read)."""

    def __init__(self, columns: dict[str, pd.Series]) -> None:
        import pyarrow as pa

        self.header = list(columns)
        self.columns = columns
        cells = [_frame_cells(values) for values in columns.values()]
        self.rows: pa.Array | None = None  # None: a kind of column the files' own writer must handle
        # A row of one empty cell is written "" alone, not beside others: one column is left to the writer.
        if len(columns) > 1 and all(column is not None for column in cells):
            rows: list[str] = []
            # The csv module writes each row with one call, quoted as in _encode (the line end's characters quoted
            # too); kept without its line end.
            writer = csv.writer(_Lines(lambda line: rows.append(line[:-2])), lineterminator="\r\n")
            writer.writerows(zip(*cast("list[Sequence[Cell]]", cells), strict=True))
            self.rows = pa.array(rows, type=pa.string())

    def csv_bytes(self, columns: dict[str, pd.Series]) -> bytes:
        """series_csv_bytes of the shared columns followed by `columns` (of the same length)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        texts = [_number_texts(values) for values in columns.values()]
        if self.rows is None or any(column is None or len(column) != len(self.rows) for column in texts):
            return series_csv_bytes({**self.columns, **columns})
        header = io.StringIO()
        csv.writer(header, lineterminator="\r\n").writerow([*self.header, *columns])
        head = ("\ufeff" + header.getvalue()).encode("utf-8")
        if not len(self.rows):
            return head
        # Numbers, and the text of floats, need no quoting: the cells are joined as they are, a blank for a null.
        lines = pc.binary_join_element_wise(self.rows, *texts, ",", null_handling="replace", null_replacement="")
        body = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(lines)], type=pa.int32()), lines), "\r\n")
        return head + body[0].as_buffer().to_pybytes() + b"\r\n"


class _Lines:
    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write


def _number_texts(values: pd.Series) -> Any:
    """A column of numbers (bool, integer or float64) as an Arrow array of the text the csv module writes for
    _frame_cells' cells, null where the cell is empty; None for any other column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = values.dtype
    if not isinstance(dtype, np.dtype) or dtype.kind not in "bif":
        return None
    numbers = values.to_numpy()
    if dtype.kind in "bi":
        return pc.cast(pa.array(numbers.astype(np.int64)), pa.string())
    if dtype != np.float64:
        return None
    missing = np.isnan(numbers)
    finite = numbers[~missing]
    if np.all(finite == np.round(finite)) and np.all(np.abs(finite) < _EXACT_INTEGERS):
        whole = pa.array(np.where(missing, 0, numbers).astype(np.int64), mask=missing)
        return pc.cast(whole, pa.string())
    return pa.array(np.round(numbers, 10).astype(str), mask=missing, type=pa.string())


def series_csv_bytes(columns: dict[str, pd.Series]) -> bytes:
    """The columns of a frame (Series of one length, their indexes not read) as a CSV file: the file `_pandas_csv`
    makes of the frame (pandas' to_csv, once whole floats are made integers, booleans 1 and 0, and formula text
    prefixed), column by column, without making the frame."""
    cells = [_frame_cells(values) for values in columns.values()]
    if not columns or any(column is None for column in cells):
        return _pandas_csv(pd.DataFrame({name: values.array for name, values in columns.items()}))
    return _encode(list(columns), cast("list[Sequence[Cell]]", cells))
