"""Pages: from the site model and its metrics to the list of pages and files of the site."""

from __future__ import annotations

from dataclasses import dataclass

from .. import formats
from ..i18n import translator
from ..metrics.battle import battle_reports
from ..model import Site
from ..render import Page
from ..writer import Output
from .battle import atom_feed, battle_page, report_title
from .faq import faq_order, faq_page
from .notices import notice_pages, select_notices
from .quality import quality_outputs

# Navigation entries in order: (section, target)
NAVIGATION = (
    ("board", ""), ("notices", "notices/"), ("battle", "battle/"), ("faq", "faq/"), ("quality", "quality/"),
)


@dataclass
class SitePlan:
    pages: list[Page]
    files: list[Output]
    nav: list[tuple[str, str]]


def plan_site(site: Site) -> SitePlan:
    """Decide every page and file of the site (nothing is rendered or written here)."""
    t = translator(site.locale)
    rules = site.config["rules"]
    board_settings = site.config["board"]
    notices = select_notices(site.documents["notices"], site.as_of)
    reports = battle_reports(site.documents["battle"], site.tables["sales"], site.tables["people"],
                             site.tables["units"], float(rules["big_order"]), site.as_of)
    faq_entries, faq_missing = faq_order(site.documents["faq"])

    pages: list[Page] = []
    files: list[Output] = []
    sections = {"board"}
    if not site.excluded("notices"):
        pages.extend(notice_pages(notices, t))
        sections.add("notices")
    if not site.excluded("battle"):
        pages.append(battle_page(reports, t))
        files.append(atom_feed(reports, site.config["site"]["title"], site.config["site"]["base_url"],
                               site.config["site"]["timezone"], t, lambda v: formats.money(v, site.locale)))
        sections.add("battle")
    if not site.excluded("faq"):
        pages.append(faq_page(faq_entries, faq_missing, t))
        sections.add("faq")
    if not site.excluded("quality"):
        page, table = quality_outputs(site, t)
        pages.append(page)
        files.append(table)
        sections.add("quality")
    pages.insert(0, Page("index.html", "board.html", site.config["site"]["title"], "board", {
        "notices": notices.current[: board_settings["notices"]],
        "more_notices": len(notices.current) > board_settings["notices"],
        "reports": reports[: board_settings["battle"]],
    }))
    nav = [(section, target) for section, target in NAVIGATION if section in sections]
    return SitePlan(pages, files, nav)


__all__ = ["SitePlan", "plan_site", "report_title"]
