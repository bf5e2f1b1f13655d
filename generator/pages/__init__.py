"""Pages: from the site model and its metrics to the list of pages and files of the site.

A section of the site is one function `build(ctx: Context) -> Section | None` in the module of its pages
(`build_<section>` where a module holds several); it returns None when its dataset is absent or the
profile leaves it out. SECTIONS lists them in navigation order and plan_site runs them, so that a section
is read and changed in its own module and nothing here knows what it shows.

To add a section: write its module with `build(ctx)`, add the builder to SECTIONS, and add its name to the
profile's `exclude` choices (config/schema.py SECTIONS), so that a profile can leave it out.

To add a supervision register: add a Register to REGISTERS in metrics/registers.py (its dataset, [cadence]
options, row and follow-up functions, wording keys and page builder's name), with its row and follow-up
functions beside it; declare its dataset's columns in inputs/schemas.py; write its page builder in
pages/registers.py and its interface strings. Its section, its place in the registers' navigation, its
[cadence] options, its `exclude` choice and its follow-ups in the overdue warning follow from the entry.
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
from ..metrics.kpis import daily_totals, unit_tree
from ..model import Site
from ..output import Output
from ..render import Page
from . import warning_rules  # noqa: F401 - registers the warning rules about people, trackers and texts
from .battle import build as _battle
from .battle import report_links
from .briefs import build as _briefs
from .briefs import faq_item
from .campaigns import build as _campaigns
from .chartfiles import ChartFile
from .context import BoardItem, Context, Section
from .daily import build as _daily
from .faq import build as _faq
from .faq import faq_order
from .manpower import build as _manpower
from .meetings import build as _meetings
from .notices import build as _notices
from .notices import select_notices
from .performance import build_leaderboard as _leaderboard
from .performance import build_people as _people
from .performance import build_units as _units
from .posters import build as _posters
from .quality import build as _quality
from .reading import board_groups, progress_rows, trend_bars
from .registers import build_nav as _registers
from .registers import builders as register_builders
from .registers import remedy_owners
from .resources import build as _resources
from .screens import build as _screens
from .scripts_page import build as _scripts
from .search import build as _search
from .summons import summon_items
from .tables import table_files
from .talks import award_items
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


# In navigation order. plan_site makes the daily reports (daily.build) before these, since they show its KPIs,
# and the board (index.html) after them, from what they give it.
SECTIONS: list[Callable[[Context], Section | None]] = [
    _units, _people, _leaderboard, _briefs, _campaigns, _manpower, _training, _talks, _resources,
    _warnings, _tracking, _meetings, _scripts, _registers, *register_builders(),
    _battle, _notices, _faq, _quality, _search, _screens, _posters,
]


def builder_name(build: Callable[..., Any]) -> str:
    """The key of a builder's record for the next build: renaming or moving a builder only makes the next build
    compute its section again."""
    return f"{build.__module__}.{build.__qualname__}"


def plan_site(site: Site, previous: dict[str, SectionRecord] | None = None, base: str = "",
              on_charts: Callable[[list[Chart]], None] | None = None,
              on_files: Callable[[list[Output]], list[Output]] | None = None) -> SitePlan:
    """Decide every page and file of the site (nothing is rendered or written here).

    `previous` holds the records of the last build's sections whose files are all intact; a section whose key
    (see incremental.section_key, with `base` for what all sections share) is unchanged is taken from it.
    `on_charts` is given each section's charts as soon as the section is made (to start drawing them), and
    `on_files` each section's files, returning what the plan keeps of them (their bytes moved to a spool).
    """
    previous = previous or {}
    t = translator(site.locale)
    fmt = Formatter(site.locale, site.as_of)
    tables = site.tables
    tree = unit_tree(tables["units"])
    groups = input_groups(site.fingerprints)
    notices = select_notices(site.documents["notices"], site.as_of)
    reports = battle_reports(site.documents["battle"], tables["sales"], tables["people"], tables["units"],
                             float(site.config["rules"]["big_order"]), site.as_of)
    ctx = Context(site, t, fmt, tree, pd.DataFrame(), pd.DataFrame(), reports, notices.current, keep=on_files)

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
                for page in section.pages:
                    page.pack()  # held as its pickle until rendered
                plan.pages.extend(section.pages)
                if on_files is not None:
                    section.files = on_files(section.files)
                plan.files.extend(section.files)
                plan.charts.extend(section.charts)
                if on_charts is not None and section.charts:
                    on_charts([item.chart for item in section.charts])
            reads = frozenset(logged.reads)
            plan.records.append(SectionRecord(
                name, section_key(base, name, groups, reads), reads, section.name if section else None,
                section.target if section else None, section.board if section else [],
                [*(p.path for p in section.pages), *(p.pdf for p in section.pages if p.pdf),
                 *(f.path for f in section.files), *(c.path for c in section.charts)]
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
    alerts, infos = board_groups(board_items)
    home = Page("index.html", "board.html", site.config["site"]["title"], "board", {
        "notices": notices.current[: board["notices"]],
        "reports": reports[: board["battle"]],
        "report_links": report_links(reports[: board["battle"]]),
        "tiles": [{**units.loc[u].to_dict(), "id": u} for u in tops] if not units.empty else [],
        "show_daily": any(s.name == "daily" and s.target is not None for s in sections),
        "alerts": alerts,
        "infos": infos,
        "trends": [{"id": u, "name": units.loc[u, "name"], "trend": trend_bars(daily_totals(tables, site.as_of, u),
                                                                               fmt, t)} for u in tops]
        if not units.empty else [],
        "progress": progress_rows(units, [c for u in tops for c in tree.children.get(u, []) if c in units.index],
                                  ctx.pacing) if not units.empty else [],
        "awards": award_items(ctx),
        "faq_today": faq_item(faq_order(site.documents["faq"])[0], site.as_of, not site.excluded("faq")),
        "star_posters": ctx.wants("posters"),
        "manpower": next((s.payload for s in sections if s.name == "manpower"), None),
        "campaigns": next((s.payload for s in sections if s.name == "campaigns"), None),
        "remedy_owners": remedy_owners(ctx),
        "summons": summon_items(ctx),
    })
    plan.files.extend(table_files([home]))
    home.pack()
    plan.pages.insert(0, home)
    plan.nav = [("board", ""), *((s.name, s.target) for s in sections if s.target is not None)]
    return plan


__all__ = ["BoardItem", "Context", "Section", "SitePlan", "plan_site"]
