"""The site model: everything read from a site folder, gathered once before any page is made."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pandas as pd

from . import engine
from .cache import KnownFiles, Store, canonical, code_version, digest
from .config import default_config, load_config
from .errors import Problem, SortsProblems, TrackboardError, explained, hint, say
from .i18n import translator
from .inputs.campaigns import check_campaigns
from .inputs.content import Document, check_collections, load_collections
from .inputs.database import Fetched, Query, fetch, from_database
from .inputs.datasets import ROW, Loaded, Source, check_past_dates, copied, load_datasets, locate, place_in_table
from .inputs.parsing import DocumentParser
from .inputs.schemas import COLLECTIONS, DATASETS
from .inputs.targets import check_targets, roll_up_targets
from .metrics.kpis import unit_tree
from .metrics.memo import Derived, Tables
from .metrics.scope import Redactor, scope_documents, scope_of, scope_tables, units_of
from .overrides import override_problems, site_overrides
from .state import BuildState

# Profiles every site has, unless site.toml defines its own under the same name.
BUILTIN_PROFILES: dict[str, dict[str, Any]] = {
    "screen": {"title": "", "mask_phone": True, "exclude": ["people", "receivables"]},
    "managers": {"title": "", "mask_phone": False, "exclude": []},
}


@dataclass
class Site(SortsProblems):
    """A site's inputs, checked: configuration, tables, documents and every problem found."""

    root: Path
    config: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    sources: dict[str, Source]
    documents: dict[str, list[Document]]
    problems: list[Problem]
    missing: list[str]  # optional datasets without a file
    as_of: dt.date
    fingerprints: dict[str, str]
    profile_name: str | None = None
    profile: dict[str, Any] = field(default_factory=lambda: dict(BUILTIN_PROFILES["managers"]))
    # Inputs in `fingerprints` (so that an edit still rebuilds) that build.json must not name: notices not
    # yet published, whose very file name may be news.
    unlisted: frozenset[str] = frozenset()
    # The last day a row may be dated (cutoff_day) when rows dated later were dropped: their problems name the
    # day, so the output depends on it; None when no row was.
    cutoff: dt.date | None = None

    @property
    def locale(self) -> str:
        return str(self.config["site"]["locale"])

    def has(self, dataset: str) -> bool:
        """Whether the dataset was given (its pages are built)."""
        return dataset not in self.missing

    def excluded(self, section: str) -> bool:
        return section in self.profile.get("exclude", [])

    def skipped_rows(self) -> dict[str, set[int]]:
        """Rows of data files that were skipped, by file."""
        files = {s.file for s in self.sources.values()}
        out: dict[str, set[int]] = {}
        for problem in self.errors:
            if problem.file in files and problem.row is not None and problem.row > 1:
                out.setdefault(problem.file, set()).add(problem.row)
        return out


# Editor and Office temporaries: never inputs, whatever folder they sit in.
_TEMPORARY = re.compile(r"^(~\$.*|\.#.*|.*~|.*\.swp|.*\.tmp)$", re.IGNORECASE)


def ignored_name(name: str) -> bool:
    """Whether a file or folder name is never an input: a dotfile or dot-folder, an editor temporary."""
    return name.startswith(".") or bool(_TEMPORARY.match(name))


def outside_site(root: Path, path: Path | str) -> bool:
    """Whether a path, links followed, leads out of the site folder."""
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real != base and not real.startswith(base + os.sep)


def input_files(root: Path, config: dict[str, Any]) -> tuple[list[Path], list[Problem]]:
    """The files a build reads and may publish: site.toml, the datasets, the collections' Markdown documents,
    the site's logo and the theme's templates and static files; and a warning for each link out of the site that
    is not followed.

    Dotfiles, dot-folders and editor temporaries are not inputs; a file or folder that leads out of the site is
    skipped, but for a collection folder that is itself a link (an office's shared notices folder)."""
    files = [root / "site.toml"]
    for name in DATASETS:
        path = locate(root, name, config["data"].get(name, {}))
        if path is not None:
            files.append(path)
    if config["branding"]["logo"]:  # published beside the theme; the loader keeps only a logo inside the site
        files.append(root / config["branding"]["logo"])
    found = {str(p) for p in files if p.exists()}
    skipped: list[str] = []
    for collection in COLLECTIONS:
        folder = root / "content" / collection
        if folder.is_dir():
            linked = folder.is_symlink() and outside_site(root, folder)
            top = os.path.realpath(folder) if linked else str(root)
            found.update(p for p in _files_under(str(folder), top, skipped) if p.endswith(".md"))
    for part in ("templates", "static", "posters"):
        base = root / "theme" / part
        if base.is_dir() and not outside_site(root, base):
            found.update(_files_under(str(base), str(root), skipped))
        elif base.is_dir():
            skipped.append(str(base))
    warnings = [explained(os.path.relpath(p, root).replace(os.sep, "/"), None, None, say("problem.site.link_out"),
                          "warning") for p in sorted(skipped)]
    # In the order of sorted Path objects (by their parts), without making and comparing ten thousand of them.
    return [Path(p) for p in sorted(found, key=lambda p: p.split(os.sep))], warnings


def _files_under(top: str, inside: str, skipped: list[str]) -> list[str]:
    """The files under a folder, at any depth, but dotfiles, dot-folders and editor temporaries; linked folders
    are looked into, each once, when they stay inside `inside`; links leading out of it go to `skipped`."""
    out: list[str] = []
    pending, seen = [top], {os.path.realpath(top)}
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if ignored_name(entry.name):
                        continue
                    if entry.is_symlink() and outside_site(Path(inside), entry.path):
                        skipped.append(entry.path)
                        continue
                    if entry.is_dir():
                        if entry.is_symlink():  # a link back up the tree is not followed round again
                            real = os.path.realpath(entry.path)
                            if real in seen:
                                continue
                            seen.add(real)
                        pending.append(entry.path)
                    elif entry.is_file():
                        out.append(entry.path)
        except OSError:  # a folder that cannot be read: its files are not inputs the build can read either
            continue
    return out


def fingerprint(root: Path, files: list[Path], known: KnownFiles | None = None) -> dict[str, str]:
    """Return the SHA-256 of each input file, keyed by its path relative to the site (`known`: the digests of
    files read before)."""
    known = known if known is not None else KnownFiles()
    out = {}
    prefix = f"{root}{os.sep}"
    for path in files:
        text = str(path)
        if text.startswith(prefix):
            key = text[len(prefix):].replace(os.sep, "/")
        else:
            try:
                key = path.relative_to(root).as_posix()
            except ValueError:
                key = path.as_posix()
        out[key] = known.sha256(text)
    return out


def input_fingerprints(root: Path, inputs: list[Path], fetched: dict[str, Fetched], known: KnownFiles | None = None
                       ) -> dict[str, str]:
    """What a build's inputs hold: the SHA-256 of each input file and of each query's result (a failed query has
    none: it stops the build)."""
    return {**fingerprint(root, inputs, known),
            **{r.query.label: r.sha256 for r in fetched.values() if r.problem is None}}


def resolve_profile(config: dict[str, Any], name: str | None) -> dict[str, Any]:
    """Return the settings of a profile by name (site.toml first, then the built-in ones)."""
    if name is None:
        return dict(BUILTIN_PROFILES["managers"])
    profiles = {**BUILTIN_PROFILES, **config["profiles"]}
    if name not in profiles:
        raise TrackboardError(say("cli.unknown_profile", hint(name, profiles, "cli.profiles"), name=name),
                              locale=config["site"]["locale"])
    return dict(profiles[name])


def default_as_of(tables: dict[str, pd.DataFrame], today: dt.date) -> dt.date:
    """The latest date in the sales data up to today, else today."""
    dates = tables["sales"]["date"].dropna()
    dates = dates[dates <= pd.Timestamp(today)]
    return dates.max().date() if not dates.empty else today


def cutoff_day(today: dt.date, as_of: dt.date | None) -> dt.date:
    """The last day a row may be dated: today, or the as-of date asked for when later (a report built ahead)."""
    return max(today, as_of) if as_of is not None else today


# The dates a site may be built for (--as-of): from FIRST_AS_OF to a year after today.
FIRST_AS_OF = dt.date(2000, 1, 1)
AS_OF_AHEAD = dt.timedelta(days=366)


def check_as_of(as_of: dt.date, today: dt.date, locale: str) -> None:
    """Refuse an as-of date no report is built for (a typo such as 2300-01-01), before any data is read."""
    if not FIRST_AS_OF <= as_of <= today + AS_OF_AHEAD:
        raise TrackboardError(say("cli.as_of_range", as_of=as_of.isoformat(), first=FIRST_AS_OF.isoformat(),
                                  last=(today + AS_OF_AHEAD).isoformat()), locale=locale)


_NUMBER_RUN = re.compile(r"\+?\d[\d \-()]*\d|\d")


def _mask_digits(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    if len(digits) >= 11:  # a mobile or a landline with its area code; a country code in front is dropped
        digits = digits[-11:]
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 8:
        return f"****{digits[-4:]}"
    return "*" * len(digits)


def mask_phone(text: object) -> object:
    """Mask every number in a personal value: 13812345678 -> 138****5678; short numbers become stars.

    Missing values stay missing, so that empty cells still read as empty.
    """
    if text is None or (isinstance(text, float) and text != text) or text is pd.NA:
        return text
    return _NUMBER_RUN.sub(_mask_digits, str(text))


def mask_personal(tables: dict[str, pd.DataFrame]) -> None:
    """Mask every personal column of every table in place, before any page or CSV can show it."""
    for name, frame in tables.items():
        dataset = DATASETS.get(name)
        if dataset is None:
            continue
        for column in dataset.columns:
            if column.personal and column.name in frame.columns:
                frame[column.name] = frame[column.name].map(mask_phone, na_action="ignore")


# A mainland mobile number as people type it: 13812345678, 138 1234 5678, +86 138-1234-5678.
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[ \-]?)?1[3-9]\d(?:[ \-]?\d){8}(?!\d)")


def mask_mobiles(value: Any) -> Any:
    """Mask the mobile numbers in a text (as mask_phone does: 138****5678); other values are returned as given,
    and strings, lists and dicts inside lists and dicts are masked too (front matter)."""
    if isinstance(value, str):
        return _MOBILE.sub(_mask_digits, value) if any(c.isdigit() for c in value) else value
    if isinstance(value, list):
        return [mask_mobiles(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_mobiles(v) for k, v in value.items()}
    return value


def mask_all_text(tables: dict[str, pd.DataFrame], documents: dict[str, list[Document]]) \
        -> dict[str, list[Document]]:
    """In a mask_phone build, mask the mobile numbers typed into any text: every text column of every table (in
    place) and every document's front matter and body (new documents: the parsed ones may be kept between
    builds). A number in a note is as personal as one in the phone column."""
    for frame in tables.values():
        for column in frame.columns:
            if frame[column].dtype == object:
                frame[column] = frame[column].map(mask_mobiles, na_action="ignore")
    return {name: [dataclasses.replace(doc, meta=mask_mobiles(doc.meta), html=mask_mobiles(doc.html),
                                       source=mask_mobiles(doc.source)) for doc in docs]
            for name, docs in documents.items()}


# The longest text a cell or a front-matter field may hold. A longer value (a paste gone wrong, a hostile file)
# is cut with a warning: a million-character name would stall chart layout and bloat every page that shows it.
MAX_TEXT = 2000


def _cut(value: str) -> str:
    return value[:MAX_TEXT] + "…"


def limit_table_text(tables: dict[str, pd.DataFrame], sources: dict[str, Source]) -> list[Problem]:
    """Cut every text value longer than MAX_TEXT characters in the tables, in place; a warning names each one."""
    problems: list[Problem] = []
    for name, frame in tables.items():
        dataset, source = DATASETS.get(name), sources.get(name)
        if dataset is None or frame.empty:
            continue
        for column in dataset.columns:
            if column.type != "text" or column.name not in frame.columns:
                continue
            values = frame[column.name]
            # Distinct values first: a large column has few distinct values, and none is long.
            if not any(isinstance(v, str) and len(v) > MAX_TEXT for v in values.unique()):
                continue
            long = values.map(lambda v: isinstance(v, str) and len(v) > MAX_TEXT).astype(bool)
            header = source.headers.get(column.name, column.name) if source else column.name
            found = []
            for index in frame.index[long.to_numpy()]:
                row = cast(int, frame.at[index, ROW]) if ROW in frame.columns else None  # ROW holds ints
                found.append(explained(source.file if source else name, None if row is None else int(row), header,
                                       say("problem.data.too_long", length=f"{len(values[index]):,}",
                                           limit=f"{MAX_TEXT:,}"), "warning"))
            problems.extend(place_in_table(found, source, frame))
            frame.loc[long, column.name] = values[long].map(_cut)
    return problems


def limit_document_text(documents: dict[str, list[Document]]) -> list[Problem]:
    """Cut every front-matter text longer than MAX_TEXT characters, in place; a warning names each one."""
    problems: list[Problem] = []
    for docs in documents.values():
        for doc in docs:
            for key, value in doc.meta.items():
                if isinstance(value, str) and len(value) > MAX_TEXT:
                    problems.append(explained(doc.file, None, key, say("problem.data.too_long",
                                                                       length=f"{len(value):,}",
                                                                       limit=f"{MAX_TEXT:,}"), "warning"))
                    doc.meta[key] = _cut(value)
    return problems


def _copy(loaded: Loaded) -> Loaded:
    return Loaded({k: copied(v) for k, v in loaded.tables.items()},
                  {k: copy.copy(v) for k, v in loaded.sources.items()},
                  list(loaded.problems), list(loaded.missing))


def _declared(tables: dict[str, pd.DataFrame], key: str, derived: Derived) -> None:
    """Tell the metrics that these tables hold the data of `key`: what they derived from an earlier copy holds."""
    for name, frame in tables.items():
        derived.same_content(frame, f"{key}:{name}")


def _data_key(root: Path, config: dict[str, Any], known: KnownFiles, fetched: dict[str, Fetched]) -> str:
    """What decides the checked tables: the program, the data settings and each data file's bytes (each query's
    result for a dataset read from a database)."""
    files = [locate(root, name, config["data"].get(name, {})) for name in DATASETS]
    return digest("data", code_version(), canonical(config["data"]),
                  canonical([[str(p), known.sha256(p)] if p is not None and p.is_file() else None for p in files]),
                  canonical({name: result.sha256 for name, result in sorted(fetched.items())}))


def fetch_queries(config: dict[str, Any], problems: list[Problem], environ: Mapping[str, str]) -> dict[str, Fetched]:
    """Run the query of every dataset read from a database (inputs/database.py), but of those whose settings are
    already in error (`problems`: the configuration's)."""
    wrong = {p.column.split(".")[1] for p in problems if p.column and p.column.startswith("data.")}
    return {name: fetch(Query.from_options(name, options), environ)
            for name, options in config["data"].items() if from_database(options) and name not in wrong}


# The tables as the last build checked them (references, long text), kept in the site's cache under the data
# key: a build after a Markdown edit reads them back instead of checking every row again.
CHECKED = "checked"


def load_data(root: Path, config: dict[str, Any], cache: bool, state: BuildState | None = None,
              fetched: dict[str, Fetched] | None = None) -> tuple[Loaded, list[Problem], str]:
    """Load the datasets, long text cut. With `cache`, the tables as the last build checked them when no data
    file, query result or data setting changed (see CHECKED); when the state keeps its tables (the dev server),
    the last build's tables themselves. The third value is the key of that data ('' when not kept). `fetched`:
    the results of the datasets read from a database (fetch_queries)."""
    state = state if state is not None else BuildState()
    fetched = fetched or {}
    # A query that failed keys nothing (its result has no fingerprint): its problem is this build's, not the one
    # a build that failed otherwise (a wrong password, then a server down) kept under the same key.
    cache = cache and all(result.problem is None for result in fetched.values())
    kept = state.tables
    keep = cache and kept.keep
    key = _data_key(root, config, state.files, fetched) if cache else ""
    if keep and kept.checked is not None and kept.checked[0] == key:
        _, loaded, problems = kept.checked
        return _copy(loaded), list(problems), key
    store = Store(root if cache else None, CHECKED, state.saves)
    found = store.load_frames(key) if cache else None
    if found is not None:
        tables, (sources, found_problems, missing, problems) = found
        loaded = Loaded(tables, sources, found_problems, missing)
    else:
        loaded = load_datasets(root, config, cache, kept, state.files, state.saves, fetched)
        problems = limit_table_text(loaded.tables, loaded.sources)
        if cache and store.save_frames(key, loaded.tables, (loaded.sources, loaded.problems, loaded.missing,
                                                            problems)):
            store.prune([key])
    if keep:
        kept.checked = (key, _copy(loaded), problems)
    return loaded, problems, key if keep else ""


def check_document_units(documents: dict[str, list[Document]], tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """A warning for each unit id a document's `units` names that the units table does not have (the document
    then reaches no one through it)."""
    units = tables.get("units")
    known = {str(u) for u in units["id"]} if units is not None else set()
    return [explained(doc.file, None, "units", say("problem.doc.unknown_unit", unit=unit), "warning")
            for docs in documents.values() for doc in docs for unit in units_of(doc) if unit not in known]


def scoped(profile: str, unit_ids: list[str], totals_above: bool, others: str, tables: dict[str, pd.DataFrame],
           sources: dict[str, Source], documents: dict[str, list[Document]], problems: list[Problem], locale: str = "en"
           ) -> tuple[dict[str, pd.DataFrame], dict[str, list[Document]], list[Problem], frozenset[str]]:
    """A profile's scope (`units`): the rows and documents of its subtrees only (with `totals_above`, the units
    above with their totals, the sales outside carried by stand-ins named `others`), outside names blanked in the
    text left, and the problems of the rows kept; also the files left out (build.json does not name them)."""
    units = tables.get("units", pd.DataFrame(columns=["id", "parent"]))
    known = {str(u) for u in units["id"]}
    unknown = [u for u in unit_ids if u not in known]
    if unknown:
        raise TrackboardError(say("cli.scope_unit", hint(unknown[0], sorted(known)), profile=profile, unit=unknown[0]),
                              locale=locale)
    tree = unit_tree(units)
    scope = scope_of(tables, unit_ids, tree, totals_above)
    redactor = Redactor(tables, scope, tree)
    kept = {name: redactor.frame(frame) for name, frame in scope_tables(tables, scope, tree, others).items()}
    documents, dropped = scope_documents(documents, tables, scope, tree, redactor)
    rows = {sources[name].file: set(frame[ROW]) for name, frame in kept.items()
            if name in sources and ROW in frame.columns}
    # The message as redacted is final (text=None): localizing it again would bring back the names.
    left = [dataclasses.replace(p, message=redactor.text(p.message), text=None) for p in problems
            if p.file not in dropped and (p.file not in rows or p.row is None or p.row <= 1 or p.row in rows[p.file])]
    return kept, documents, left, frozenset(dropped)


def unpublished(documents: dict[str, list[Document]], as_of: dt.date) -> frozenset[str]:
    """The files of the notices not published at `as_of` (dated after it)."""
    return frozenset(d.file for d in documents.get("notices", [])
                     if isinstance(d.meta.get("date"), dt.date) and d.meta["date"] > as_of)


def site_locale(root: Path) -> str:
    """The language of the site at `root` (the default one when it has no folder or no usable site.toml): for the
    command's own messages before the site is loaded."""
    config = load_config(root)[0] if root.is_dir() else default_config()
    return str(config["site"]["locale"])


def _summed_by_database(config: dict[str, Any], fetched: dict[str, Fetched], loaded: Loaded, derived: Derived
                        ) -> list[Problem]:
    """Have the database of sales read from one sum them per person and day (engine.py), where the data lives:
    the KPIs then take the server's sums (see engine.checked_server_sums for when), else DuckDB's."""
    result, source = fetched.get("sales"), loaded.sources.get("sales")
    if result is None or result.problem is not None or source is None or source.failed:
        return []
    sales = loaded.tables["sales"]
    summed, problem = engine.checked_server_sums(result.query, source.headers, os.environ, sales, source.rows_read)
    if summed is not None:
        derived.memo(engine.PERSON_DAYS).get((sales,), lambda: summed)
    return [problem] if problem is not None else []


def load_site(root: Path, today: dt.date, as_of: dt.date | None = None, profile: str | None = None,
              cache: bool = False, state: BuildState | None = None, fetched: dict[str, Fetched] | None = None
              ) -> Site:
    """Read and check every input of the site at `root`.

    `today` comes from the caller (the clock is read at the edge), and is used only when neither
    `as_of` nor any sales data gives the date the site is built for. With `cache`, parsed data files and
    Markdown documents are kept in the site's .trackboard-cache/ and reused while their bytes are unchanged.
    `state` holds what earlier builds of this process kept (see BuildState); a fresh one when not given.
    `fetched`: the results of the databases' queries when the caller ran them already (the build's probe), so
    that each query runs once a build.
    """
    state = state if state is not None else BuildState()
    if not root.is_dir():  # no site.toml to read its language from: the default one's
        raise TrackboardError(say("cli.no_site", site=root), locale=site_locale(root))
    config, problems = load_config(root)
    locale = str(config["site"]["locale"])
    if as_of is not None:
        check_as_of(as_of, today, locale)
    profile_settings = resolve_profile(config, profile)
    # Markdown first: its worker processes are forked before the data readers start any threads, and parse
    # while the data files are read.
    parser = DocumentParser(root, cache, state.files)
    parser.start()
    try:
        # The databases' queries (the network, at the edge) while the workers parse: the data key and the
        # fingerprints take their results' digests.
        if fetched is None:
            fetched = fetch_queries(config, problems, os.environ)
        loaded, data_limits, data_key = load_data(root, config, cache, state, fetched)
        parser.collect()
    finally:
        parser.close()
    documents, content_problems = load_collections(root, parser, parser.text)
    if cache:
        parser.save()
    problems = problems + loaded.problems + content_problems + check_collections(documents)
    documents["campaigns"], campaign_problems = check_campaigns(documents["campaigns"], loaded.tables["units"])
    problems += campaign_problems
    loaded.tables["targets"], target_problems = check_targets(loaded.tables["targets"], loaded.sources.get("targets"))
    problems += target_problems
    if config["rules"]["target_rollup"]:
        loaded.tables["targets"] = roll_up_targets(loaded.tables["targets"], loaded.tables["units"])
    problems += data_limits + limit_document_text(documents)
    # Rows dated after today are errors; a report built for a later day (--as-of) takes rows up to that day.
    cutoff = cutoff_day(today, as_of)
    dated = check_past_dates(loaded.tables, loaded.sources, cutoff)
    problems += dated
    if dated and data_key:
        data_key += f":{today.isoformat()}"  # which rows are left depends on the day too
    problems += check_document_units(documents, loaded.tables)
    as_of = as_of or default_as_of(loaded.tables, today)  # the whole site's, whatever the scope
    # An editor reads the problems in the site's language; before a scope redacts their text.
    problems = [problem.localized(locale) for problem in problems]
    hidden: frozenset[str] = frozenset()
    if profile_settings.get("units"):
        # At the source, as masking: whatever page, CSV, index or poster is made shows the scope only.
        others = translator(locale)("scope.others")
        tables, documents, problems, hidden = scoped(profile or "", profile_settings["units"],
                                                     bool(profile_settings.get("totals_above")), others,
                                                     loaded.tables, loaded.sources, documents, problems, locale)
        loaded = dataclasses.replace(loaded, tables=tables)
        if data_key:
            data_key += ":units=" + ",".join(profile_settings["units"]) + f":{profile_settings.get('totals_above')}"
    if profile_settings.get("mask_phone"):
        # At the source: whatever page, CSV or index shows a personal column shows it masked.
        mask_personal(loaded.tables)
        documents = mask_all_text(loaded.tables, documents)
    if data_key:
        _declared(loaded.tables, f"{data_key}:{bool(profile_settings.get('mask_phone'))}", state.derived)
    problems += [p.localized(locale) for p in _summed_by_database(config, fetched, loaded, state.derived)]
    inputs, unfollowed = input_files(root, config)
    problems += [p.localized(locale) for p in unfollowed + override_problems(site_overrides(root, inputs))]
    return Site(
        root=root,
        config=config,
        tables=Tables(loaded.tables, state.derived),
        sources=loaded.sources,
        documents=documents,
        problems=problems,
        missing=loaded.missing,
        as_of=as_of,
        fingerprints=input_fingerprints(root, inputs, fetched, state.files),
        profile_name=profile,
        profile=profile_settings,
        unlisted=unpublished(documents, as_of) | hidden,
        cutoff=cutoff if dated else None,
    )
