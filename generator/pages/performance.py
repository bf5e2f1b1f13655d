"""Unit pages at every level, person pages and the leaderboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..formats import Formatter
from ..i18n import Translator
from ..metrics.development import awards_up_to
from ..metrics.kpis import UnitTree, leaderboard, prepare, text_or_none, trend_and_month
from ..metrics.pace import daily_needed, days_left, still_needed
from ..output import Output
from ..parallel import forked_map
from ..render import Page
from .chartfiles import ChartFile, compare_chart, cumulative_chart, iso_dates, trend_chart
from .clearance import person_clearance, unit_clearance
from .context import Context, Section
from .kpi_tables import achievement_column, person_columns, records, unit_columns
from .links import brief_href, person_href, unit_href
from .manpower import summaries as manpower_summaries
from .tables import Col, Table, clean, index_dicts, row_dicts, table_files
from .targets import target_tables
from .tracker_accounts import rule_text, unit_forecast_tables


def unit_pages(units: pd.DataFrame, people: pd.DataFrame, tree: UnitTree, tables: dict[str, pd.DataFrame],
               as_of: dt.date, t: Translator, fmt: Formatter, show_people: bool, progress: float | None = None,
               briefs: bool = False, manpower: dict[str, dict[str, Any]] | None = None,
               targets: dict[tuple[str, str], Table] | None = None, clearance: dict[str, dict[str, Any]] | None = None
               ) -> tuple[list[Page], list[ChartFile]]:
    """The units overview and one page per unit; achievement rates read against `progress` (time progress); with
    `briefs`, each links to its morning brief of the as-of day; each with its manpower summary when `manpower` is
    given, its current targets of every kind from `targets` (by ("unit", id)) and its newcomers' 通关 pass rate
    when `clearance` is given."""
    pages: list[Page] = []
    charts: list[ChartFile] = []
    person_link = person_href if show_people else None
    columns = unit_columns(t, fmt, progress)
    rows = records(units, unit_href, columns)
    overview = Table("units", t("units.all"), columns, [dict(row) for row in rows])
    for row in overview.rows:
        row["_class"] = f"level-{row['level']}"
    pages.append(Page("units/index.html", "units.html", t("units.title"), "units", {"table": overview}))
    if units.empty:
        return pages, charts

    # What every unit page takes a part of, made once: rows of the units and of the people shown as members.
    unit_rows = dict(zip(units.index, rows, strict=True))
    # Members by this month's premium, highest first (ties by id); a leaver with sales this month stays, marked.
    shown = people[people["employed"] | (people["premium_mtd"].fillna(0) != 0)]
    shown = shown.assign(_order=shown["premium_mtd"].fillna(0)).sort_values(
        ["_order"], ascending=False, kind="stable").drop(columns="_order")
    member_columns = person_columns(t, fmt, progress)
    member_rows = records(shown, person_link, member_columns, extra=("level", "unit", "name", "employed"))
    for row in member_rows:
        if not row.get("employed"):
            row["_class"] = "left"
            row["name"] = t("people.left_name", name=row["name"])
    # pandas-stubs types GroupBy.indices' values as Index | ndarray | list[int]; pandas gives ndarrays
    members_of = {unit: [member_rows[i] for i in positions.tolist()]  # type: ignore[union-attr]
                  for unit, positions in shown.groupby("unit", sort=False).indices.items()}
    unit_values = units.to_dict("index")
    forecast_tables = unit_forecast_tables(tables, as_of, t)
    forecast_rule = rule_text(t, fmt, as_of)
    holders = role_holders(tables["units"])

    def one(position: int) -> tuple[Page, list[ChartFile]]:
        unit_id = units.index[position]
        unit = unit_values[unit_id]
        base = unit_href(unit_id)
        child_ids = [c for c in tree.children.get(unit_id, []) if c in unit_rows]
        members = members_of.get(unit_id, [])
        page_charts: list[ChartFile] = []
        totals, mtd = trend_and_month(tables, as_of, unit=unit_id, days=30)
        trend = [{"date": d, "premium": round(v, 2)}
                 for d, v in zip(iso_dates(totals["date"]), totals["premium"].astype("float64").tolist(), strict=True)]
        page_charts.append(trend_chart(fmt, f"{base}trend.svg", trend, f"{unit['name']} · {t('chart.trend')}", t))
        title = f"{unit['name']} · {t('chart.cumulative')}"
        page_charts.append(cumulative_chart(fmt, f"{base}cumulative.svg", mtd, title, t))
        if child_ids:
            title = f"{unit['name']} · {t('chart.compare')}"
            page_charts.append(compare_chart(fmt, f"{base}compare.svg", units.loc[child_ids], title, t))
        context = {
            "unit": {**{k: clean(v) for k, v in unit.items()}, "id": unit_id},
            "ancestors": [(a, unit_values[a]["name"]) for a in tree.ancestors(unit_id) if a in unit_values],
            "charts": page_charts,
            "roles": unit_roles(unit_id, holders, people, person_link),
            "any_left": any(not row.get("employed") for row in members),
            "children": Table("children", t("units.children"), columns,
                              [dict(unit_rows[c]) for c in child_ids]) if child_ids else None,
            "members": Table("members", t("units.members"), member_columns, [dict(row) for row in members])
            if members else None,
            "brief": brief_href(as_of, unit_id) if briefs else None,
            "manpower": [manpower[unit_id]] if manpower and unit_id in manpower else None,
            "targets": (targets or {}).get(("unit", unit_id)),
            "forecast_accuracy": forecast_tables.get(unit_id), "forecast_rule": forecast_rule,
            "clearance": (clearance or {}).get(unit_id),
        }
        page = Page(f"{base}index.html", "unit.html", str(unit["name"]), "units", context)
        page.pack()  # sent back from the worker, and held until rendered, as its pickle
        return page, page_charts

    prepare(tables)
    # Each unit on its own: a branch's 500 units spread over every core (forked workers inherit the tables).
    for page, page_charts in forked_map(one, range(len(units))):
        pages.append(page)
        charts.extend(page_charts)
    return pages, charts


def role_holders(units: pd.DataFrame) -> dict[str, dict[str, object]]:
    """The head and tracker cells of each unit of units.csv (of the first row of an id), by unit id: found once,
    not by a pass over the units for each unit page."""
    columns = [c for c in ("head", "tracker") if c in units.columns]
    out: dict[str, dict[str, object]] = {}
    for unit_id, *cells in zip(units["id"].astype(str), *(units[c].tolist() for c in columns), strict=True):
        out.setdefault(unit_id, dict(zip(columns, cells, strict=True)))
    return out


def unit_roles(unit_id: str, holders: dict[str, dict[str, object]], people: pd.DataFrame, person_link: Any
               ) -> list[dict[str, Any]]:
    """The unit's head and tracker by name (linked to their pages), as units.csv names them by id (`holders`: see
    role_holders)."""
    row = holders.get(unit_id)
    out = []
    for column in ("head", "tracker"):
        if row is None or column not in row:
            continue
        person = text_or_none(row[column])
        if person is None:
            continue
        name = people.at[person, "name"] if person in people.index else person
        href = person_link(person) if person_link is not None and person in people.index else None
        out.append({"role": column, "name": clean(name), "href": href})
    return out


def person_pages(people: pd.DataFrame, units: pd.DataFrame, tables: dict[str, pd.DataFrame], as_of: dt.date,
                 t: Translator, fmt: Formatter, targets: dict[tuple[str, str], Table] | None = None,
                 clearance: dict[str, dict[str, Any]] | None = None
                 ) -> tuple[list[Page], list[ChartFile], list[Output]]:
    """One page per person (with their 通关 progress when `clearance` is given), its charts, and the CSV of every
    table the pages show (made before each page is packed: reading a packed page's tables back costs an unpickle).

    A branch has thousands of people: their 30-day trends and orders are computed for everyone at once (one
    group-by, one sort), not person by person.
    """
    pages: list[Page] = []
    charts: list[ChartFile] = []
    files: list[Output] = []
    sales = tables["sales"]
    days = pd.date_range(end=pd.Timestamp(as_of), periods=30, freq="D")
    recent = sales[(sales["date"] >= days[0]) & (sales["date"] <= days[-1])]
    trends = (recent.groupby(["person", "date"])["premium"].sum().unstack("date")
              .reindex(columns=days).fillna(0.0)) if not recent.empty else pd.DataFrame(columns=days)
    day_labels = [d.date().isoformat() for d in days]
    orders: dict[str, list[dict[str, Any]]] = {}
    ordered = recent.sort_values(["date", "_row"], ascending=[False, True], kind="stable")
    for person_id, day, product, premium, cases in zip(ordered["person"], ordered["date"], ordered["product"],
                                                       ordered["premium"], ordered["cases"], strict=True):
        # A product is text or None; NaN when the file has no product column (schemas.Dataset.bulk).
        orders.setdefault(person_id, []).append({"date": day.date(),
                                                 "product": product if isinstance(product, str) else None,
                                                 "premium": clean(premium), "cases": clean(cases)})
    awards: dict[str, list[dict[str, str]]] = {}
    for award in row_dicts(awards_up_to(tables["awards"], as_of)):
        month = t("awards.month", year=int(award["month"][:4]), month=int(award["month"][5:7]))
        awards.setdefault(award["person"], []).append({"title": award["title"], "month": month})
    order_columns = [Col("date", t("kpi.date"), "date"), Col("product", t("kpi.product")),
                     Col("premium", t("kpi.premium"), "money"), Col("cases", t("kpi.cases"), "number")]
    unit_names = units["name"].to_dict()
    # Rank in the branch: among the same people as the leaderboard (the employed sales force).
    branch_ranks = leaderboard(people[people["role"].isin(["agent", "supervisor"]) & people["employed"]],
                               "premium_mtd")["rank"].to_dict()
    trend_rows = dict(zip(trends.index, trends.to_numpy().tolist(), strict=True))
    zero = [0.0] * len(days)
    # Everyone, not only the sales force: registers, training and warnings link managers, trackers and staff too.
    for person_id, person in index_dicts(people).items():
        base = person_href(person_id)
        values = trend_rows.get(person_id, zero)
        trend = [{"date": label, "premium": round(float(v), 2)} for label, v in zip(day_labels, values, strict=True)]
        chart = trend_chart(fmt, f"{base}trend.svg", trend, f"{person['name']} · {t('chart.trend')}", t)
        charts.append(chart)
        unit_id = person["unit"]
        target, mtd = clean(person["target_month"]), clean(person["premium_mtd"]) or 0.0
        rank = clean(branch_ranks.get(person_id))
        page = Page(f"{base}index.html", "person.html", str(person["name"]), "units", {
            "person": {**{k: clean(v) for k, v in person.items()}, "id": person_id},
            "still_needed": still_needed(target, mtd), "daily_needed": daily_needed(target, mtd, as_of),
            "days_left": days_left(as_of), "rank_in_branch": rank, "ranked": len(branch_ranks),
            "unit_name": unit_names.get(unit_id, unit_id),
            "unit_link": unit_href(unit_id) if unit_id in unit_names else None,
            "charts": [chart], "orders": Table("orders", t("people.orders"), order_columns, orders.get(person_id, [])),
            "awards": awards.get(person_id, []), "targets": (targets or {}).get(("person", person_id)),
            "clearance": (clearance or {}).get(str(person_id)),
        })
        files.extend(table_files([page]))
        page.pack()  # held as its pickle until rendered: tens of thousands of people's contexts
        pages.append(page)
    return pages, charts, files


def leaderboard_page(people: pd.DataFrame, units: pd.DataFrame, tree: UnitTree, t: Translator,
                     show_people: bool, fmt: Formatter | None = None, progress: float | None = None) -> Page:
    """Rankings of people and of teams (the units at the bottom of the tree), by day, month and year, and by the
    month's achievement rate (read against `progress`, the time progress) for those with a target."""
    sales_force = people[people["role"].isin(["agent", "supervisor"]) & people["employed"]]
    teams = units.loc[[u for u in units.index if not tree.children.get(u)]]
    unit_names = units["name"].to_dict()

    def people_rows(top_people: pd.DataFrame) -> list[dict[str, Any]]:
        rows = records(top_people, person_href if show_people else None)
        for row in rows:
            row["unit_name"] = unit_names.get(row["unit"], row["unit"])
        return rows

    sections = []
    for period in ("day", "mtd", "ytd"):
        column = f"premium_{period}"
        sections.append({
            "period": period,
            "people": Table(f"people-{period}", t(f"leaderboard.people_{period}"), [
                Col("rank", t("kpi.rank"), "rank"), Col("name", t("kpi.person")), Col("unit_name", t("kpi.unit")),
                Col(column, t(f"kpi.premium_{period}"), "money"), Col(f"cases_{period}", t("kpi.cases"), "number"),
            ], people_rows(leaderboard(sales_force, column, top=20))),
            "teams": Table(f"teams-{period}", t(f"leaderboard.teams_{period}"), [
                Col("rank", t("kpi.rank"), "rank"), Col("name", t("kpi.unit")),
                Col(column, t(f"kpi.premium_{period}"), "money"), Col("headcount", t("kpi.headcount"), "number"),
            ], records(leaderboard(teams, column, top=20), unit_href)),
        })
    # By achievement: only those with a target (a rate without one would be no rate at all).
    rate = achievement_column(t, fmt, progress)
    with_target = sales_force[sales_force["achievement_mtd"].notna()]
    teams_with_target = teams[teams["achievement_mtd"].notna()]
    if len(with_target) or len(teams_with_target):
        sections.insert(2, {  # after the month's premium, the month's other reading
            "period": "rate",
            "people": Table("people-rate", t("leaderboard.by_rate"), [
                Col("rank", t("kpi.rank"), "rank"), Col("name", t("kpi.person")), Col("unit_name", t("kpi.unit")),
                rate, Col("premium_mtd", t("kpi.premium_mtd"), "money"),
                Col("target_month", t("kpi.target_month"), "money"),
            ], people_rows(leaderboard(with_target, "achievement_mtd", top=20))),
            "teams": Table("teams-rate", t("leaderboard.teams_by_rate"), [
                Col("rank", t("kpi.rank"), "rank"), Col("name", t("kpi.unit")), rate,
                Col("premium_mtd", t("kpi.premium_mtd"), "money"), Col("target_month", t("kpi.target_month"), "money"),
            ], records(leaderboard(teams_with_target, "achievement_mtd", top=20), unit_href)),
        })
    return Page("leaderboard/index.html", "leaderboard.html", t("leaderboard.title"), "leaderboard",
                {"sections": sections})


def build_units(ctx: Context) -> Section | None:
    """units/: the overview of every unit and a page per unit."""
    if not ctx.wants("units"):
        return None
    briefs = ctx.wants("briefs") and ctx.config["briefs"]["days"] > 0
    manpower = manpower_summaries(ctx) if ctx.wants("manpower") else None
    clearance = (unit_clearance(ctx.tables, ctx.tree, ctx.as_of, int(ctx.config["rules"]["newcomer_months"]))
                 if ctx.site.has("clearance") else None)
    pages, charts = unit_pages(ctx.units, ctx.people, ctx.tree, ctx.tables, ctx.as_of, ctx.t, ctx.fmt, ctx.show_people,
                               ctx.pacing.progress, briefs, manpower, target_tables(ctx), clearance)
    return Section("units", "units/", pages, charts=charts)


def build_people(ctx: Context) -> Section | None:
    """people/: a page per person, reached from the unit pages (no navigation entry of its own)."""
    if not ctx.show_people:
        return None
    clearance = (person_clearance(ctx.tables, ctx.as_of, int(ctx.config["rules"]["newcomer_months"]))
                 if ctx.site.has("clearance") else None)
    pages, charts, files = person_pages(ctx.people, ctx.tables["units"].set_index("id"), ctx.tables, ctx.as_of,
                                        ctx.t, ctx.fmt, target_tables(ctx), clearance)
    return Section("people", None, pages, files, charts=charts, table_files=False)


def build_leaderboard(ctx: Context) -> Section | None:
    """leaderboard/: rankings of people and teams."""
    if not ctx.wants("leaderboard"):
        return None
    return Section("leaderboard", "leaderboard/", [leaderboard_page(ctx.people, ctx.units, ctx.tree, ctx.t,
                                                                    ctx.show_people, ctx.fmt, ctx.pacing.progress)])
