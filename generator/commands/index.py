"""`trackboard index`: one page listing the sites built side by side in a folder, one per branch (profile).

A company builds one site per branch from the same site.toml (`trackboard build --profile BR --out PUBLIC/BR`,
each in its own CI job) and publishes them together. This command reads what was PUBLISHED there, never the
inputs: each subfolder's build.json (as-of date, build time, profile) and its daily report's `units.csv`
(the branch's headline figures, as its own daily report shows them), and writes PUBLIC/index.html and the
theme's static files (PUBLIC/static/) in the site's language, title and colours. A folder that is no usable
site, and a branch profile of site.toml that has no site there, are listed on the page and reported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import branding as brand
from ..config.load import load_config
from ..errors import TrackboardError
from ..i18n import Translator, translator
from ..model import ignored_name
from ..output import Output
from ..pages.tables import Col, Table
from ..render import Page, Renderer
from ..writer import check_path, replace_folder

INDEX_PAGE = "index.html"
STATIC = "static"
# In the index page's <head> and in its static folder: what this command wrote, and so may replace.
GENERATOR_META = '<meta name="generator" content="trackboard index">'
STATIC_MARK = ".trackboard-index"
STAGING = ".trackboard-index-staging-"
# The headline figures read from a site's daily/<as-of>/units.csv, and the kind each is shown as.
FIGURES = {"premium_day": "money", "premium_mtd": "money", "target_month": "money", "achievement_mtd": "percent",
           "active_mtd": "number", "headcount": "number"}


@dataclass(frozen=True)
class Listed:
    """A site found in the folder, as its build.json and daily report describe it."""

    folder: str
    name: str  # its branch's name: the unit its profile names (or its top unit), else the profile's title
    profile: str | None
    as_of: dt.date
    built_at: str  # as build.json states it: the site's local time, with its offset
    errors: int  # rows and files the build reported as errors (its quality page lists them)
    figures: dict[str, float | None]  # FIGURES; empty when the site has no daily report


@dataclass(frozen=True)
class Unusable:
    """A folder that holds no usable site, a branch profile with no site, or a site whose figures cannot be read;
    `key` and `values` say why in the page's language, `line` in the command's output."""

    folder: str
    key: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def line(self) -> str:
        return f"{self.folder}: " + REASONS[self.key].format(**dict(self.values))


# The reasons of Unusable in the command's output (English, as every command line of trackboard); the page says
# them in the site's language (`sites.problem.<key>` in the catalogues).
REASONS = {
    "no_build": "no build.json: not a trackboard site, or one whose build or copy did not finish",
    "bad_build": "build.json cannot be read as a trackboard build ({detail})",
    "missing": "no site built for profile {profile} of site.toml (expected in a folder of its own)",
    "bad_figures": "{file}: {detail}; the site is listed without its figures",
}


@dataclass(frozen=True)
class Found:
    sites: list[Listed]
    problems: list[Unusable]

    @property
    def latest(self) -> dt.date | None:
        return max((s.as_of for s in self.sites), default=None)


def _number(value: str | None) -> float | None:
    text = (value or "").strip()
    if not text:
        return None
    return float(text)  # ValueError: the caller names the file


def _build_info(folder: Path) -> dict[str, Any] | Unusable:
    path = folder / "build.json"
    if not path.is_file():
        return Unusable(folder.name, "no_build")
    try:
        info = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        return Unusable(folder.name, "bad_build", (("detail", type(exc).__name__),))
    if not isinstance(info, dict):
        return Unusable(folder.name, "bad_build", (("detail", "not a JSON object"),))
    generator = info.get("generator")
    if not (isinstance(generator, dict) and generator.get("name") == "trackboard"):
        return Unusable(folder.name, "bad_build", (("detail", "generator.name is not trackboard"),))
    for key in ("as_of", "built_at", "build_id"):
        if not isinstance(info.get(key), str):
            return Unusable(folder.name, "bad_build", (("detail", f"{key} missing"),))
    try:
        dt.date.fromisoformat(info["as_of"])
    except ValueError:
        return Unusable(folder.name, "bad_build", (("detail", f"as_of {info['as_of']!r} is not a date"),))
    if info.get("profile") is not None and not isinstance(info["profile"], str):
        return Unusable(folder.name, "bad_build", (("detail", "profile is not a name"),))
    return info


def _figures(folder: Path, as_of: dt.date, unit: str | None
             ) -> tuple[dict[str, float | None], str, Unusable | None]:
    """The headline figures and name of the site's unit `unit` (when it has that row; else its top unit) from its
    daily report of the as-of date, and what is wrong with them; nothing when it publishes no daily report (a
    profile that excludes it)."""
    relative = f"daily/{as_of.isoformat()}/units.csv"
    path = folder / relative

    def bad(detail: str) -> Unusable:
        return Unusable(folder.name, "bad_figures", (("file", f"{folder.name}/{relative}"), ("detail", detail)))

    try:
        if not path.is_file():
            return {}, "", None
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return {}, "", bad(type(exc).__name__)
    missing = [c for c in ("unit", "name", "parent", *FIGURES) if not rows or c not in rows[0]]
    if missing:
        return {}, "", bad("no rows" if not rows else f"column {missing[0]} missing")
    ids = {row["unit"] for row in rows}
    row = next((r for r in rows if r["unit"] == unit), None) or next(
        (r for r in rows if (r["parent"] or "") not in ids), rows[0])
    figures: dict[str, float | None] = {}
    for column in FIGURES:
        try:
            figures[column] = _number(row[column])
        except ValueError:
            return {}, row["name"], bad(f"row of unit {row['unit']}: {column} {row[column]!r} is not a number")
    return figures, row["name"], None


def branch_profiles(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The profiles of site.toml that build a branch's own site: those with `units`."""
    return {name: profile for name, profile in config["profiles"].items() if profile.get("units")}


def find_sites(public: Path, config: dict[str, Any]) -> Found:
    """Every subfolder of `public` but dot-folders and this command's static folder, read as a site (sorted by
    folder name); then the branch profiles of site.toml that no site there was built with."""
    profiles = config["profiles"]
    sites: list[Listed] = []
    problems: list[Unusable] = []
    folders = sorted(p for p in public.iterdir() if p.is_dir() and not ignored_name(p.name)
                     and not (p.name == STATIC and (p / STATIC_MARK).is_file()))
    for folder in folders:
        try:
            info = _build_info(folder)
        except OSError as exc:  # a folder the command may not read
            info = Unusable(folder.name, "bad_build", (("detail", exc.strerror or type(exc).__name__),))
        if isinstance(info, Unusable):
            problems.append(info)
            continue
        as_of = dt.date.fromisoformat(info["as_of"])
        profile: str | None = info.get("profile")
        settings = profiles.get(profile or "", {})
        root = (settings.get("units") or [None])[0]
        figures, unit_name, problem = _figures(folder, as_of, root)
        if problem is not None:
            problems.append(problem)
        problem_counts = info.get("problems")
        errors = problem_counts.get("errors") if isinstance(problem_counts, dict) else None
        name = unit_name or settings.get("title") or profile or folder.name
        sites.append(Listed(folder.name, name, profile, as_of, info["built_at"],
                            errors if isinstance(errors, int) else 0, figures))
    built = {s.profile for s in sites}
    problems.extend(Unusable(name, "missing", (("profile", name),)) for name in branch_profiles(config)
                    if name not in built)
    return Found(sites, problems)


def _built_time(value: str) -> str:
    """`2026-11-20T07:30:12+08:00` as `2026-11-20 07:30`: the site's own local time, as build.json states it."""
    try:
        return dt.datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def sites_table(found: Found, t: Translator) -> Table:
    """The sites, one row each: a link to the site, its dates, its errors and its headline figures; a site whose
    data is older than the newest site's is flagged, in words too."""
    latest = found.latest
    columns = [Col("name", t("sites.site")), Col("as_of", t("as_of"), "date"), Col("built_at", t("sites.built_at")),
               *(Col(key, t(f"kpi.{key}"), kind) for key, kind in FIGURES.items()),
               Col("errors", t("sites.errors"), "number"), Col("status", t("sites.status"))]
    rows = []
    for site in found.sites:
        stale = latest is not None and site.as_of < latest
        row: dict[str, Any] = {
            "name": site.name, "as_of": site.as_of, "built_at": _built_time(site.built_at),
            **{key: site.figures.get(key) for key in FIGURES}, "errors": site.errors,
            "status": t("sites.stale") if stale else (t("sites.has_errors") if site.errors else t("sites.ok")),
            "_href": urllib.parse.quote(site.folder) + "/",
        }
        if stale or site.errors:
            row["_class"] = "flag"
        rows.append(row)
    return Table("sites", t("sites.caption", count=len(found.sites)), columns, rows, csv=False)


def _static_files(config: dict[str, Any], renderer: Renderer) -> list[Output]:
    look = brand.from_config(config["branding"])
    files = list(renderer.static_files(look, config["branding"]["logo"]))
    return [*files, Output(f"{STATIC}/{STATIC_MARK}", b'{"generator": "trackboard index"}\n')]


def _check_ours(public: Path) -> None:
    """Refuse to replace an index.html or static/ folder that this command did not write (a site's own, say)."""
    page = public / INDEX_PAGE
    if page.is_dir() or (page.exists() and GENERATOR_META.encode() not in page.read_bytes()[:4096]):
        raise TrackboardError(f"refusing to replace {page}: it was not written by trackboard index; "
                              "build each site into a folder of its own under the index's folder")
    static = public / STATIC
    if static.exists() and not (static / STATIC_MARK).is_file():
        raise TrackboardError(f"refusing to replace {static}: it was not written by trackboard index "
                              "(a site must not be built into a folder named static)")


def _write_static(public: Path, files: list[Output]) -> None:
    """Stage the static folder beside the old one and swap it in at once."""
    staging = public / f"{STAGING}{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for item in files:
            target = staging / check_path(item.path).removeprefix(f"{STATIC}/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.data)
        replace_folder(staging, public / STATIC)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_page(public: Path, data: bytes) -> None:
    temporary = public / f".{INDEX_PAGE}.{os.getpid()}.tmp"
    try:
        temporary.write_bytes(data)
        os.replace(temporary, public / INDEX_PAGE)
    finally:
        temporary.unlink(missing_ok=True)


def write_index(public: Path, site: Path) -> Found:
    """Write `public`/index.html listing the sites built there (and static/), in the language, title and colours of
    the site.toml in `site`; return what was found. Raises TrackboardError when nothing can be written."""
    if not public.is_dir():
        raise TrackboardError(f"{public}: no such folder (build the sites into folders under it first)")
    if not (site / "site.toml").is_file():
        raise TrackboardError(f"{site / 'site.toml'} not found: the index takes its title, language and colours "
                              "from the site's site.toml (give its folder with --site)")
    config, problems = load_config(site)
    fatal = [p for p in problems if p.fatal]
    if fatal:
        raise TrackboardError("site.toml has errors; the index was not written", problems=fatal)
    try:
        _check_ours(public)
        found = find_sites(public, config)
    except OSError as exc:
        raise TrackboardError(f"cannot read {exc.filename or public}: {exc.strerror or exc}") from None
    locale = config["site"]["locale"]
    t = translator(locale)
    globals_ = {"site": config["site"], "as_of": found.latest, "branding": brand.from_config(config["branding"])}
    renderer = Renderer(site, locale, globals_)
    page = Page(INDEX_PAGE, "sites.html", config["site"]["title"], "sites",
                {"table": sites_table(found, t), "latest": found.latest,
                 "problems": [(p.folder, t(f"sites.problem.{p.key}", **dict(p.values))) for p in found.problems]})
    html = renderer.render(page).data
    try:
        _write_static(public, _static_files(config, renderer))
        _write_page(public, html)
    except OSError as exc:
        raise TrackboardError(f"cannot write the index into {public}: {exc.strerror or exc}") from None
    return found
