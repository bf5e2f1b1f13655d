"""`trackboard build`: validate, compute, render and publish the site in one atomic swap."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import TemplateError
from markupsafe import Markup

from .. import branding
from ..cache import cache_root, canonical, code_version, digest
from ..charts import Chart, engine_id, render_svgs
from ..config import load_config
from ..drawing import ChartDrawer
from ..errors import Problem, SortsProblems, TrackboardError, say
from ..fonts import subset_woff2
from ..incremental import OutputCache, last_standing
from ..inputs.database import Fetched
from ..metrics.freshness import next_change
from ..metrics.memo import Tables
from ..model import (
    Site,
    check_as_of,
    cutoff_day,
    fetch_queries,
    input_files,
    input_fingerprints,
    load_site,
    site_locale,
)
from ..output import Output, Spool
from ..pages import SitePlan, plan_site
from ..pages.context import pacing_of
from ..parallel import forked_map, give_back_freed_memory, settle, settled
from ..pdfs import PdfJob, make_pdfs
from ..progress import Progress
from ..render import Page, Renderer, pickled
from ..search import INDEX_DIR, MARKER, NEXT_INDEX_DIR, IndexJob, glob_matcher, index_site, search_glob
from ..state import BuildState
from ..writer import (
    OUTPUT_MARKER,
    check_target,
    marker,
    output_folder,
    output_lock,
    publish,
    publish_in_place,
    replace_folder,
)

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class BuildSummary(SortsProblems):
    """What a build tells its user besides its files: the problems found (printed, and judged by --strict), the
    date and profile built for, the datasets not given and the data rows skipped."""

    locale: str
    problems: list[Problem]
    as_of: dt.date
    profile_name: str | None
    missing: list[str]
    skipped: int

    @classmethod
    def of(cls, site: Site) -> BuildSummary:
        return cls(site.locale, site.problems, site.as_of, site.profile_name, site.missing,
                   sum(len(rows) for rows in site.skipped_rows().values()))


@dataclass
class BuildResult:
    # The site as loaded; None when the build was unchanged and published again without reading its inputs.
    site: Site | None
    out: Path
    pages: int
    files: int
    build_id: str
    summary: BuildSummary
    # With in_place: what is left to do once the pages show (the search index, the record of what was
    # published), or None.
    finish: Callable[[], None] | None = None


def generator_version() -> str:
    try:
        return version("trackboard")
    except PackageNotFoundError:
        return "0+unknown"


def fatal_check(summary: BuildSummary, strict: bool) -> None:
    """Stop before anything is written when the inputs cannot make a trustworthy site."""
    fatal = [p for p in summary.problems if p.fatal]
    if fatal:
        files = len({p.file for p in fatal})
        raise TrackboardError(say("cli.build_fatal", files=files), problems=fatal, locale=summary.locale)
    if strict and summary.errors:
        raise TrackboardError(say("cli.build_strict", errors=len(summary.errors)), problems=summary.errors,
                              locale=summary.locale)


def chart_hint(site: Site) -> str:
    """The names of units and people: what charts draw besides their fixed words and numbers."""
    return "".join("".join(map(str, table["name"].dropna().unique()))
                   for table in (site.tables.get("units"), site.tables.get("people"))
                   if table is not None and "name" in table)


def chart_cache(site: Site) -> Path:
    """Rendered charts are cached by content with the site's cache, so an unchanged chart is never redrawn."""
    return cache_root(site.root) / "charts"


def drawn_before(cache_dir: Path) -> bool:
    """Whether the chart cache holds a chart: when not, every chart of this build is to be drawn."""
    try:
        with os.scandir(cache_dir) as entries:
            return any(entry.name.endswith(".svg") for entry in entries)
    except OSError:
        return False


def expected_charts(site: Site) -> int:
    """About how many charts a build draws: a trend for each unit, and for each person when their pages are made."""
    count = len(site.tables["units"]) if "units" in site.tables else 0
    if "people" in site.tables and not site.excluded("people"):
        count += len(site.tables["people"])
    return count


# Below this many pages to render, forking worker processes costs more than it saves.
POOL_MIN_PAGES = 64


class ChartsNotReady(Exception):
    """Raised by inline_svg while the charts are still being drawn: the page is rendered after them."""


@dataclass(frozen=True)
class Failed:
    """A page whose template failed, with the error's place and message."""

    message: str


class Waiting:
    """A page that shows charts inline while they are still being drawn: it is rendered after them."""


WAITING = Waiting()

# What making a page yields: its file (rendered now, or the previous build's), a template failure, or WAITING.
PageResult = Output | Failed | Waiting

# What a page worker sends back: the page's bytes, a template error's message (Jinja's exceptions do not always
# survive pickling), or None when it rendered nothing (see make_pages). Built-in values only: they pickle
# without a call into Python per page. Received, the bytes go to the build's spool (Kept: an Output).
Sent = bytes | str | None
Kept = Output | str | None


def _render_one(renderer: Renderer, page: Page) -> Sent:
    """Render a page where it is asked for (in a worker): its bytes, an error's message, or None while the
    charts it shows inline are drawn."""
    try:
        return renderer.render(page).data
    except ChartsNotReady:
        return None
    except TemplateError as exc:
        return template_problem(exc)


def page_result(page: Page, sent: Sent | Kept) -> PageResult:
    """What a worker sent for a page (see _render_one), as the build handles it."""
    if isinstance(sent, Output):
        return sent
    if isinstance(sent, bytes):
        return Output(page.path, sent)
    return WAITING if sent is None else Failed(sent)


def keep_result(done: dict[int, Output], index: int, result: PageResult) -> None:
    """Note a page's file in `done`; stop the build on a template failure; a waiting page has no file yet."""
    if isinstance(result, Output):
        done[index] = result
    elif isinstance(result, Failed):
        raise TrackboardError(say("cli.template_failed", reason=result.message))


def render_pages(renderer: Renderer, pages: list[Page], progress: Progress) -> list[PageResult]:
    """Render pages in order, over every core when there are enough of them (forked workers inherit the pages
    and the template environment; only indices and bytes travel)."""
    sent = forked_map(lambda i: _render_one(renderer, pages[i]), range(len(pages)), min_items=POOL_MIN_PAGES,
                      done=progress.advance)
    return [page_result(page, item) for page, item in zip(pages, sent, strict=True)]


def make_pages(renderer: Renderer, pages: list[Page], base: str, previous: OutputCache, progress: Progress,
               spool: Spool) -> tuple[list[str], dict[int, Output]]:
    """Return each page's key, and the files of those made now or taken from the previous build (by index; a page
    that shows charts inline while they are drawn has none yet). A page's key (a digest of its pickled context) is
    made where it is rendered, over every core. Each page's bytes go to `spool` as they arrive."""

    def make(index: int) -> tuple[str, Sent | Kept]:
        page = pages[index]
        key = page_key(base, page)
        if previous.made_from(page.path, key):
            return key, None  # taken: its file is looked at below, once, where the answer is kept
        return key, _render_one(renderer, page)

    def keep(index: int, made: tuple[str, Sent | Kept]) -> tuple[str, Sent | Kept]:
        key, item = made
        return key, spool.put(pages[index].path, item) if isinstance(item, bytes) else item

    sent = forked_map(make, range(len(pages)), min_items=POOL_MIN_PAGES, done=progress.advance, keep=keep)
    done: dict[int, Output] = {}
    for i, (page, (key, item)) in enumerate(zip(pages, sent, strict=True)):
        result = page_result(page, item)
        if result is WAITING and previous.made_from(page.path, key):
            # The previous file, or the page made now if that file changed meanwhile.
            result = previous.get(page.path, key) or page_result(page, _render_one(renderer, page))
        keep_result(done, i, result)
    return [key for key, _ in sent], done


def render_base(site: Site, globals_: dict[str, Any]) -> str:
    """What every page's rendering depends on besides its own context: the code and package theme, the site's
    theme overrides, the locale and the globals every template sees."""
    theme = {k: v for k, v in site.fingerprints.items() if k.startswith("theme/")}
    return digest("page", code_version(), site.locale, canonical(theme), canonical(globals_))


def page_key(base: str, page: Page) -> str:
    """Return the key of a page's bytes: a digest of its pickled context (held by a planned page, see Page.pack)
    and of the values it shares with other pages, or '' when they cannot be pickled (the page is then always
    rendered)."""
    context = page.packed
    shared = page.shared.digest() if page.shared is not None else "-"
    if context is None or not shared:
        return ""
    head = pickled((page.path, page.template, page.title, page.section))
    assert head is not None  # texts
    return digest(base, head, shared, context)


def template_globals(site: Site, plan: SitePlan) -> dict[str, Any]:
    """What every template sees besides its page's own context."""
    return {"site": site.config["site"], "as_of": site.as_of, "nav": plan.nav, "profile": site.profile_name,
            "branding": branding.from_config(site.config["branding"]),
            "pacing": pacing_of(site)}


def sections_base(site: Site) -> str:
    """What every section depends on besides the data and the documents it reads: the program, the
    configuration, the as-of date, the profile and the day rows were cut at (when that dropped some)."""
    return digest("sections", code_version(), canonical(site.config), site.as_of.isoformat(),
                  canonical(site.profile_name), canonical(site.profile), canonical(site.cutoff))


def plan_with_reuse(site: Site, previous: OutputCache, on_charts: Callable[[list[Chart]], None] | None = None,
                    spool: Spool | None = None) -> tuple[SitePlan, list[Output]]:
    """Plan the site, taking unchanged sections from the previous build; return the plan and the files of
    the sections taken (hard-linked from the previous output). `on_charts` is told each section's charts; the
    sections' files go to `spool` as each section is made."""
    base = sections_base(site)
    records = previous.sections() if previous.enabled else {}
    on_files = spool.keep if spool is not None else None
    if records:
        plan = plan_site(site, records, base, on_charts, on_files)
        reused: list[Output] = []
        for record in plan.reused:
            files = previous.section_files(record)
            if files is None:
                break
            reused.extend(files)
        else:
            # Every page shows the navigation: when a section appeared or went, nothing can be taken.
            if plan.nav == previous.nav:
                return plan, reused
    return plan_site(site, {}, base, on_charts, on_files), []


def let_go_of_tables(site: Site) -> None:
    """Drop the site's tables and what the metrics derived from them, the sections computed: rendering, PDFs,
    search and writing read the planned pages only. On a 50,000-person site the tables are gigabytes, which the
    render and PDF workers forked later would otherwise hold with the build. (Tables hold no reference cycles:
    they are freed here, though settle froze them out of the collector's sight.)"""
    if isinstance(site.tables, Tables):
        site.tables.let_go()
    else:
        site.tables.clear()


def render_site(site: Site, previous: OutputCache | None = None, progress: Progress | None = None,
                keep_tables: bool = True) -> list[Output]:
    """Return every file of the site but build.json, in a stable order.

    Sections whose inputs are unchanged, and pages whose key matches, are taken from the previous build into the
    same output folder, not made again. Without `keep_tables`, the site's tables are dropped once the sections
    are computed (see let_go_of_tables).
    """
    progress = progress or Progress()
    previous = previous or OutputCache(site.root, None, enabled=False)
    # The files made (pages, charts, downloads, posters) wait for the writer in a temporary file, not in memory.
    spool = Spool()
    # Each section's charts are drawn in the background from when the section is made, on the core the
    # sections computed one after the other leave free, and the rest while the pages render.
    colour = branding.from_config(site.config["branding"]).chart
    drawer = ChartDrawer(site.locale, chart_cache(site), hint=chart_hint(site), colour=colour)
    if not drawn_before(chart_cache(site)):
        drawer.warm_up(expected_charts(site))
    try:
        with progress.stage("compute"):
            plan, reused = plan_with_reuse(site, previous, drawer.submit, spool)
            if not keep_tables:
                let_go_of_tables(site)
            settle()  # the plan lives until the pages are rendered
            give_back_freed_memory()  # what computing freed: not carried, nor shared, by the render workers
            if plan.reused:
                names = ", ".join(sorted({r.name for r in plan.reused if r.name}))
                progress.note("compute", f"unchanged, taken from the previous build: {names}")
        drawer.flush()
        previous.record_plan(plan.nav, plan.records)
        globals_ = template_globals(site, plan)
        renderer = Renderer(site.root, site.locale, globals_)
        base = render_base(site, globals_)
        # Pages that show a chart's SVG inline (the screens, so that Chinese labels use the site's own web font)
        # need the charts. With charts drawing in the background they wait, and every other page is rendered
        # meanwhile; with none (all cached, or a few drawn here) the charts come first.
        svg_by_path: dict[str, Output] | None = None  # None until the charts are drawn

        def inline_svg(path: str) -> Markup:
            if svg_by_path is None:
                raise ChartsNotReady(path)
            svg = svg_by_path.get(path)
            return Markup(svg.data.decode("utf-8") if svg is not None else "")

        renderer.env.globals["inline_svg"] = inline_svg
        done: dict[int, Output] = {}

        def draw_charts(waiting: list[int]) -> None:
            nonlocal svg_by_path
            with progress.stage("charts", total=len(plan.charts)):
                early = drawer.finish()
                notes = [f"{early} drawn in the background"] if early else []
                if drawer.failed:
                    notes.append("a chart worker failed, the build drew the rest")
                svgs = render_svgs([item.chart for item in plan.charts], site.locale, cache_dir=chart_cache(site),
                                   known=drawer.known, colour=colour)
                progress.advance(len(svgs))
                svg_by_path = {item.path: spool.put(item.path, svg.encode("utf-8"))
                               for item, svg in zip(plan.charts, svgs, strict=True)}
                del svgs[:]  # the drawings are in the spool now
                if waiting:
                    notes.append(f"{len(waiting)} page{'s' if len(waiting) > 1 else ''} showing them inline "
                                 "rendered with them")
                    shown = render_pages(renderer, [plan.pages[i] for i in waiting], Progress())
                    for i, result in zip(waiting, shown, strict=True):
                        keep_result(done, i, result)  # never waiting now: inline_svg has the charts
                if notes:
                    progress.note("charts", "; ".join(notes))

        if not drawer.drawing:
            draw_charts([])
        with progress.stage("render", total=len(plan.pages)):
            keys, made = make_pages(renderer, plan.pages, base, previous, progress, spool)
            done.update(made)
            rendered = len(plan.pages) - sum(1 for o in made.values() if o.source is not None)
            progress.note("render", f"{rendered} of {len(plan.pages)} pages rendered, the rest unchanged")
        if svg_by_path is None:
            draw_charts([i for i in range(len(plan.pages)) if i not in done])
    finally:
        drawer.cancel()
    outputs = [done[i] for i in range(len(plan.pages))]
    previous.keys.update({page.path: key for page, key in zip(plan.pages, keys, strict=True) if key})
    outputs.extend(plan.files)
    assert svg_by_path is not None  # drawn before the pages that wait for them, or after
    outputs.extend(svg_by_path.values())
    outputs.extend(reused)
    outputs.sort(key=lambda o: o.path)  # the same order whichever sections were reused
    with progress.stage("assets"):
        outputs.extend(renderer.static_files(globals_["branding"], site.config["branding"]["logo"]))
        screen_text = "".join(o.data.decode("utf-8") for o in outputs if o.path.startswith("screen/")
                              and o.path.endswith(".html"))
        if screen_text:
            font = subset_woff2(visible_text(screen_text), cache_dir=cache_root(site.root) / "fonts")
            if font is not None:
                outputs.append(Output("static/fonts/cjk.woff2", font))
    jobs = [PdfJob(page.pdf, page.path, done[i].data) for i, page in enumerate(plan.pages) if page.pdf]
    # The planned pages and charts are done with: freed and given back before the PDF workers fork, which
    # would otherwise carry them while each holds a document of its own.
    plan.pages.clear()
    plan.charts.clear()
    done.clear()
    give_back_freed_memory()
    outputs.extend(print_pdfs(site, jobs, outputs, progress, previous.enabled))
    return outputs


def print_pdfs(site: Site, jobs: list[PdfJob], outputs: list[Output], progress: Progress, cache: bool
               ) -> list[Output]:
    """The PDFs the pages ask for (`jobs`, from Page.pdf), printed from their rendered HTML with the theme's
    stylesheets in `outputs`; with `cache`, unchanged ones are taken from the site's cache."""
    if not jobs:
        return []
    static = {o.path.removeprefix("static/"): o.data for o in outputs if o.path.startswith("static/")}
    with progress.stage("pdfs", total=len(jobs)):
        pdfs, printed = make_pdfs(jobs, static, site.root, site.config["site"]["base_url"], site.as_of,
                                  progress.advance, cache)
        progress.note("pdfs", f"{printed} of {len(jobs)} printed, the rest unchanged")
    return pdfs


def visible_text(html: str) -> str:
    """The characters a page can show: its text without tags."""
    return re.sub(r"<[^>]*>", "", html)


def template_problem(exc: TemplateError) -> str:
    """Name the template and line of a theme error (Jinja puts template frames in the traceback)."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            name, line = filename, tb.tb_lineno
        tb = tb.tb_next
    place = f"{name}:{line}" if name and line else str(name or "a template")
    return f"{place}: {type(exc).__name__}: {exc.message or exc}"


def info_file(facts: dict[str, Any], built_at: dt.datetime, timezone: str) -> Output:
    """build.json: a build's facts (build_facts) and its build time in the site's time zone."""
    info = {**facts, "built_at": built_at.astimezone(ZoneInfo(timezone)).isoformat(timespec="seconds")}
    return Output("build.json", (json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode())


def build_facts(site: Site, outputs: list[Output], shas: dict[str, str] | None = None) -> dict[str, Any]:
    """What build.json says but the build time: the build id (a digest of every file), the as-of date, the
    fingerprint of every input, the counts of pages and problems. The same for every build of the same inputs."""
    shas = shas or {o.path: hashlib.sha256(o.data).hexdigest() for o in outputs}
    digest_ = hashlib.sha256()
    for item in sorted(outputs, key=lambda o: o.path):
        digest_.update(item.path.encode() + b"\0" + bytes.fromhex(shas[item.path]))
    skipped = sum(len(rows) for rows in site.skipped_rows().values())
    change = next_change(site.documents, site.as_of)
    return {
        "build_id": digest_.hexdigest()[:16],
        "as_of": site.as_of.isoformat(),
        "profile": site.profile_name,
        "generator": {"name": "trackboard", "version": generator_version()},
        "inputs": {k: v for k, v in site.fingerprints.items() if k not in site.unlisted},
        "pages": sum(1 for o in outputs if o.path.endswith(".html")),
        "files": len(outputs) + 1,
        "problems": {"errors": len(site.errors), "warnings": len(site.warnings), "skipped_rows": skipped},
        # the next date a page would change with no new input (a notice published or expiring…), for schedulers
        "next_change": change.date.isoformat() if change else None,
    }


def key_parts(fingerprints: dict[str, str], profile_name: str | None) -> tuple[str, ...]:
    """What decides every byte of the output but the as-of date and the build time: the program (the chart
    engine and font included), the inputs (files and query results) and the profile. A new part goes here, so
    that both build_key and probe_key take it."""
    return code_version(), engine_id(), canonical(fingerprints), canonical(profile_name)


def build_key(site: Site) -> str:
    """What decides every byte of the output but the build time: key_parts, the as-of date and the day rows
    were cut at (when that dropped some: their problems name it)."""
    return digest("build", *key_parts(site.fingerprints, site.profile_name), site.as_of.isoformat(),
                  canonical(site.cutoff))


def probe_key(fingerprints: dict[str, str], profile_name: str | None, as_of: dt.date | None, today: dt.date
              ) -> str:
    """What decides build_key and the problems found, known before any table is read: key_parts, the as-of date
    asked for (not given, the sales data up to today decide it) and the last day a row may be dated (cutoff_day:
    later rows are errors, dropped; Site.cutoff). So equal probes give equal build keys and problems."""
    return digest("probe", *key_parts(fingerprints, profile_name), as_of.isoformat() if as_of else "",
                  cutoff_day(today, as_of).isoformat())


@dataclass
class Probe:
    """A build's probe key, with what finding it read: the configuration and the databases' query results (for
    the rest of the build, so that each query runs once)."""

    key: str
    config: dict[str, Any]
    fetched: dict[str, Fetched]


def take_probe(site_dir: Path, as_of: dt.date | None, profile: str | None, today: dt.date, state: BuildState
               ) -> Probe:
    """Read what probe_key needs: site.toml, every input file's digest (kept in `state` for the loading) and
    the queries' results; no table."""
    config, problems = load_config(site_dir)
    if as_of is not None:
        check_as_of(as_of, today, str(config["site"]["locale"]))  # refused as load_site refuses it
    fetched = fetch_queries(config, problems, os.environ)
    inputs, _ = input_files(site_dir, config)
    fingerprints = input_fingerprints(site_dir, inputs, fetched, state.files)
    return Probe(probe_key(fingerprints, profile, as_of, today), config, fetched)


@dataclass(frozen=True)
class Shortcut:
    """What publishing a build again needs besides its files, kept with the record of the output folder: the
    probe key it was built under, build.json but the build time, what the command printed, and whether it has
    a search index."""

    probe: str
    facts: dict[str, Any]
    summary: BuildSummary
    searched: bool


def is_marked(output: Output, sha: str, previous: OutputCache) -> bool:
    """Whether a page has parts for the search index; for a page with the previous build's bytes, not read
    again: the previous build noted it."""
    if not output.loaded:
        before = previous.indexed_before(output.path, sha)
        if before is not None:
            return before
    return MARKER in output.data


@dataclass
class SearchIndex:
    """The search index of a build: `finish(folder)` puts it into the staged (or, in place, the published) site;
    `cancel()` stops what was started when the site is not published. `first` names the staged files Pagefind
    reads, to be staged before the others; `start(staging)` starts it on them. `kept`: the previous index's
    files, published again as they are."""

    finish: Callable[[Path], None]
    cancel: Callable[[], None]
    first: Callable[[str], bool] | None = None
    start: Callable[[Path], None] | None = None
    kept: list[Output] = field(default_factory=list)


def search_index(progress: Progress, outputs: list[Output], shas: dict[str, str], previous: OutputCache,
                 in_place: bool = False) -> SearchIndex:
    """Build the search index of the pages, to go into the staged site so that the swap publishes pages and
    index together. When the pages it reads are the previous build's, the previous index is published again (or,
    `in_place`, left where it is). Otherwise Pagefind starts as soon as the pages it reads are staged, and runs
    while the rest of the site is staged."""
    marked = [o for o in outputs if o.path.endswith(".html") and is_marked(o, shas[o.path], previous)]
    previous.indexed = {o.path for o in marked}
    glob = search_glob((o.path, MARKER) for o in marked)  # marked already: their bytes need not be read
    key = digest("search", code_version(), glob, canonical(sorted((o.path, shas[o.path]) for o in marked)))
    reused = previous.search_index(key)
    kept = [Output(path, source=file) for path, file in reused] if reused is not None and not in_place else []
    # With no page marked Pagefind indexes every page (see search_glob): then it reads the staged site when done.
    job = IndexJob(glob) if reused is None and not in_place and marked else None

    def finish(staging: Path) -> None:
        with progress.stage("search"):
            if reused is not None and in_place:
                progress.note("search", "pages unchanged: the index in place is kept")
                return
            if reused is not None:
                progress.note("search", "pages unchanged: the previous index is published again")
                return
            if job is not None:
                warning = job.finish(staging)
            elif in_place:  # indexed beside the old index, then swapped in: search keeps working meanwhile
                warning = index_site(staging, glob, NEXT_INDEX_DIR)
                if not warning:
                    replace_folder(staging / NEXT_INDEX_DIR, staging / INDEX_DIR)
            else:
                warning = index_site(staging, glob)
            if warning:
                progress.note("search", warning)
                return
            index = staging / INDEX_DIR
            previous.record_search_index(key, staging, sorted(p.relative_to(staging).as_posix()
                                                              for p in index.rglob("*") if p.is_file()))

    if job is None:
        return SearchIndex(finish, lambda: None, kept=kept)
    return SearchIndex(finish, job.cancel, glob_matcher(glob), job.start)


def build(site_dir: Path, out: Path | None = None, as_of: dt.date | None = None, profile: str | None = None,
          strict: bool = False, clock: Clock = utc_now, cache: bool = True, progress: Progress | None = None,
          in_place: bool = False, state: BuildState | None = None) -> BuildResult:
    """Build the site at `site_dir` into `out` (default: its output/ folder).

    With `cache` (the default), parsed inputs and rendered pages are reused from the site's .trackboard-cache/
    and the previous output where what they are made from is unchanged; the output is the same either way.

    `in_place` (the dev server) writes only the changed files straight into an earlier build's `out`, and
    leaves the search index and the record of what it published to `BuildResult.finish`, so that an edit shows
    as soon as its pages are written.

    `state` holds what earlier builds of this process kept for this one (the dev server keeps one); a fresh
    BuildState when not given.
    """
    state = state if state is not None else BuildState()
    try:
        out = output_folder(out or site_dir / "output")
        check_target(out, site_dir)  # before the lock file is made beside it
        with output_lock(out), settled(), state.saving_in_background():
            return _build(site_dir, out, as_of, profile, strict, clock, cache, progress, in_place, state)
    except TrackboardError as error:  # the output folder's, a theme's: said in the site's language
        raise error.localized(site_locale(site_dir)) from error.__cause__


def _build(site_dir: Path, out: Path | None, as_of: dt.date | None, profile: str | None, strict: bool,
           clock: Clock, cache: bool, progress: Progress | None, in_place: bool, state: BuildState) -> BuildResult:
    progress = progress or Progress()
    now = clock()
    out = output_folder(out or site_dir / "output")
    check_target(out, site_dir)  # before anything is written, the cache included
    with progress.stage("load"):
        # An unchanged build is published again without reading a table when its probe matches the previous
        # build's and the output folder stands as that build left it (read from its Standing alone, not its whole
        # record). Not in place (the dev server), whose record is saved only once the search index is made.
        probe = take_probe(site_dir, as_of, profile, now.date(), state) if cache and not in_place else None
        standing = last_standing(site_dir, out) if probe is not None else None
        shortcut = (standing.shortcut if probe is not None and standing is not None
                    and getattr(standing.shortcut, "probe", None) == probe.key else None)
        if shortcut is not None and standing is not None and standing.stands(out):
            progress.note("load", "inputs unchanged: no table read")
        else:
            shortcut = None
            previous = OutputCache(site_dir, out, enabled=cache)
            site = load_site(site_dir, today=now.date(), as_of=as_of, profile=profile, cache=cache, state=state,
                             fetched=probe.fetched if probe is not None else None)
    if shortcut is not None and probe is not None:
        return republish(shortcut, probe, out, strict, now, progress)
    settle()
    summary = BuildSummary.of(site)
    fatal_check(summary, strict)
    key = build_key(site) if cache else ""
    outputs, unchanged = previous.same_build(key)
    if outputs is None:
        # Compute, plan the pages, render them; a build whose tables no process keeps for the next lets go of them
        # once computed.
        outputs = render_site(site, previous, progress, keep_tables=state.tables.keep)
    elif unchanged:
        progress.note("write", "inputs unchanged: the published pages stay, build.json is written again")
    else:
        progress.note("write", "inputs unchanged: the previous pages are published again")
    return write_site(site, summary, out, outputs, previous, key, now, progress,
                      previous.writes_in_place(in_place, unchanged), unchanged, probe.key if probe is not None else "")


def republish(shortcut: Shortcut, probe: Probe, out: Path, strict: bool, now: dt.datetime, progress: Progress
              ) -> BuildResult:
    """Publish the previous build again, its probe matching this build's (`shortcut`) and its files standing:
    write build.json again in place with the new build time (its record needs no change: build.json's signature
    is not kept), and say what the previous build said (its problems, judged by --strict as they were)."""
    fatal_check(shortcut.summary, strict)
    with progress.stage("write", total=1):
        info = info_file(shortcut.facts, now, probe.config["site"]["timezone"])
        publish_in_place(out, [info], ())
        progress.note("write", "inputs unchanged: the published pages stay, build.json is written again")
        progress.advance()
    return BuildResult(None, out, shortcut.facts["pages"], shortcut.facts["files"], shortcut.facts["build_id"],
                       shortcut.summary)


def write_site(site: Site, summary: BuildSummary, out: Path, outputs: list[Output], previous: OutputCache, key: str,
               built_at: dt.datetime, progress: Progress, in_place: bool, unchanged: bool, probe: str) -> BuildResult:
    """Publish the files, build.json and the search index into `out`: staged and swapped in at once, or
    (`in_place`) written straight into the previous build there, the search index and the record of what was
    published then left to `BuildResult.finish` unless nothing but build.json changed (`unchanged`). With a
    `probe` key, the record keeps what publishing this build again needs (Shortcut)."""
    with progress.stage("write", total=len(outputs) + 1):
        outputs = [o for o in outputs if o.path != OUTPUT_MARKER]  # a previous build's, reused: made anew below
        shas = {o.path: o.sha256() for o in outputs}
        # A file with the same bytes as the previous output's is linked to it, not written again.
        outputs = [previous.linked(o, shas[o.path]) for o in outputs]
        facts = build_facts(site, outputs, shas)
        info = info_file(facts, built_at, site.config["site"]["timezone"])
        search = None if site.excluded("search") else search_index(progress, outputs, shas, previous, in_place)
        previous.shortcut = Shortcut(probe, facts, summary, search is not None) if probe else None
        finish = search.finish if search is not None else None
        mark = marker()
        shas[info.path] = hashlib.sha256(info.data).hexdigest()
        shas[mark.path] = hashlib.sha256(mark.data).hexdigest()
        mark = previous.linked(mark, shas[mark.path])
        files = [*outputs, info, mark]

        def finish_and_save() -> None:
            if finish is not None:
                finish(out)
            previous.save(key, files, shas)

        def save_then_index() -> None:
            # The record of the pages as they are now first, whether or not the index can be made. Until it is
            # saved, the previous record stands: the files it lists by signature that changed are not reused.
            previous.save(key, files, shas)
            if finish is not None:
                finish_and_save()

        later: Callable[[], None] | None = None
        if not in_place:
            try:
                if search is None:
                    publish(out, files)
                else:
                    publish(out, [*files, *search.kept], finish, search.first, search.start, search.cancel)
            finally:
                if search is not None:
                    search.cancel()
            previous.save(key, files, shas)
        else:
            publish_in_place(out, files, previous.paths() - {o.path for o in files})
            if unchanged:
                finish_and_save()  # the index is in place already: nothing to wait for
            else:
                later = save_then_index  # recording every file's signature: after the edit shows
        progress.advance(len(outputs) + 1)
    return BuildResult(site, out, sum(1 for o in outputs if o.path.endswith(".html")), len(outputs) + 1,
                       facts["build_id"], summary, later)
