"""Pages: from the site model and its metrics to the list of pages and files of the site."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..formats import Formatter
from ..i18n import translator
from ..metrics.battle import battle_reports
from ..metrics.kpis import unit_tree
from ..model import Site
from ..render import Page
from ..writer import Output
from .battle import atom_feed, battle_page
from .daily import daily_outputs
from .faq import faq_order, faq_page
from .notices import notice_pages, select_notices
from .performance import ChartFile, leaderboard_page, person_pages, unit_pages
from .quality import quality_outputs
from .screens import screen_pages
from .tables import Table, table_csv

# Navigation entries in order: (section, target)
NAVIGATION = (
    ("board", ""), ("daily", "daily/"), ("units", "units/"), ("leaderboard", "leaderboard/"), ("battle", "battle/"),
    ("notices", "notices/"), ("faq", "faq/"), ("quality", "quality/"), ("screen", "screen/"),
)


@dataclass
class SitePlan:
    pages: list[Page]
    files: list[Output]
    nav: list[tuple[str, str]]
    charts: list[ChartFile] = field(default_factory=list)


def _table_files(pages: list[Page]) -> list[Output]:
    """The CSV download beside every table a page shows."""
    files = []
    for page in pages:
        folder = page.path.rsplit("/", 1)[0] + "/" if "/" in page.path else ""
        for value in page.context.values():
            candidates = value if isinstance(value, list) else [value]
            for item in candidates:
                tables = [item] if isinstance(item, Table) else (
                    [v for v in item.values() if isinstance(v, Table)] if isinstance(item, dict) else [])
                files.extend(Output(folder + table.csv_name, table_csv(table)) for table in tables if table.csv)
    return files


def plan_site(site: Site) -> SitePlan:
    """Decide every page and file of the site (nothing is rendered or written here)."""
    t = translator(site.locale)
    fmt = Formatter(site.locale)
    rules = site.config["rules"]
    board_settings = site.config["board"]
    tables = site.tables
    show_people = not site.excluded("people")

    pages: list[Page] = []
    files: list[Output] = []
    charts: list[ChartFile] = []
    sections = {"board"}

    tree = unit_tree(tables["units"])
    daily_pages, daily_files, units, people = daily_outputs(tables, tree, site.as_of, t, fmt, show_people)
    if not site.excluded("daily"):
        pages.extend(daily_pages)
        files.extend(daily_files)
        sections.add("daily")
    if not site.excluded("units"):
        found, found_charts = unit_pages(units, people, tree, tables, site.as_of, t, fmt, show_people)
        pages.extend(found)
        charts.extend(found_charts)
        sections.add("units")
    if show_people:
        found, found_charts = person_pages(people, tables["units"].set_index("id"), tables, site.as_of, t, fmt)
        pages.extend(found)
        charts.extend(found_charts)
    if not site.excluded("leaderboard"):
        pages.append(leaderboard_page(people, units, tree, t, show_people))
        sections.add("leaderboard")

    notices = select_notices(site.documents["notices"], site.as_of)
    reports = battle_reports(site.documents["battle"], tables["sales"], tables["people"], tables["units"],
                             float(rules["big_order"]), site.as_of)
    if not site.excluded("notices"):
        pages.extend(notice_pages(notices, t))
        sections.add("notices")
    if not site.excluded("battle"):
        pages.append(battle_page(reports, t))
        files.append(atom_feed(reports, site.config["site"]["title"], site.config["site"]["base_url"],
                               site.config["site"]["timezone"], t, fmt.money))
        sections.add("battle")
    if not site.excluded("faq"):
        faq_entries, faq_missing = faq_order(site.documents["faq"])
        pages.append(faq_page(faq_entries, faq_missing, t))
        sections.add("faq")
    if not site.excluded("quality"):
        page, table = quality_outputs(site, t)
        pages.append(page)
        files.append(table)
        sections.add("quality")
    if not site.excluded("screen"):
        found, found_charts = screen_pages(site.config["screens"], people, units, tree, tables, reports,
                                           notices.current, site.as_of, t, fmt, site.config["site"]["title"])
        pages.extend(found)
        charts.extend(found_charts)
        sections.add("screen")
    tops = [u for u in tree.order if tree.depth[u] == 0]
    pages.insert(0, Page("index.html", "board.html", site.config["site"]["title"], "board", {
        "notices": notices.current[: board_settings["notices"]],
        "reports": reports[: board_settings["battle"]],
        "tiles": [{**units.loc[u].to_dict(), "id": u} for u in tops] if not units.empty else [],
        "show_daily": "daily" in sections,
    }))
    files.extend(_table_files(pages))
    nav = [(section, target) for section, target in NAVIGATION if section in sections]
    return SitePlan(pages, files, nav, charts)


__all__ = ["SitePlan", "plan_site"]
