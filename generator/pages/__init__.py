"""Pages: from the site model and its metrics to the list of pages and files of the site.

Each section of the site is one function `build(ctx) -> Section | None`; SECTIONS lists them in
navigation order. To add a section, write its module and add it here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..charts import Chart
from ..formats import Formatter
from ..i18n import translator
from ..incremental import SectionRecord, input_groups, section_key
from ..metrics.battle import battle_reports
from ..metrics.kpis import unit_tree
from ..model import Site
from ..output import Output
from ..render import Page
from . import warning_rules  # noqa: F401 - registers the warning rules about people, trackers and texts
from .battle import atom_feed, battle_page
from .context import BoardItem, Context, Section
from .daily import daily_outputs
from .faq import faq_order, faq_page
from .meetings import build as _meetings
from .notices import notice_pages, select_notices
from .performance import ChartFile, leaderboard_page, person_pages, unit_pages
from .quality import quality_outputs
from .registers import build_aftersales as _aftersales
from .registers import build_followups as _followups
from .registers import build_leads as _leads
from .registers import build_nav as _registers
from .registers import build_projects as _projects
from .registers import build_receivables as _receivables
from .resources import build as _resources
from .screens import screen_pages
from .scripts_page import build as _scripts
from .search import build as _search
from .tables import table_files
from .talks import award_items, screen_award_items
from .talks import build as _talks
from .tracking import build as _tracking
from .training import build as _training
from .warnings import build as _warnings


@dataclass
class SitePlan:
    pages: list[Page]
    files: list[Output]
    nav: list[tuple[str, str]]
    charts: list[ChartFile] = field(default_factory=list)
    # Sections taken whole from the previous build (their files are published again, not made), and the
    # record of every section of this build, for the next.
    reused: list[SectionRecord] = field(default_factory=list)
    records: list[SectionRecord] = field(default_factory=list)


def _units(ctx: Context) -> Section | None:
    if not ctx.wants("units"):
        return None
    pages, charts = unit_pages(ctx.units, ctx.people, ctx.tree, ctx.tables, ctx.as_of, ctx.t, ctx.fmt, ctx.show_people)
    return Section("units", "units/", pages, charts=charts)


def _people(ctx: Context) -> Section | None:
    if not ctx.show_people:
        return None
    pages, charts = person_pages(ctx.people, ctx.tables["units"].set_index("id"), ctx.tables, ctx.as_of, ctx.t,
                                 ctx.fmt)
    return Section("people", None, pages, charts=charts)


def _leaderboard(ctx: Context) -> Section | None:
    if not ctx.wants("leaderboard"):
        return None
    return Section("leaderboard", "leaderboard/", [leaderboard_page(ctx.people, ctx.units, ctx.tree, ctx.t,
                                                                    ctx.show_people)])


def _battle(ctx: Context) -> Section | None:
    if not ctx.wants("battle"):
        return None
    site = ctx.config["site"]
    feed = atom_feed(ctx.reports, site["title"], site["base_url"], site["timezone"], ctx.t, ctx.fmt.money)
    return Section("battle", "battle/", [battle_page(ctx.reports, ctx.t)], [feed])


def _notices(ctx: Context) -> Section | None:
    if not ctx.wants("notices"):
        return None
    notices = select_notices(ctx.site.documents["notices"], ctx.as_of)
    return Section("notices", "notices/", notice_pages(notices, ctx.t, ctx.fmt))


def _faq(ctx: Context) -> Section | None:
    if not ctx.wants("faq"):
        return None
    entries, missing = faq_order(ctx.site.documents["faq"])
    return Section("faq", "faq/", [faq_page(entries, missing, ctx.t)])


def _quality(ctx: Context) -> Section | None:
    if not ctx.wants("quality"):
        return None
    page, table = quality_outputs(ctx.site, ctx.t)
    return Section("quality", "quality/", [page], [table])


def _screens(ctx: Context) -> Section | None:
    if not ctx.wants("screen"):
        return None
    pages, charts = screen_pages(ctx.config["screens"], ctx.people, ctx.units, ctx.tree, ctx.tables, ctx.reports,
                                 ctx.notices, ctx.as_of, ctx.t, ctx.fmt, ctx.config["site"]["title"],
                                 awards=screen_award_items(ctx))
    return Section("screen", "screen/", pages, charts=charts)


# In navigation order. The board (index.html) and the daily reports are made in plan_site.
SECTIONS: list[Callable[[Context], Section | None]] = [
    _units, _people, _leaderboard, _training, _talks, _resources,
    _warnings, _tracking, _meetings, _scripts, _registers, _receivables, _aftersales, _leads, _projects,
    _followups, _battle, _notices, _faq, _quality, _search, _screens,
]


def _daily(ctx: Context) -> Section:
    """The daily reports; its payload, the KPIs of every unit and person as of the as-of date, feeds the rest."""
    site = ctx.site
    pages, files, units, people = daily_outputs(site.tables, ctx.tree, site.as_of, ctx.t, ctx.fmt, ctx.show_people)
    section = (Section("daily", "daily/", pages, files, table_files=False) if not site.excluded("daily")
               else Section("daily", None))
    section.payload = (units, people)
    return section


def builder_name(build: Callable[..., Any]) -> str:
    return f"{build.__module__}.{build.__qualname__}"


def plan_site(site: Site, previous: dict[str, SectionRecord] | None = None, base: str = "",
              on_charts: Callable[[list[Chart]], None] | None = None) -> SitePlan:
    """Decide every page and file of the site (nothing is rendered or written here).

    `previous` holds the records of the last build's sections whose files are all intact; a section whose key
    (see incremental.section_key, with `base` for what all sections share) is unchanged is taken from it.
    `on_charts` is given each section's charts as soon as the section is made (to start drawing them).
    """
    previous = previous or {}
    t = translator(site.locale)
    fmt = Formatter(site.locale)
    tables = site.tables
    tree = unit_tree(tables["units"])
    groups = input_groups(site.fingerprints)
    notices = select_notices(site.documents["notices"], site.as_of)
    reports = battle_reports(site.documents["battle"], tables["sales"], tables["people"], tables["units"],
                             float(site.config["rules"]["big_order"]), site.as_of)
    ctx = Context(site, t, fmt, tree, pd.DataFrame(), pd.DataFrame(), reports, notices.current)

    plan = SitePlan([], [], [])
    sections: list[Section] = []
    for build in [_daily, *SECTIONS]:
        name = builder_name(build)
        record = previous.get(name)
        if record is not None and record.key == section_key(base, name, groups, record.reads):
            plan.reused.append(record)
            plan.records.append(record)
            section = (Section(record.name, record.target, board=record.board, payload=record.payload)
                       if record.name is not None else None)
        else:
            logged = ctx.logged()
            section = build(logged)
            if section is not None:
                if section.table_files:
                    section.files.extend(table_files(section.pages))
                plan.pages.extend(section.pages)
                plan.files.extend(section.files)
                plan.charts.extend(section.charts)
                if on_charts is not None and section.charts:
                    on_charts([item.chart for item in section.charts])
            reads = frozenset(logged.reads)
            plan.records.append(SectionRecord(
                name, section_key(base, name, groups, reads), reads, section.name if section else None,
                section.target if section else None, section.board if section else [],
                [*(p.path for p in section.pages), *(f.path for f in section.files), *(c.path for c in section.charts)]
                if section else [], section.payload if section else None))
        if build is _daily:
            assert section is not None
            ctx.units, ctx.people = section.payload
        if section is not None:
            sections.append(section)

    units = ctx.units
    board = site.config["board"]
    tops = [u for u in tree.order if tree.depth[u] == 0]
    board_items: list[BoardItem] = [item for s in sections for item in s.board]
    home = Page("index.html", "board.html", site.config["site"]["title"], "board", {
        "notices": notices.current[: board["notices"]],
        "reports": reports[: board["battle"]],
        "tiles": [{**units.loc[u].to_dict(), "id": u} for u in tops] if not units.empty else [],
        "show_daily": any(s.name == "daily" and s.target is not None for s in sections),
        "board_items": board_items,
        "awards": award_items(ctx),
    })
    plan.pages.insert(0, home)
    plan.files.extend(table_files([home]))
    plan.nav = [("board", ""), *((s.name, s.target) for s in sections if s.target is not None)]
    return plan


__all__ = ["BoardItem", "Context", "Section", "SitePlan", "plan_site"]
