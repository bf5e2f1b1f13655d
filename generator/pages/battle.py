"""Battle reports: the list, paged and filtered by month and by unit; a page per report; the Atom feed.

battle/ lists every report, newest first, PAGE_SIZE a page (battle/page/2/ …); battle/month/YYYY-MM/ and
battle/unit/<unit>/ list one month's or one unit's (with the units below it), paged alike; battle/unit/ lists every
unit that has reports; each report has its own page at battle/<key>/. Static pages, not a script: the lists work
from a file share and with scripts off.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from ..formats import Formatter
from ..i18n import Translator
from ..metrics.battle import BattleReport
from ..metrics.kpis import UnitTree
from ..output import Output
from ..render import Page, Shared
from .context import Context, Section
from .links import id_segment

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50
PAGE_SIZE = 30  # reports a list page shows: a year of big orders would otherwise be one page of megabytes
# Folders under battle/ of the list's pages and filters: reserved among the reports' slugs (inputs/schemas.py).
PAGE_FOLDER, MONTH_FOLDER, UNIT_FOLDER = "page", "month", "unit"
# Units a list page offers as filters besides the way up to its own: more are on the page of every unit. A list page
# offering every unit made the lists grow with the square of the units (4,714 units × 6,500 pages: 3.7 GB of HTML).
UNITS_SHOWN = 40


def report_href(report: BattleReport) -> str:
    """The page of one report (every link to a report goes through here)."""
    return f"battle/{id_segment(report.key)}/"


@dataclass(frozen=True)
class Filter:
    """One way to narrow the list: a month or a unit, its list's folder, its name and how many reports it holds."""

    href: str  # e.g. "battle/month/2026-11/"
    label: str
    count: int
    depth: int = 0  # a unit's depth in the tree, to indent the list of units


def month_filters(reports: list[BattleReport], fmt: Formatter) -> list[tuple[Filter, list[BattleReport]]]:
    """The months that have reports, newest first, each with its reports (newest first, as given)."""
    by_month: dict[str, list[BattleReport]] = {}
    for report in reports:
        by_month.setdefault(report.date.strftime("%Y-%m"), []).append(report)
    return [(Filter(f"battle/{MONTH_FOLDER}/{key}/", fmt.month(listed[0].date), len(listed)), listed)
            for key, listed in sorted(by_month.items(), reverse=True)]


def unit_filters(reports: list[BattleReport], tree: UnitTree, names: dict[str, str]
                 ) -> dict[str, tuple[Filter, list[BattleReport]]]:
    """The units that have reports, by id in the tree's order, each with its own reports and those of the units
    below."""
    by_unit: dict[str, list[BattleReport]] = {}
    for report in reports:
        if report.unit_id is not None and report.unit_id in tree.depth:
            for unit in tree.ancestors(report.unit_id):
                by_unit.setdefault(unit, []).append(report)
    return {unit: (Filter(f"battle/{UNIT_FOLDER}/{id_segment(unit)}/", names.get(unit, unit), len(by_unit[unit]),
                          tree.depth[unit]), by_unit[unit])
            for unit in tree.order if unit in by_unit}


def report_links(reports: list[BattleReport]) -> dict[str, str]:
    """The page of each report, by key: what a template links a report to."""
    return {report.key: report_href(report) for report in reports}


def page_href(folder: str, number: int) -> str:
    """The link of page `number` (from 1) of a list whose first page is `folder`."""
    return folder if number == 1 else f"{folder}{PAGE_FOLDER}/{number}/"


def list_pages(reports: list[BattleReport], folder: str, title: str, shared: Shared, current: Filter | None,
               filters: dict[str, Any]) -> list[Page]:
    """A list of reports as pages of PAGE_SIZE: the first at `folder`, the next at `folder`page/2/ …, each with
    the links to every page of the list, the filters every list shows (`shared`) and this list's (`filters`),
    `current` among them."""
    chunks = [reports[i: i + PAGE_SIZE] for i in range(0, len(reports), PAGE_SIZE)] or [[]]
    links = [page_href(folder, n) for n in range(1, len(chunks) + 1)]
    return [Page(f"{links[n - 1]}index.html", "battle.html", title, "battle", {
        **filters, "current": current, "reports": chunk, "links": report_links(chunk), "total": len(reports),
        "pager": {"number": n, "links": links}}, shared=shared)
        for n, chunk in enumerate(chunks, 1)]


def nearby_units(units: dict[str, Filter], tree: UnitTree, unit: str | None) -> tuple[list[Filter], int]:
    """The units a list page offers, in the tree's order, and how many more there are: on a unit's list (`unit`)
    the way down to it and the units right below it, elsewhere the top two levels; at most UNITS_SHOWN besides the
    way down."""
    if unit is not None:
        way, below = tree.ancestors(unit), tree.children.get(unit, [])
    else:
        way, below = [], [u for u in tree.order if tree.depth[u] <= 1]
    offered = [units[u] for u in below if u in units]
    return [units[u] for u in way if u in units] + offered[:UNITS_SHOWN], max(0, len(offered) - UNITS_SHOWN)


def battle_pages(reports: list[BattleReport], tree: UnitTree, unit_names: dict[str, str], t: Translator,
                 fmt: Formatter, posters: bool = False) -> list[Page]:
    """Every list page (all, by month, by unit), the page of every unit with reports, and a page per report; with
    `posters`, each report links its 喜报 (posters/battle/<key>.png)."""
    title = t("battle.title")
    months = month_filters(reports, fmt)
    units = unit_filters(reports, tree, unit_names)
    every_unit = f"battle/{UNIT_FOLDER}/"
    # Every list page shows every month's filter and the link to every unit: held once for them all.
    shared = Shared({"months": [f for f, _ in months], "every_unit": every_unit if units else None,
                     "posters": posters})
    filters = {unit: choice for unit, (choice, _) in units.items()}

    def listing(listed: list[BattleReport], folder: str, heading: str, current: Filter | None, unit: str | None
                ) -> list[Page]:
        nearby, more = nearby_units(filters, tree, unit)
        return list_pages(listed, folder, heading, shared, current, {"units": nearby, "more_units": more})

    pages = listing(reports, "battle/", title, None, None)
    for choice, listed in months:
        pages.extend(listing(listed, choice.href, f"{choice.label} · {title}", choice, None))
    for unit, (choice, listed) in units.items():
        pages.extend(listing(listed, choice.href, f"{choice.label} · {title}", choice, unit))
    if units:
        pages.append(Page(f"{every_unit}index.html", "battle_units.html", t("battle.units_title"),
                          "battle", {"units": list(filters.values()), "total": len(reports)}, shared=shared))
    month_of = {r.key: f for f, listed in months for r in listed}
    for i, report in enumerate(reports):
        newer, older = reports[i - 1] if i > 0 else None, reports[i + 1] if i + 1 < len(reports) else None
        pages.append(Page(f"{report_href(report)}index.html", "battle_report.html", report_title(report, t, fmt.money),
                          "battle", {"report": report, "month": month_of[report.key], "newer": newer,
                                     "older": older, "links": report_links([r for r in (newer, older) if r]),
                                     "posters": posters}))
    return pages


def report_title(report: BattleReport, t: Translator, money: Callable[[float | None], str]) -> str:
    """The headline of a report: its own, or worded from the order."""
    if report.title:
        return report.title
    return t("battle.auto_title", name=report.person or "", product=report.product or "", amount=money(report.amount))


def atom_feed(
    reports: list[BattleReport],
    title: str,
    base_url: str,
    timezone: str,
    t: Translator,
    money: Callable[[float | None], str],
) -> Output:
    """Return battle/feed.xml. Times are the report dates at midnight in the site's time zone, so the
    feed changes only when the reports do."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    base = base_url.rstrip("/") + "/" if base_url else ""
    zone = ZoneInfo(timezone)

    def stamp(day: dt.date) -> str:
        return dt.datetime(day.year, day.month, day.day, tzinfo=zone).isoformat()

    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{title} · {t('battle.title')}"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base}battle/" if base else "urn:trackboard:battle"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = stamp(reports[0].date) if reports else stamp(dt.date(2000, 1, 1))
    ET.SubElement(
        feed, f"{{{ATOM}}}link", rel="alternate", href=f"{base}battle/index.html" if base else "index.html"
    )
    ET.SubElement(feed, f"{{{ATOM}}}author").append(_text("name", title))
    for report in reports[:FEED_SIZE]:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = report_title(report, t, money)
        ET.SubElement(entry, f"{{{ATOM}}}id").text = (
            f"{base}battle/#{report.key}" if base else f"urn:trackboard:battle:{report.key}"
        )
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = stamp(report.date)
        # The id stays what it was before reports had pages of their own: a reader would show them again as new.
        page = report_href(report).removeprefix("battle/") + "index.html"
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=f"{base}battle/{page}" if base else page)
        summary = " · ".join(
            x for x in (report.unit, report.person, money(report.amount) if report.amount else None) if x
        )
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary
        if report.html:
            ET.SubElement(entry, f"{{{ATOM}}}content", type="html").text = report.html
    for element in feed.iter():  # a control character in a title or a name must not make the feed unreadable
        if element.text:
            element.text = xml_text(element.text)
        for key, value in list(element.attrib.items()):
            element.set(key, xml_text(value))
    ET.indent(feed)
    data = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Output("battle/feed.xml", data + b"\n")


# Characters XML 1.0 does not allow (C0 controls but tab and new lines, lone surrogates, U+FFFE and U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """Text with the characters XML 1.0 does not allow removed."""
    return _NOT_XML.sub("", value)


def _text(tag: str, value: str) -> ET.Element:
    element = ET.Element(f"{{{ATOM}}}{tag}")
    element.text = value
    return element


def build(ctx: Context) -> Section | None:
    """battle/: the reports' lists and pages, and their Atom feed."""
    if not ctx.wants("battle"):
        return None
    site = ctx.config["site"]
    feed = atom_feed(ctx.reports, site["title"], site["base_url"], site["timezone"], ctx.t, ctx.fmt.money)
    units = ctx.tables["units"]
    names = dict(zip(units["id"], units["name"], strict=True))
    pages = battle_pages(ctx.reports, ctx.tree, names, ctx.t, ctx.fmt, ctx.wants("posters"))
    return Section("battle", "battle/", pages, [feed])
