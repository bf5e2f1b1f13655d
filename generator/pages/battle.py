"""Battle reports: the page and its Atom feed."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from zoneinfo import ZoneInfo

from ..i18n import Translator
from ..metrics.battle import BattleReport
from ..output import Output
from ..render import Page
from .context import Context, Section

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50


def battle_page(reports: list[BattleReport], t: Translator, posters: bool) -> Page:
    """battle/; with `posters`, each report links its 喜报 (posters/battle/<key>.png)."""
    return Page("battle/index.html", "battle.html", t("battle.title"), "battle", {"reports": reports,
                                                                                  "posters": posters})


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
        ET.SubElement(
            entry,
            f"{{{ATOM}}}link",
            rel="alternate",
            href=f"{base}battle/index.html#{report.key}" if base else f"index.html#{report.key}",
        )
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
    """battle/: the reports and their Atom feed."""
    if not ctx.wants("battle"):
        return None
    site = ctx.config["site"]
    feed = atom_feed(ctx.reports, site["title"], site["base_url"], site["timezone"], ctx.t, ctx.fmt.money)
    return Section("battle", "battle/", [battle_page(ctx.reports, ctx.t, ctx.wants("posters"))], [feed])
