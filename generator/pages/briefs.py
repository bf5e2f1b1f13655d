"""Morning briefs: one page per unit and day for the unit's own morning meeting, printable on one A4 sheet, with a
presenter mode for the meeting-room TV; the as-of day's briefs of the upper levels also as PDFs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..inputs.content import Document
from ..metrics import briefs as metrics
from ..metrics import registers as reg
from ..metrics import warnings as warning_metrics
from ..metrics.battle import BattleReport
from ..metrics.daily import Forecast
from ..metrics.kpis import UnitTree, org_of, person_kpis, prepare, unit_kpis
from ..metrics.memo import derived_of
from ..metrics.registers import REGISTER
from ..metrics.scope import Addressed
from ..parallel import forked_map
from ..render import Page
from .context import Context, Section
from .daily import report_dates
from .faq import faq_order
from .links import brief_href, brief_pdf, person_href, unit_href
from .notices import select_notices
from .registers import present
from .screens import report_for
from .summons import summons_on
from .tables import Col, Table, clean

# The KPIs a brief shows of its unit, its child units and its people.
UNIT_COLUMNS = ["name", "premium_day", "premium_mtd", "premium_ytd", "target_month", "achievement_mtd", "headcount"]
PERSON_COLUMNS = ["name", "premium_day", "premium_mtd", "cases_mtd", "target_month", "achievement_mtd"]

# What one sheet holds besides the figures and the ranked members; the rest is counted ("and 4 more").
SHEET_NOTICES = 3
SHEET_REPORTS = 4
SHEET_ITEMS = 6


@dataclass(frozen=True)
class Settings:
    days: int
    pdf_levels: int


def settings(config: dict[str, Any]) -> Settings:
    briefs = config["briefs"]
    return Settings(int(briefs["days"]), int(briefs["pdf_levels"]))


def brief_days(sales: pd.DataFrame, as_of: dt.date, days: int) -> list[dt.date]:
    """The days that get briefs: the last `days` days with a daily report (days with sales, and the as-of day)."""
    return report_dates(sales, as_of)[-days:] if days > 0 else []


def faq_item(entries: list[Document], day: dt.date, linked: bool) -> dict[str, Any] | None:
    """The booklet's entry of the day (see metrics.briefs.of_the_day), as the brief and the board show it; linked
    to its place in the booklet when the booklet's page is made."""
    doc = metrics.of_the_day(entries, day)
    if doc is None:
        return None
    return {"rank": doc.meta["rank"], "question": doc.meta["question"], "slug": doc.slug,
            "href": f"faq/#{doc.slug}" if linked else None}


def _warnings(ctx: Context, day: dt.date) -> list[dict[str, Any]]:
    """The open warnings about people on `day`: person, name, unit_name, kind (a wording key), detail."""
    tables, rules, t, fmt = ctx.tables, ctx.config["rules"], ctx.t, ctx.fmt
    parts = []
    found = warning_metrics.newcomers_at_risk(tables, day, rules["newcomer_months"], rules["newcomer_premium"],
                                              rules["newcomer_cases"])
    parts.append(found.assign(kind="warn.newcomers", detail=[
        t("brief.short_by", amount=fmt.money(v)) for v in found["premium_short"]]))
    found = warning_metrics.inactive(tables, day, rules["inactive_days"])
    parts.append(found.assign(kind="warn.inactive", detail=[
        t("brief.days_without", days=fmt.number(v)) if not pd.isna(v) else "" for v in found["days_since"]]))
    found = warning_metrics.zero_this_month(tables, day)
    parts.append(found.assign(kind="warn.zero", detail=""))
    columns = ["person", "name", "unit", "unit_name", "kind", "detail"]
    return [{name: clean(value) for name, value in zip(columns, values, strict=True)}
            for part in parts for values in part[columns].itertuples(index=False)]


def _followups(ctx: Context, day: dt.date) -> list[reg.FollowUp]:
    found = reg.register_followups(ctx.tables, present(ctx), ctx.config["cadence"], ctx.config["rules"], day)
    return reg.overdue_only(i for items in found.values() for i in items)


def _more(t: Any, shown: int, total: int) -> str | None:
    return t("brief.more", count=total - shown) if total > shown else None


def _ranked_table(id: str, caption: str, first: Col, items: list[tuple[str, dict[str, Any]]], middle: Col,
                  href: Any, t: Any) -> Table:
    """KPI rows ranked by month premium: name, rank, the day's and month's premium, `middle`, target, achievement."""
    columns = [first, Col("rank", t("kpi.rank"), "rank"), Col("premium_day", t("kpi.premium_day"), "money"),
               Col("premium_mtd", t("kpi.premium_mtd"), "money"), middle,
               Col("target_month", t("kpi.target_month"), "money"),
               Col("achievement_mtd", t("kpi.achievement_mtd"), "percent")]
    rows = []
    for rank, key, record in metrics.ranked(items):
        row = {**record, "rank": rank}
        if href is not None:
            row["_href"] = href(key)
        rows.append(row)
    return Table(id, caption, columns, rows, csv=False)


def _records(frame: pd.DataFrame, columns: list[str]) -> dict[str, dict[str, Any]]:
    """The rows of a KPI frame by id, with the columns given, as plain values (None for a missing one)."""
    return {str(key): {name: clean(value) for name, value in zip(columns, values, strict=True)}
            for key, values in zip(frame.index, frame[columns].itertuples(index=False), strict=True)}


def _people_table(ctx: Context, people: list[tuple[str, dict[str, Any]]]) -> Table:
    t = ctx.t
    return _ranked_table("brief-people", t("brief.people"), Col("name", t("kpi.person")), people,
                         Col("cases_mtd", t("kpi.cases_mtd"), "number"), person_href if ctx.show_people else None, t)


def _units_table(ctx: Context, units: list[tuple[str, dict[str, Any]]]) -> Table:
    t = ctx.t
    return _ranked_table("brief-units", t("brief.units"), Col("name", t("kpi.unit")), units,
                         Col("headcount", t("kpi.headcount"), "number"), unit_href if ctx.wants("units") else None, t)


@dataclass(frozen=True)
class _Day:
    """What every brief of one day takes its part of."""

    day: dt.date
    units: dict[str, dict[str, Any]]  # each unit's UNIT_COLUMNS, by id
    members: dict[str, list[tuple[str, dict[str, Any]]]]  # each unit's own people (employed, or with premium this
    # month): id and PERSON_COLUMNS
    names: dict[str, str]  # every person's name, by id
    heads: dict[str, str]  # each unit's head (a person id), by unit id
    warnings: list[dict[str, Any]]  # see _warnings
    followups: list[reg.FollowUp]
    notices: Addressed[Document]
    reports: list[BattleReport]  # the battle reports of the day (a unit picks those meant for it)
    faq: dict[str, Any] | None
    expected: dict[str, Forecast]  # each unit's forecast of the day, made the day before
    tomorrow: dict[str, Forecast]  # each unit's forecast of the next day
    summons: dict[str, Any] | None = None  # the units summoned this week (pages/summons.py), for the top units


class _People:
    """Who of a list of people is in a unit or below it, for every unit in turn: the people's places among
    every person id (see kpis._Org.member_positions), found once."""

    def __init__(self, tables: dict[str, pd.DataFrame], ids: list[object]) -> None:
        self.org = org_of(tables)
        self.at = self.org.index.get_indexer(pd.Index(ids, dtype=object))  # -1: not a person

    def within(self, unit: str) -> np.ndarray:
        """The positions in the list of those in `unit` or below it, in the list's order."""
        member = np.zeros(len(self.org.index) + 1, dtype=bool)  # the last one: the -1 of an unknown id
        member[self.org.member_positions(unit)] = True
        return np.flatnonzero(member[self.at])


def _brief(ctx: Context, day: _Day, unit: str, pdf: bool, warned_people: _People, owners: _People) -> Page:
    t, tree, tables = ctx.t, ctx.tree, ctx.tables
    row = day.units[unit]
    children = [c for c in tree.children.get(unit, []) if c in day.units]
    own = day.members.get(unit)
    people_names, heads = day.names, day.heads
    warned = [day.warnings[i] for i in warned_people.within(unit).tolist()]
    warnings = [{"name": r["name"], "unit": r["unit_name"], "kind": t(r["kind"]), "detail": r["detail"],
                 "owner": people_names.get(heads.get(r["unit"], ""))} for r in warned[:SHEET_ITEMS]]
    overdue = [day.followups[i] for i in owners.within(unit).tolist()]
    # with a follow-up log, an item overdue past the grace days without a remedy plan says so (倒逼)
    pushed = ({(f.register, f.id) for f in reg.remedy_missing(overdue, int(ctx.config["rules"]["remedy_grace_days"]))}
              if ctx.site.has("followup_log") else set())
    followups = [{"owner": people_names.get(f.owner, f.owner), "register": t(REGISTER[f.register].label),
                  "item": f.item, "days_overdue": f.days_overdue, "no_plan": (f.register, f.id) in pushed}
                 for f in overdue[:SHEET_ITEMS]]
    # The day's battle reports and the current notices meant for this unit (front matter `units`), as its screen.
    reports = [r for r in day.reports if report_for(r, unit, tree)]
    notices = day.notices.meant_for(unit)  # positions: a brief shows the first few and counts the rest
    stamp = day.day.isoformat()
    context = {
        "day": day.day,
        "unit": {"id": unit, "name": row["name"], "href": unit_href(unit) if ctx.wants("units") else None},
        "ancestors": [(brief_href(day.day, a), day.units[a]["name"]) for a in tree.ancestors(unit) if a in day.units],
        "figures": metrics.figures(row, tables, day.day, unit),
        "forecast": metrics.forecast_check(day.expected[unit], float(row["premium_day"] or 0)),
        "tomorrow": day.tomorrow[unit].value,
        "units": _units_table(ctx, [(c, day.units[c]) for c in children]) if children else None,
        "people": _people_table(ctx, own) if own is not None else None,
        "faq": day.faq,
        "notices": [{"title": d.title, "slug": d.slug, "date": d.meta["date"], "pinned": bool(d.meta.get("pinned"))}
                    for d in (day.notices.documents[i] for i in notices[:SHEET_NOTICES].tolist())],
        "notices_more": _more(t, SHEET_NOTICES, len(notices)),
        "reports": reports[:SHEET_REPORTS],
        "reports_more": _more(t, SHEET_REPORTS, len(reports)),
        "warnings": warnings,
        "warnings_more": _more(t, len(warnings), len(warned)),
        "followups": followups,
        "followups_more": _more(t, len(followups), len(overdue)),
        "daily_href": f"daily/{stamp}/" if ctx.wants("daily") else None,
        "notices_linked": ctx.wants("notices"),
        "pdf": brief_pdf(day.day, unit).rpartition("/")[2] if pdf else None,
        # the top unit's management holds the one-on-one debriefs (述职), so its brief names who is summoned
        "summons": day.summons if tree.depth[unit] == 0 else None,
    }
    path = brief_href(day.day, unit)
    return Page(f"{path}index.html", "brief.html", t("brief.title_for", unit=row["name"],
                                                      date=ctx.fmt.date(day.day, year=True)),
                "daily", context, pdf=brief_pdf(day.day, unit) if pdf else None)


def pdf_units(tree: UnitTree, levels: int) -> set[str]:
    """The units whose as-of brief is also a PDF: those within `levels` levels from the top (1: the top units)."""
    return {u for u in tree.order if tree.depth[u] < levels}


def build(ctx: Context) -> Section | None:
    """daily/<day>/units/<unit>/: the briefs of the last days; the as-of day's upper levels also as PDFs."""
    if not ctx.wants("briefs"):
        return None
    chosen = settings(ctx.config)
    days = brief_days(ctx.tables["sales"], ctx.as_of, chosen.days)
    if not days or ctx.units.empty:
        return None
    entries, _ = faq_order(ctx.site.documents["faq"])
    reports = ctx.reports
    notices = ctx.site.documents["notices"]
    with_pdf = pdf_units(ctx.tree, chosen.pdf_levels)
    tables = ctx.tables
    heads = {str(u): str(h) for u, h in zip(tables["units"]["id"], tables["units"]["head"], strict=True) if clean(h)}
    prepare(tables)
    warning_metrics.sorted_sale_dates(tables["sales"], derived_of(tables))  # every day's warnings need them

    def one(position: int) -> list[Page]:
        day = days[position]
        kpis = unit_kpis(tables, day)
        units = _records(kpis, UNIT_COLUMNS)
        order = [u for u in ctx.tree.order if u in units]
        people = person_kpis(tables, day)
        shown = people[people["employed"] | (people["premium_mtd"].fillna(0) != 0)]
        members_of: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for person, record in _records(shown, [*PERSON_COLUMNS, "unit"]).items():
            members_of.setdefault(str(record.pop("unit")), []).append((person, record))
        names = dict(zip(people.index.astype(str), people["name"], strict=True))
        found = _Day(day, units, members_of, names, heads, _warnings(ctx, day), _followups(ctx, day),
                     Addressed(select_notices(notices, day).current, ctx.tree), [r for r in reports if r.date == day],
                     faq_item(entries, day, ctx.wants("faq")), metrics.day_forecasts(tables, day, order),
                     metrics.day_forecasts(tables, day + dt.timedelta(days=1), order), summons_on(ctx, kpis, day))
        warned = _People(tables, [r["person"] for r in found.warnings])
        owners = _People(tables, [f.owner for f in found.followups])
        pages = [_brief(ctx, found, unit, day == ctx.as_of and unit in with_pdf, warned, owners) for unit in order]
        for page in pages:
            page.pack()  # sent back from the worker, and held until rendered, as its pickle
        return pages

    pages = [page for day_pages in forked_map(one, range(len(days)), min_items=2) for page in day_pages]
    return Section("briefs", None, pages, table_files=False)
