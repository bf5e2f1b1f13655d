"""Load every dataset behind its declared schema: headers, types, keys and references.

A problem with a whole file (unreadable, a required column missing) fails the dataset; a problem
with a row skips that row, and every skipped row is reported with its place and reason.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from ..cache import BackgroundSaves, KnownFiles, Store, code_version, digest
from ..cache import canonical as canonical_json
from ..errors import Problem, Text, explained, hint, reason, say
from .coerce import EMPTY, PARSERS, Coerced, cell, coerce_column, is_empty, parse_text
from .database import Fetched, Query, fetch, from_database
from .schemas import DATASETS, Column, Dataset
from .tables import FileError, RawTable, read_csv_bytes, read_table

ROW = "_row"  # the spreadsheet row each record came from, kept for traceability


@dataclass
class Source:
    """Where a dataset came from and what happened to its rows."""

    dataset: str
    file: str  # relative to the site
    encoding: str | None = None
    sheet: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # canonical column -> header in the file
    ignored: list[str] = field(default_factory=list)  # headers the schema does not use
    rows_read: int = 0
    rows_kept: int = 0
    failed: bool = False  # the file as a whole could not be used
    skipped_keys: dict[str, int] = field(default_factory=dict)  # key of a skipped row -> its row
    # Read from a database: its rows are numbered as in the result exported to CSV (header = 1), and problems
    # name a row by its identity columns instead (see place_rows), a number the user cannot look up.
    database: bool = False


@dataclass
class Loaded:
    tables: dict[str, pd.DataFrame]
    sources: dict[str, Source]
    problems: list[Problem]
    missing: list[str]  # optional datasets with no file: their pages are left out


def _norm(header: str) -> str:
    return unicodedata.normalize("NFKC", header).strip().casefold()


def locate(site: Path, name: str, options: dict[str, Any]) -> Path | None:
    """Return the file of a dataset: the configured one, else data/<name>.csv, .xlsx or .parquet; None when it is
    read from a database."""
    if from_database(options):
        return None
    if options.get("file"):
        path = site / options["file"]
        return path if path.is_file() else None
    for suffix in (".csv", ".xlsx", ".parquet"):
        candidate = site / "data" / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def _linked_out(site: Path, path: Path) -> bool:
    """Whether a file named inside the site folder is a link to a file outside it. A path that site.toml names
    outside the site (absolute, or through ..) is the owner's choice, not a link."""
    inside = Path(os.path.normpath(path.absolute())).is_relative_to(site.absolute())
    return inside and not path.resolve().is_relative_to(site.resolve())


def empty_frame(dataset: Dataset) -> pd.DataFrame:
    """Return a table with the dataset's columns and no rows."""
    frame = pd.DataFrame({c.name: _typed([], c) for c in dataset.columns})
    frame[ROW] = pd.Series([], dtype="int64")
    return frame


def _spread(values: list[object], codes: np.ndarray, column: Column) -> pd.Series:
    """The typed column whose cell i is values[codes[i]]: each distinct value typed once, then taken."""
    distinct = _typed(values, column)
    taken = distinct.to_numpy(copy=False) if isinstance(distinct.dtype, np.dtype) else distinct.array
    return pd.Series(taken.take(codes), dtype=distinct.dtype)


def _absent(column: Column, n: int, bulk: bool) -> pd.Series:
    """The column of an optional column the file does not have: its default in each of the n rows. In a bulk
    dataset an empty text column is an empty Categorical (a byte a row) rather than n Python None pointers."""
    if bulk and column.type == "text" and column.default is None:
        return pd.Series(pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), dtype=_NO_TEXT))
    return _spread([column.default], np.zeros(n, dtype=np.int8), column)


_NO_TEXT = pd.CategoricalDtype(pd.Index([], dtype=object))  # a text column with no value in any row


def _typed(values: list[object], column: Column) -> pd.Series:
    if column.type in ("date", "datetime"):
        # Text, dates or None (NaT): pandas takes each, pandas-stubs admits no None in the list.
        cells = cast(list[str], values)
        return pd.Series(pd.to_datetime(cells), dtype="datetime64[ns]")
    if column.type in ("money", "number"):
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    if column.type == "int":
        return pd.Series(values, dtype="Int64")
    return pd.Series(values, dtype=object)


class _DatasetLoader:
    def __init__(self, site: Path, dataset: Dataset, options: dict[str, Any]) -> None:
        self.site = site
        self.dataset = dataset
        self.options = options
        self.problems: list[Problem] = []
        self.positions: dict[str, int] = {}  # each canonical column's position in the table read

    def problem(self, file: str, row: int | None, column: str | None, message: Text, severity: str = "error",
                fatal: bool = False) -> None:
        self.problems.append(explained(file, row, column, message, severity, fatal))

    def load(self, path: Path) -> tuple[pd.DataFrame, Source]:
        file = _display(self.site, path)
        source = Source(self.dataset.name, file)
        try:
            raw = read_table(path, self.options.get("encoding"), self.options.get("sheet"))
        except FileError as exc:
            self.problem(file, None, None, reason(exc), fatal=True)
            source.failed = True
            return empty_frame(self.dataset), source
        source.encoding, source.sheet = raw.encoding, raw.sheet
        return self.typed(raw, file, source), source

    def load_result(self, fetched: Fetched) -> tuple[pd.DataFrame, Source]:
        """Load what a query returned (see inputs/database.py) as a file is loaded, its problems placed by the
        rows' identity columns."""
        file = fetched.query.label
        source = Source(self.dataset.name, file, database=True)
        try:
            raw = read_csv_bytes(fetched.data, "utf-8")
        except FileError as exc:
            self.problem(file, None, None, say("problem.data.query_result", reason=reason(exc)), fatal=True)
            source.failed = True
            return empty_frame(self.dataset), source
        frame = self.typed(raw, file, source)
        columns = {c: raw.cells[self.positions[c]] for c in identity(self.dataset) if c in self.positions}
        self.problems = place_rows(self.problems, source, pd.DataFrame(columns).set_axis(raw.rows.to_numpy()))
        return frame, source

    def typed(self, raw: RawTable, file: str, source: Source) -> pd.DataFrame:
        source.rows_read = len(raw.cells)
        positions = self.resolve_headers(raw, file, source)
        if positions is None:
            source.failed = True
            return empty_frame(self.dataset)
        self.positions = positions
        frame = self.coerce(raw, positions, file, source)
        source.rows_kept = len(frame)
        return frame

    def resolve_headers(self, raw: RawTable, file: str, source: Source) -> dict[str, int] | None:
        """Map each canonical column to the position of its header; None if the file is unusable."""
        mapping: dict[str, str] = self.options.get("columns") or {}
        by_header: dict[str, int] = {}
        for position, header in enumerate(raw.headers):
            if not header:
                continue
            if _norm(header) in by_header:
                self.problem(file, raw.header_row, header, say("problem.data.header_twice"), "warning")
                continue
            by_header[_norm(header)] = position
        claimed = {_norm(h) for h in mapping.values()}
        positions: dict[str, int] = {}
        fatal = False
        for column in self.dataset.columns:
            if column.name in mapping:
                wanted = mapping[column.name]
                if _norm(wanted) in by_header:
                    positions[column.name] = by_header[_norm(wanted)]
                    continue
                headers = hint(wanted, [h for h in raw.headers if h], "problem.hint.headers")
                self.problem(file, raw.header_row, wanted,
                             say("problem.data.mapped_missing", headers, column=column.name), fatal=True)
                fatal = True
                continue
            for candidate in (column.name, *column.headers):
                key = _norm(candidate)
                if key in by_header and (key not in claimed or candidate == column.name):
                    positions[column.name] = by_header[key]
                    break
            else:
                if column.required:
                    expected = alternatives((column.name, *column.headers), quoted=True)
                    self.problem(file, raw.header_row, column.name, say(
                        "problem.data.required_column", expected=expected, dataset=self.dataset.name,
                        column=column.name), fatal=True)
                    fatal = True
        used = set(positions.values())
        source.headers = {name: raw.headers[p] for name, p in positions.items()}
        source.ignored = [h for p, h in enumerate(raw.headers) if h and p not in used]
        for row, count in raw.ragged or []:
            self.problem(file, row, None, say("problem.data.ragged", count=count, header=len(raw.headers)), "warning")
        for row, position, lines in raw.strays or []:
            named = raw.headers[position] if position < len(raw.headers) and raw.headers[position] else None
            self.problem(file, row, named, say("problem.data.stray_quote", lines=lines), "warning")
        return None if fatal else positions

    def coerce(self, raw: RawTable, positions: dict[str, int], file: str, source: Source) -> pd.DataFrame:
        rows = raw.rows.to_numpy()
        n = len(rows)
        bad = np.zeros(n, dtype=bool)
        columns: dict[str, pd.Series] = {}
        for column in self.dataset.columns:
            header = source.headers.get(column.name, column.name)
            if column.name not in positions:
                # An optional column the file does not have (a required one stopped the load already): its default
                # in every row, with nothing to check; not a loop over each of a large file's million rows.
                columns[column.name] = _absent(column, n, self.dataset.bulk)
                continue
            # Every check is made once per distinct value, then its problems placed on its cells in row order:
            # a sales file has millions of cells and a few thousand distinct values.
            coerced = coerce_column(raw.cells[positions[column.name]], PARSERS[column.type])
            values = coerced.values
            for position, message in self.placed(coerced, coerced.warnings):
                self.problem(file, int(rows[position]), header, message, "warning")
            failed = coerced.cells(coerced.errors)
            for position, message in self.placed(coerced, coerced.errors):
                self.problem(file, int(rows[position]), header, message)
            bad[failed] = True
            before = bad.copy()  # a value refused as a choice is reported once, not again as empty
            checks = []
            if column.choices:
                values, refused = self.choose(values, column)  # a value refused is EMPTY from here on
                checks.append(refused)
            if column.minimum is not None or column.maximum is not None:
                checks.append(self.bounds(values, column))
            for refused in checks:
                for position, message in self.placed(coerced, refused):
                    self.problem(file, int(rows[position]), header, message)
                bad[coerced.cells(refused)] = True
            empty = [i for i, value in enumerate(values) if value is EMPTY]
            if column.required and empty:
                reported = set(failed.tolist())
                for position in coerced.cells(empty).tolist():
                    if position not in reported and not (bad[position] and not before[position]):
                        self.problem(file, int(rows[position]), header, say("problem.data.empty"))
                        bad[position] = True
            final = [column.default if value is EMPTY else value for value in values]
            columns[column.name] = _spread(final, coerced.codes, column)
        frame = pd.DataFrame(columns, copy=False)  # each column as made: not copied into blocks of one dtype
        frame[ROW] = rows
        if self.dataset.one_of:
            missing = frame[list(self.dataset.one_of)].isna().all(axis=1).to_numpy() & ~bad
            names = alternatives([source.headers.get(c, c) for c in self.dataset.one_of], quoted=False)
            for at in np.flatnonzero(missing):
                self.problem(file, int(rows[at]), None, say("problem.data.one_of", names=names))
            bad |= missing
        key = self.dataset.key
        if key is not None:
            skipped = frame.loc[bad & frame[key.name].notna().to_numpy(), [key.name, ROW]]
            source.skipped_keys.update(zip(skipped[key.name], skipped[ROW].astype(int)))
        if bad.any():  # a mask copies every column, even when it keeps every row
            frame = frame[~bad]
        if key is not None:
            frame = self.deduplicate(frame, key, file, source.headers.get(key.name, key.name))
        return frame.reset_index(drop=True)

    @staticmethod
    def placed(coerced: Coerced, messages: dict[int, Text]) -> list[tuple[int, Text]]:
        """Each cell holding a distinct value with a message, in row order, with that message."""
        if not messages:
            return []
        positions = coerced.cells(messages)
        return [(position, messages[int(coerced.codes[position])]) for position in positions.tolist()]

    def choose(self, values: list[object], column: Column) -> tuple[list[object], dict[int, Text]]:
        """The distinct values as their canonical choices, and the message of each that is no allowed choice."""
        assert column.choices is not None
        spelling = {}
        for choice, aliases in column.choices.items():
            for word in (choice, *aliases):
                spelling[_norm(word)] = choice
        allowed = ", ".join(column.choices)
        examples = [aliases[0] for aliases in column.choices.values() if aliases]
        chinese = say("problem.data.choice_words", examples=", ".join(examples)) if examples else None
        out: list[object] = []
        refused: dict[int, Text] = {}
        for i, value in enumerate(values):
            if value is EMPTY:
                out.append(value)
                continue
            canonical = spelling.get(_norm(str(value)))
            if canonical is None:
                refused[i] = say("problem.data.choice", chinese, hint(str(value), list(spelling)), value=cell(value),
                                 column=column.name, allowed=allowed)
                out.append(EMPTY)
            else:
                out.append(canonical)
        return out, refused

    @staticmethod
    def bounds(values: list[object], column: Column) -> dict[int, Text]:
        """The message of each distinct value below the column's minimum or above its maximum."""
        refused: dict[int, Text] = {}
        for i, value in enumerate(values):
            if value is EMPTY or not isinstance(value, (int, float)):
                continue
            if column.minimum is not None and value < column.minimum:
                refused[i] = say("problem.data.below", value=f"{value:g}", minimum=f"{column.minimum:g}")
            elif column.maximum is not None and value > column.maximum:
                refused[i] = say("problem.data.above", value=f"{value:g}", maximum=f"{column.maximum:g}")
        return refused

    def deduplicate(self, frame: pd.DataFrame, key: Column, file: str, header: str) -> pd.DataFrame:
        duplicated = frame[key.name].duplicated(keep="first")
        if duplicated.any():
            first_rows = frame.drop_duplicates(key.name).set_index(key.name)[ROW]
            for _, record in frame[duplicated].iterrows():
                value = record[key.name]
                self.problem(file, int(record[ROW]), header, say("problem.data.duplicate", key=key.name,
                                                                 value=cell(value), first=int(first_rows[value])))
        return frame[~duplicated]


def identity(dataset: Dataset) -> tuple[str, ...]:
    """The columns that name a row read from a database: the declared ones, else the key, else the required ones."""
    if dataset.identity:
        return dataset.identity
    key = dataset.key
    return (key.name,) if key is not None else tuple(c.name for c in dataset.columns if c.required)


def _filled_value(value: object) -> bool:
    return not (value is None or value is EMPTY or value is pd.NaT or value is pd.NA or is_empty(value))


def place_rows(problems: list[Problem], source: Source | None, ids: pd.DataFrame) -> list[Problem]:
    """Name the rows of a database dataset's problems by their identity columns ("row with 保单号=X"): a row number
    of a query's result is nothing the user can look up. `ids` holds the identity columns, indexed by row number;
    a problem of the header (the result's columns) gets no row. Other problems are returned as they are."""
    if source is None or not source.database:
        return problems
    out = []
    for problem in problems:
        if problem.file != source.file or problem.row is None or problem.place:
            out.append(problem)
        elif problem.row not in ids.index:
            out.append(dataclasses.replace(problem, row=None))
        else:
            record = ids.loc[problem.row]
            named = [f"{source.headers.get(str(c), str(c))}={parse_text(v)}" for c, v in record.items()
                     if _filled_value(v)]
            place = (say("problem.place.identity", identity=", ".join(named)) if named
                     else say("problem.place.result_row", row=problem.row - 1))
            out.append(dataclasses.replace(problem, place=str(place), place_text=place))
    return out


def place_in_table(problems: list[Problem], source: Source | None, frame: pd.DataFrame) -> list[Problem]:
    """place_rows with the identity values of a loaded table (problems found after loading)."""
    if source is None or not source.database or not problems:
        return problems
    columns = [c for c in identity(DATASETS[source.dataset]) if c in frame.columns]
    return place_rows(problems, source, frame.set_index(ROW)[columns])


def load_one(site: Path, name: str, options: dict[str, Any]) -> pd.DataFrame | None:
    """Return one dataset read and typed on its own (no references checked, nothing cached), or None when its
    file is absent (its query fails): for commands that need a single table, not the whole site."""
    if from_database(options):
        result = fetch(Query.from_options(name, options), os.environ)
        return None if result.problem is not None else _DatasetLoader(site, DATASETS[name], options).load_result(
            result)[0]
    path = locate(site, name, options)
    if path is None or not path.exists():
        return None
    frame, _ = _DatasetLoader(site, DATASETS[name], options).load(path)
    return frame


def _display(site: Path, path: Path) -> str:
    try:
        return path.relative_to(site).as_posix()
    except ValueError:
        return path.as_posix()


Entry = tuple[pd.DataFrame, Source, list[Problem]]  # a data file's table, where it came from, its problems


@dataclass
class KeptTables:
    """The tables of the last build, kept for the next when `keep` is set: a process that builds again and again
    (the dev server) then does not read a large table back from the cache at every build. Builds get copies
    (they cut and mask values in place)."""

    keep: bool = False
    files: dict[str, Entry] = field(default_factory=dict)  # each data file's table, by its cache key
    checked: tuple[str, Loaded, list[Problem]] | None = None  # the checked tables by data key (model.load_data)

    def forget(self) -> None:
        """Drop the kept tables and stop keeping them: a later build reads the files again."""
        self.keep = False
        self.files.clear()
        self.checked = None


# With copy-on-write (always from pandas 3) a frame copies a column it shares with another before changing it,
# so a build's copy of the kept tables needs no bytes of its own.
SHALLOW_COPIES = int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True


def copied(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table that a build may change (cut, mask, add columns to) without changing the original."""
    return frame.copy(deep=not SHALLOW_COPIES)


def _copies(entry: Entry) -> Entry:
    frame, source, problems = entry
    return copied(frame), copy.copy(source), list(problems)


def _load_cached(site: Path, dataset: Dataset, options: dict[str, Any], path: Path | Fetched, cache: bool,
                 recent: dict[str, Entry], kept: KeptTables, files: KnownFiles, background: BackgroundSaves | None
                 ) -> tuple[pd.DataFrame, Source, list[Problem], str]:
    """Load one dataset file (or a query's result), reusing the parsed table cached under the file's (result's)
    sha256, options and code (from `kept` when it holds it). The table goes into `recent`: a copy for this build
    when it is kept for the next (a build may add columns to its tables), else itself (copying a large table costs
    more than reading it)."""
    store = Store(site if cache else None, "datasets", background)

    def taken(entry: Entry) -> Entry:
        return _copies(entry) if kept.keep else entry

    key = ""
    if cache:
        try:
            content = path.sha256 if isinstance(path, Fetched) else files.sha256(path)
        except OSError:
            content = ""
        if content:
            key = digest("dataset", dataset.name, content, canonical_json(options), code_version())
            if key in kept.files:
                recent[key] = kept.files[key]
                return (*_copies(kept.files[key]), key)
            found = store.load_frames(key)
            if found is not None:
                frames, (source, problems) = found
                recent[key] = (frames["table"], source, problems)
                return (*taken(recent[key]), key)
    loader = _DatasetLoader(site, dataset, options)
    frame, source = loader.load_result(path) if isinstance(path, Fetched) else loader.load(path)
    if key and store.save_frames(key, {"table": frame}, (source, loader.problems)):
        recent[key] = (frame, source, loader.problems)
        return (*taken(recent[key]), key)
    return frame, source, loader.problems, key


def load_datasets(site: Path, config: dict[str, Any], cache: bool = False, kept: KeptTables | None = None,
                  files: KnownFiles | None = None, background: BackgroundSaves | None = None,
                  fetched: dict[str, Fetched] | None = None) -> Loaded:
    """Load every dataset of the site, then check the references between them.

    With `cache`, parsed tables are kept in the site's .trackboard-cache/ and reused while the file is unchanged;
    `kept` holds the last build's tables (see KeptTables), `files` the digests of files read before, and
    `background` writes large tables to the cache from forked children. `fetched` holds the results of the
    datasets read from a database (inputs/database.py), by dataset.
    """
    fetched = fetched or {}
    kept = kept if kept is not None else KeptTables()
    files = files if files is not None else KnownFiles()
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    missing: list[str] = []
    used: set[str] = set()  # cache entries of this build; older ones are deleted
    recent: dict[str, Entry] = {}
    for name, dataset in DATASETS.items():
        options = config["data"].get(name, {})
        if from_database(options):
            result = fetched.get(name)  # None when its settings are wrong: the configuration's problems say so
            if result is not None and result.problem is not None:
                problems.append(result.problem)
            if result is None or result.problem is not None:
                tables[name] = empty_frame(dataset)
                continue
            tables[name], sources[name], found, key = _load_cached(site, dataset, options, result, cache, recent,
                                                                       kept, files, background)
            used.add(key)
            problems.extend(found)
            continue
        path = locate(site, name, options)
        if path is not None and _linked_out(site, path):
            # data/ is the editors' folder: a link there must not publish a file from elsewhere on the machine.
            # A file outside the site is read only when site.toml names it, the owner's decision.
            problems.append(explained(options.get("file") or f"data/{path.name}", None, None,
                                      say("problem.data.linked_out", dataset=name), fatal=True))
            tables[name] = empty_frame(dataset)
            continue
        if path is None or not path.exists():
            if options.get("file"):
                folder = (site / options["file"]).is_dir()
                why = say("problem.data.file_is_folder" if folder else "problem.data.file_missing", dataset=name)
                problems.append(explained(options["file"], None, None, why, fatal=True))
            elif dataset.required:
                problems.append(explained(f"data/{name}.csv", None, None,
                                          say("problem.data.required_file", dataset=name), fatal=True))
            else:
                missing.append(name)
            tables[name] = empty_frame(dataset)
            continue
        tables[name], sources[name], found, key = _load_cached(site, dataset, options, path, cache, recent, kept,
                                                                   files, background)
        used.add(key)
        problems.extend(found)
    if cache:
        Store(site, "datasets").prune(used)
        kept.files.clear()
        if kept.keep:
            kept.files.update(recent)
    before = dict(tables)  # check_references drops rows: their identity names the problems of database rows
    found = check_references(tables, sources)
    for name, source in sources.items():
        found = place_in_table(found, source, before[name])
    problems.extend(found)
    for name, source in sources.items():
        source.rows_kept = len(tables[name])
    return Loaded(tables, sources, problems, missing)


def _header(sources: dict[str, Source], dataset: str, column: str) -> str:
    source = sources.get(dataset)
    return source.headers.get(column, column) if source else column


def _file(sources: dict[str, Source], dataset: str) -> str:
    source = sources.get(dataset)
    return source.file if source else f"data/{dataset}.csv"


# References whose target may be unknown without losing the row: the value is dropped with a warning.
SOFT_REFERENCES = {("units", "head"), ("units", "tracker"), ("training", "trainer"),
                   ("resources", "from_owner"), ("sms_groups", "person"), ("followup_log", "by"),
                   ("clearance", "examiner")}


def check_references(tables: dict[str, pd.DataFrame], sources: dict[str, Source]) -> list[Problem]:
    """Check every reference between datasets, dropping rows that point nowhere (in place)."""
    problems: list[Problem] = []
    units = tables["units"]
    file = _file(sources, "units")
    # The unit tree: cycles first, then units whose parent is missing (repeated: a dropped unit
    # takes its children with it).
    parent = dict(zip(units["id"], units["parent"]))
    row_of = dict(zip(units["id"], units[ROW]))
    in_cycle: set[str] = set()
    for start in parent:
        path, node = [], start
        while node is not None and node in parent and node not in path and node not in in_cycle:
            path.append(node)
            node = parent[node]
        if node is not None and node in path:
            cycle = path[path.index(node):]
            for unit in cycle:
                if unit not in in_cycle:
                    loop = " → ".join([*cycle[cycle.index(unit):], *cycle[: cycle.index(unit)], unit])
                    problems.append(explained(file, int(row_of[unit]), _header(sources, "units", "parent"),
                                              say("problem.data.cycle", unit=unit, loop=loop)))
            in_cycle.update(cycle)
    dropped: dict[str, dict[str, int]] = {name: {} for name in tables}
    hints = IdHints(tables)
    for name, source in sources.items():
        dropped[name].update(source.skipped_keys)
    dropped["units"].update({u: int(row_of[u]) for u in in_cycle})
    kept = units[~units["id"].isin(in_cycle)]
    while True:
        ids = set(kept["id"])
        orphan = kept["parent"].notna() & ~kept["parent"].isin(ids)
        if not orphan.any():
            break
        for _, record in kept[orphan].iterrows():
            problems.append(_reference_problem(record, "parent", "units", sources, dropped, "units", hints))
            dropped["units"][record["id"]] = int(record[ROW])
        kept = kept[~orphan]
    tables["units"] = kept.reset_index(drop=True)

    keys = {name: set(frame[key.name]) for name, frame in tables.items()
            if (key := DATASETS[name].key) is not None}
    for name, dataset in DATASETS.items():
        frame = tables[name]
        if frame.empty:
            continue
        bad = np.zeros(len(frame), dtype=bool)
        for column in dataset.columns:
            if column.ref_by is not None:
                bad |= _check_ref_by(frame, name, column.name, column.ref_by, keys, sources, dropped, problems,
                                     hints)
            if column.ref is None or (name, column.name) == ("units", "parent"):
                continue
            values = frame[column.name]
            unknown = (values.notna() & ~values.isin(keys[column.ref])).to_numpy()
            if not unknown.any():
                continue
            soft = (name, column.name) in SOFT_REFERENCES
            for position in np.flatnonzero(unknown):
                record = frame.iloc[position]
                problems.append(_reference_problem(record, column.name, name, sources, dropped, column.ref,
                                                   hints, "warning" if soft else "error"))
            if soft:
                frame.loc[unknown, column.name] = None
            else:
                bad |= unknown
        if bad.any():
            key = dataset.key
            if key is not None:
                dropped[name].update(zip(frame.loc[bad, key.name], frame.loc[bad, ROW].astype(int)))
                keys[name] -= set(frame.loc[bad, key.name])
            tables[name] = frame[~bad].reset_index(drop=True)
    return problems


def _check_ref_by(frame: pd.DataFrame, name: str, column: str, by: str, keys: dict[str, set[Any]],
                  sources: dict[str, Source], dropped: dict[str, dict[str, int]], problems: list[Problem],
                  hints: IdHints) -> np.ndarray:
    """Rows whose `column` is not a key of the dataset their `by` column names (reported; the caller drops them)."""
    targets = frame[by].to_numpy()
    values = frame[column].to_numpy()
    unknown = np.array([value is not None and not pd.isna(value) and value not in keys.get(str(target), set())
                        for target, value in zip(targets, values, strict=True)], dtype=bool)
    for position in np.flatnonzero(unknown):
        record = frame.iloc[position]
        problems.append(_reference_problem(record, column, name, sources, dropped, str(targets[position]), hints))
    return unknown


# Dates that have happened (Column.past) lie from EARLIEST to today + AHEAD (a clock or time zone off by a day or
# two); beyond, a typo such as 2199-12-31 would make the site "as of" that day.
EARLIEST = dt.date(2000, 1, 1)
AHEAD = dt.timedelta(days=7)


def check_past_dates(tables: dict[str, pd.DataFrame], sources: dict[str, Source], today: dt.date) -> list[Problem]:
    """Drop the rows (in place) whose date that has happened lies after today + AHEAD or before EARLIEST."""
    problems: list[Problem] = []
    latest = today + AHEAD
    for name, dataset in DATASETS.items():
        for column in dataset.columns:
            frame = tables[name]
            if not column.past or frame.empty:
                continue
            values = frame[column.name]
            bad = (values.notna() & ((values > pd.Timestamp(latest)) | (values < pd.Timestamp(EARLIEST)))).to_numpy()
            if not bad.any():
                continue
            found = []
            for day, row in zip(values[bad], frame.loc[bad, ROW]):
                when = (say("problem.data.future", day=day.date().isoformat(), today=today.isoformat(), days=AHEAD.days)
                        if day > pd.Timestamp(latest)
                        else say("problem.data.too_early", day=day.date().isoformat(), earliest=EARLIEST.isoformat()))
                found.append(explained(_file(sources, name), int(row), _header(sources, name, column.name), when))
            problems.extend(place_in_table(found, sources.get(name), frame))
            tables[name] = frame[~bad].reset_index(drop=True)
            if name in sources:
                sources[name].rows_kept = len(tables[name])
    return problems


def alternatives(words: list[str] | tuple[str, ...], quoted: bool) -> Text:
    """Words joined by "or" in the reader's language (quoted: as headers are written, "日期" or "date")."""
    first, *rest = words
    one, more = ("problem.word.quoted", "problem.word.or_quoted") if quoted else ("problem.word.plain",
                                                                                 "problem.word.or_plain")
    return say(one, *(say(more, word=word) for word in rest), word=first)


def _noun(target: str) -> Text:
    """What a reference names, in words: a unit, a person, else a row of the dataset `target`."""
    if target in ("units", "people"):
        return say("problem.noun.unit" if target == "units" else "problem.noun.person")
    return say("problem.noun.other", dataset=target)


class IdHints:
    """Suggest the id meant by an unknown reference: the id of whoever has that name (a name typed where the 工号
    belongs, the commonest slip), else the closest id (a typo). Lookups are built once per dataset, and only the
    first HINTS unknown values get one: a file of bad rows must not cost a search of every id per row."""

    HINTS = 200
    CLOSE_IDS = 20000  # above this many ids, a typo is not looked for (difflib is linear in them)

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.tables = tables
        self.names: dict[str, dict[str, list[str]]] = {}
        self.given = 0

    @staticmethod
    def _key(target: str) -> str | None:
        key = DATASETS[target].key if target in DATASETS else None
        return key.name if key is not None else None

    def _by_name(self, target: str) -> dict[str, list[str]]:
        if target not in self.names:
            frame = self.tables.get(target)
            found: dict[str, list[str]] = {}
            key_column = self._key(target)
            if frame is not None and key_column is not None and "name" in frame.columns:
                for name, key in zip(frame["name"], frame[key_column]):
                    if isinstance(name, str):
                        found.setdefault(name, []).append(str(key))
            self.names[target] = found
        return self.names[target]

    def __call__(self, value: str, target: str) -> Text | None:
        if self.given >= self.HINTS:
            return None
        self.given += 1
        ids = sorted(self._by_name(target).get(value, []))
        if len(ids) == 1:
            return say("problem.hint.name_is", name=value, id=ids[0])
        if ids:
            return say("problem.hint.name_many", count=len(ids), name=value,
                       ids=", ".join(ids[:5]) + ("…" if len(ids) > 5 else ""))
        frame, key_column = self.tables.get(target), self._key(target)
        if frame is None or key_column is None or frame.empty or len(frame) > self.CLOSE_IDS:
            return None
        close = difflib.get_close_matches(value, frame[key_column].astype(str).tolist(), n=1, cutoff=0.75)
        return say("problem.hint.similar", similar=close[0]) if close else None


def _reference_problem(record: pd.Series, column: str, dataset: str, sources: dict[str, Source],
                       dropped: dict[str, dict[str, int]], target: str, hints: IdHints,
                       severity: str = "error") -> Problem:
    value = parse_text(record[column])
    target_file = _file(sources, target)
    ignored = say("problem.data.value_ignored") if severity == "warning" else None
    if value in dropped.get(target, {}):
        message = say("problem.data.ref_skipped", ignored, noun=_noun(target), value=value, file=target_file,
                      row=dropped[target][value])
    else:
        message = say("problem.data.ref_unknown", hints(value, target), ignored, noun=_noun(target), value=value,
                      file=target_file)
    return explained(_file(sources, dataset), int(record[ROW]), _header(sources, dataset, column), message, severity)
