"""Read a CSV or XLSX file into a table of raw cells, each row numbered as a spreadsheet shows it."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import hint, say


class FileError(Exception):
    """The whole file cannot be read: the message says why."""


@dataclass
class RawTable:
    headers: list[str]  # as written in the file (trimmed)
    cells: pd.DataFrame  # one column per header position (0..n-1), raw values (str or Excel values)
    rows: pd.Series  # spreadsheet row number of each data row (header = 1)
    encoding: str | None = None
    sheet: str | None = None
    ragged: list[tuple[int, int]] | None = None  # (row, cell count) of rows longer than the header
    header_row: int = 1  # spreadsheet row of the header (after leading blank rows)
    # (row, cell position, lines swallowed) of each quote opened and never closed (see _unclosed_quotes)
    strays: list[tuple[int, int, int]] | None = None


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return the text of a CSV file and the encoding used: the given one, else detected.

    Detection: a BOM first, then strict UTF-8, then GB18030 (a superset of GBK and GB2312, what Chinese
    Excel writes), then charset-normalizer's best guess.
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise FileError(say("problem.file.encoding", encoding=encoding, line=line)) from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                break
    for name in ("utf-8", "gb18030"):
        try:
            return data.decode(name), name
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise FileError(say("problem.file.unknown_encoding"))
    return str(best), best.encoding


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def clean_header(value: object) -> str:
    """Return a header as the user wrote it, without BOM, stray spaces or full-width forms."""
    text = "" if value is None else str(value)
    return unicodedata.normalize("NFKC", text.replace("\ufeff", "")).strip()


def read_csv(path: Path, encoding: str | None = None) -> RawTable:
    """Read a CSV file, every cell as a string."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileError(say("problem.file.unreadable", reason=exc.strerror)) from None
    return read_csv_bytes(data, encoding)


def read_csv_bytes(data: bytes, encoding: str | None = None) -> RawTable:
    """Read the bytes of a CSV file (or of a query's result, see inputs/database.py), every cell as a string."""
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileError(say("problem.file.binary"))
    fast = _read_utf8(data, encoding)
    if fast is not None:
        return fast
    text, used = decode(data, encoding)
    if not text.strip():
        raise FileError(say("problem.file.empty"))
    # Blank rows above the header (Excel writes them as ",,,,") are kept out of the table but counted,
    # so that row numbers still match the spreadsheet.
    lead = 0
    while True:
        line, newline, rest = text.partition("\n")
        if not newline or not _blank_line(line):
            break
        text, lead = rest, lead + 1
    first_line = text[:text.find("\n")] if "\n" in text else text  # not split: that copies all the rest
    sep = _delimiter(first_line)
    ragged = None
    frame = _read_even(text, sep, first_line)
    if frame is None:
        try:
            frame = pd.read_csv(
                io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                skip_blank_lines=False, engine="c", quoting=csv.QUOTE_MINIMAL,
            )
        except pd.errors.ParserError:
            frame, ragged = _read_ragged(text, sep)
        except pd.errors.EmptyDataError:
            raise FileError(say("problem.file.empty")) from None
    strays = None
    if text.count("\n") > len(frame):  # fewer records than lines: some cell spans lines (cheap to rule out)
        found = _unclosed_quotes(text, sep)
        if found is not None:
            frame, ragged, strays = found
    if not all(isinstance(dtype, pd.CategoricalDtype) for dtype in frame.dtypes):  # Arrow's have no gaps
        frame = frame.fillna("")
    return _raw_table(frame, lead, used, ragged, strays)


def _blank_line(line: str) -> bool:
    """Whether a line above the header holds no cell (Excel writes blank rows as ",,,,")."""
    return not line.replace(",", "").replace("\t", "").replace(";", "").strip()


def _read_utf8(data: bytes, encoding: str | None) -> RawTable | None:
    """read_csv_bytes for UTF-8 bytes read by Arrow as they are: no text of the whole file is made (a Chinese file
    decoded is twice its bytes, and encoded again for Arrow three times), and each column comes back as codes into
    its distinct texts (a pandas Categorical), not a string per cell. None for any other file (another encoding,
    ragged rows, broken quoting, a file not valid UTF-8…), which the text path reads."""
    if encoding is not None and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None
    start, used = 0, encoding or "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        if encoding is not None:
            return None  # a BOM under a given encoding stays in the first header, as the text path reads it
        start, used = len(codecs.BOM_UTF8), "utf-8-sig"
    lead = 0
    while True:
        end = data.find(b"\n", start)
        try:
            line = data[start:] if end < 0 else data[start:end]
            if end >= 0 and _blank_line(line.decode("utf-8")):
                start, lead = end + 1, lead + 1
                continue
            first_line = line.decode("utf-8")
        except UnicodeDecodeError:
            return None
        break
    if not first_line.strip():
        return None  # empty: the text path says so
    sep = _delimiter(first_line)
    frame = _read_even(memoryview(data)[start:], sep, first_line)
    if frame is None:
        return None
    if data.count(b"\n", start) > len(frame):  # fewer records than lines: maybe a quote never closed
        found = _unclosed_quotes(data[start:].decode("utf-8"), sep)
        if found is not None:
            return None  # the text path re-reads it and names each such quote
    return _raw_table(frame, lead, used)


def _raw_table(frame: pd.DataFrame, lead: int, encoding: str, ragged: list[tuple[int, int]] | None = None,
               strays: list[tuple[int, int, int]] | None = None) -> RawTable:
    """The RawTable of a CSV's cells read with `lead` blank lines above the header (row numbers count them)."""
    headers = [clean_header(v) for v in frame.iloc[0].tolist()]
    cells = frame.iloc[1:].reset_index(drop=True)
    cells.columns = pd.RangeIndex(cells.shape[1])
    rows = pd.Series(range(lead + 2, len(cells) + lead + 2), dtype="int64")
    if ragged:
        ragged = [(row + lead, count) for row, count in ragged]
    if strays:
        strays = [(row + lead, position, lines) for row, position, lines in strays]
    return _drop_blank(RawTable(headers, cells, rows, encoding=encoding, ragged=ragged, header_row=lead + 1,
                                strays=strays))


def _swallowed(cell: str, sep: str, width: int) -> int:
    """How many lines of a cell look like rows of the file (the header's number of separators or more)."""
    return sum(1 for line in cell.split("\n")[1:] if line.count(sep) >= width - 1)


def _unclosed_quotes(text: str, sep: str) -> tuple[pd.DataFrame, list[tuple[int, int]], list[tuple[int, int, int]]]\
        | None:
    """Re-read a CSV in which a quote opened in a cell and never closed properly (`"年金 10"" 型`), so that the
    rows after it were read into that one cell: the line where it opened is read again with its quotes taken as
    written, and the rows after it as rows. Returns the cells, the ragged rows and (row, cell position, lines
    swallowed) of each such quote; None when no cell swallowed a row (a real cell may span lines)."""
    lines = text.splitlines(keepends=True)
    width = len(next(csv.reader(lines[:1], delimiter=sep), []))
    if width < 2:
        return None
    records: list[list[str]] = []
    strays: list[tuple[int, int, int]] = []
    start = 0
    while start < len(lines):
        reader = csv.reader(itertools.islice(lines, start, None), delimiter=sep)
        before = 0
        restart = None
        for record in reader:
            spans = reader.line_num - before
            if spans > 1:
                counts = [_swallowed(cell, sep, width) for cell in record]
                if max(counts) > 0:
                    position = counts.index(max(counts))
                    strays.append((len(records) + 1, position, spans - 1))
                    records.append(next(csv.reader([lines[start + before]], delimiter=sep, quoting=csv.QUOTE_NONE)))
                    restart = start + before + 1
                    break
            records.append(record)
            before = reader.line_num
        if restart is None:
            break
        start = restart
    if not strays:
        return None
    ragged = [(i + 1, len(r)) for i, r in enumerate(records) if len(r) > width and any(c.strip() for c in r[width:])]
    fixed = [(r + [""] * width)[:width] for r in records]
    return pd.DataFrame(fixed, dtype=object), ragged, strays


def _read_even(text: str | bytes | memoryview, sep: str, first_line: str | None = None) -> pd.DataFrame | None:
    """The cells of a CSV (its text, or its UTF-8 bytes) whose every line has the header's number of cells, read by
    Arrow (on every core, faster than pandas for a large sales file), each column a Categorical of its texts: codes
    and the distinct texts, not a string object per cell. None for any other file (blank lines, ragged rows,
    broken quoting), which pandas reads as before. The same cells as pandas' frame (tested)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    try:
        if first_line is None:
            head = text if isinstance(text, str) else bytes(text[:65536]).decode("utf-8", "replace")
            first_line = head.partition("\n")[0]
        header = next(csv.reader(io.StringIO(first_line, newline=""), delimiter=sep), [])
    except csv.Error:
        return None
    names = [f"f{i}" for i in range(len(header))]
    if not names:
        return None
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        texts = pa.dictionary(pa.int32(), pa.string())
        table = pa_csv.read_csv(
            pa.BufferReader(data), read_options=pa_csv.ReadOptions(column_names=names),
            parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, texts),
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowException, UnicodeEncodeError, ValueError):
        return None
    if any(not pa.types.is_dictionary(t) for t in table.schema.types):
        return None
    frame = table.to_pandas(self_destruct=True, split_blocks=True)  # each column freed once converted
    del table
    pa.default_memory_pool().release_unused()  # what Arrow's allocator kept of the parse goes back now
    frame.columns = range(frame.shape[1])
    return frame


def _read_ragged(text: str, sep: str) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """Read a CSV whose rows have more cells than the header, noting each such row."""
    records = list(csv.reader(io.StringIO(text), delimiter=sep))
    width = len(records[0])
    ragged = [(i + 1, len(r)) for i, r in enumerate(records) if len(r) > width and any(c.strip() for c in r[width:])]
    fixed = [(r + [""] * width)[:width] for r in records]
    return pd.DataFrame(fixed, dtype=object), ragged


def read_xlsx(path: Path, sheet: str | None = None) -> RawTable:
    """Read one sheet of an XLSX workbook, cells as Excel typed them (dates as dates)."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for every kind of broken workbook
        raise FileError(say("problem.file.bad_workbook", reason=f"{type(exc).__name__}: {exc}")) from None
    names = book.sheet_names
    if not names:
        raise FileError(say("problem.file.no_sheets"))
    if sheet is None:
        # A hidden sheet is where people keep what they do not mean to show: the first visible one is read.
        visible = _visible_sheets(book)
        if not visible:
            raise FileError(say("problem.file.no_visible_sheet"))
        sheet = visible[0]
    elif sheet not in names:
        raise FileError(say("problem.file.no_sheet", hint(sheet, names, "problem.hint.sheets"), sheet=sheet))
    _check_used_range(path, names.index(sheet), sheet)
    try:
        values = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:
        raise FileError(say("problem.file.bad_sheet", sheet=sheet, reason=exc)) from None
    # Leading empty rows are kept so that row numbers match what Excel shows; the header is the
    # first non-empty row.
    start = next((i for i, r in enumerate(values) if any(_filled(c) for c in r)), None)
    if start is None:
        raise FileError(say("problem.file.empty_sheet", sheet=sheet))
    frame = pd.DataFrame(values[start:], dtype=object)
    headers = [clean_header(v) for v in frame.iloc[0].tolist()]
    cells = frame.iloc[1:].reset_index(drop=True)
    cells.columns = pd.RangeIndex(cells.shape[1])
    rows = pd.Series(range(start + 2, start + 2 + len(cells)), dtype="int64")
    return _drop_blank(RawTable(headers, cells, rows, sheet=sheet, header_row=start + 1))


def _visible_sheets(book: object) -> list[str]:
    """The names of a workbook's visible worksheets, in order (all of them when visibility is not known)."""
    from python_calamine import SheetVisibleEnum

    try:
        meta = book.sheets_metadata  # type: ignore[attr-defined]
    except Exception:  # an older reader without visibility: every sheet counts as visible
        return list(book.sheet_names)  # type: ignore[attr-defined]
    return [m.name for m in meta if m.visible == SheetVisibleEnum.Visible]


# The largest sheet read: the reader makes a cell for every place of the used range, so one far cell
# (XFD1048576 in a 5 KB file) would ask for billions.
MAX_XLSX_COLUMNS = 200
MAX_XLSX_CELLS = 50_000_000  # rows × columns of the used range
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"([0-9]{1,7})\"")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_part(book: zipfile.ZipFile, index: int) -> str | None:
    """The zip member of the index-th sheet of a workbook, from workbook.xml and its relationships."""
    try:
        workbook = book.read("xl/workbook.xml")
        rels = book.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    tags = re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", workbook)
    if index >= len(tags):
        return None
    found = re.search(rb"\b\w+:id=\"([^\"]+)\"", tags[index])
    if found is None:
        return None
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        if re.search(rb"\bId=\"" + re.escape(found.group(1)) + rb"\"", tag):
            target = re.search(rb"\bTarget=\"([^\"]+)\"", tag)
            if target is None:
                return None
            name = target.group(1).decode("utf-8", "replace")
            return name.lstrip("/") if name.startswith("/") else "xl/" + name
    return None


def _check_used_range(path: Path, index: int, sheet: str) -> None:
    """Refuse a sheet whose cells reach beyond MAX_XLSX_COLUMNS or MAX_XLSX_CELLS, from its XML, before the
    reader makes a cell for every place of its used range."""
    try:
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, index)
            if part is None or part not in book.namelist():
                return  # the reader says what is wrong with the workbook
            rows = columns = 0
            tail = b""
            with book.open(part) as stream:
                while chunk := stream.read(1 << 20):
                    text = tail + chunk
                    for letters, row in _CELL_REF.findall(text):
                        columns = max(columns, _column_number(letters))
                        rows = max(rows, int(row))
                    for row in _ROW_REF.findall(text):
                        rows = max(rows, int(row))
                    if columns > MAX_XLSX_COLUMNS or rows * max(columns, 1) > MAX_XLSX_CELLS:
                        raise FileError(say("problem.file.far_cell", sheet=sheet,
                                            cell=f"{_column_letters(max(columns, 1))}{rows}",
                                            columns=MAX_XLSX_COLUMNS, cells=f"{MAX_XLSX_CELLS:,}"))
                    tail = text[-256:]
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        return  # not a workbook the scan understands: the reader reports it


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _blank_cells(values: pd.Series) -> np.ndarray:
    return values.where(values.notna(), "").astype(str).str.strip().eq("").to_numpy()


def _drop_blank(table: RawTable) -> RawTable:
    """Drop rows where every cell is empty: a blank line is not a record."""
    blank = np.ones(len(table.cells), dtype=bool)
    for column in table.cells.columns:
        if not blank.any():
            return table  # the usual case, decided by the first column
        values = table.cells[column]
        if isinstance(values.dtype, pd.CategoricalDtype):  # each distinct text looked at once
            codes = values.cat.codes.to_numpy()
            empty = _blank_cells(pd.Series(values.cat.categories, dtype=object))
            blank &= np.append(empty, True)[codes]  # code -1 (a missing cell) picks the appended True
        else:
            blank &= _blank_cells(values)
    if blank.any():
        table.cells = table.cells[~blank].reset_index(drop=True)
        table.rows = table.rows[~blank].reset_index(drop=True)
    return table


def read_parquet(path: Path) -> RawTable:
    """Read a Parquet file: a header per column (its name), each column as codes into its distinct values as the
    file types them (texts, numbers, dates, times), which are parsed and checked as a CSV's cells are. Records are
    numbered from 2, as the same table saved as CSV or opened in a spreadsheet shows them (the header is row 1)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise FileError(say("problem.file.bad_parquet", reason=exc)) from None
    columns = {}
    for position, (name, column) in enumerate(zip(table.column_names, table.columns, strict=True)):
        if pa.types.is_nested(column.type):
            raise FileError(say("problem.file.nested_column", column=name, kind=column.type))
        columns[position] = _distinct_column(column)
    cells = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
    cells.columns = pd.RangeIndex(cells.shape[1])
    rows = pd.Series(range(2, table.num_rows + 2), dtype="int64")
    return _drop_blank(RawTable([clean_header(name) for name in table.column_names], cells, rows))


def _distinct_column(column: object) -> pd.Categorical:
    """A Parquet column as a Categorical of its distinct values, as Python values (None, NaN: a missing cell)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    assert isinstance(column, pa.ChunkedArray)
    encoded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    chunks = pa.chunked_array(encoded.chunks or [pa.array([], encoded.type)], encoded.type).unify_dictionaries()
    values = chunks.chunk(0).dictionary.to_pylist() if chunks.num_chunks else []
    codes = np.concatenate([c.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
                            for c in chunks.chunks]) if chunks.num_chunks else np.empty(0, dtype=np.int64)
    # A float NaN is a value to Arrow and a gap to pandas (and to a reader): its cells are missing.
    kept = [not (isinstance(v, float) and v != v) for v in values]
    if not all(kept):
        renumber = np.cumsum(kept) - 1
        renumber = np.append(np.where(kept, renumber, -1), -1)  # code -1 picks the appended -1
        codes = renumber[codes]
        values = [v for v, keep in zip(values, kept, strict=True) if keep]
    return pd.Categorical.from_codes(codes, categories=pd.Index(values, dtype=object))


def read_table(path: Path, encoding: str | None = None, sheet: str | None = None) -> RawTable:
    """Read a CSV, XLSX or Parquet file by its extension."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if suffix == ".parquet":
        return read_parquet(path)
    if suffix == ".xls":
        raise FileError(say("problem.file.xls"))
    return read_csv(path, encoding)
