"""manpower/: joiners, leavers, headcount over twelve months, attrition, the newcomer pipeline and the span;
and the manpower summary that unit pages and the board show."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..charts import Chart
from ..i18n import Translator
from ..metrics.manpower import monthly, pipeline, site_monthly, unit_summary
from ..metrics.targets import current_targets
from ..render import Page
from .chartfiles import ChartFile
from .context import Context, Section
from .links import unit_href
from .tables import Col, Table, clean, index_dicts, row_dicts

MONTHS = 12


def summaries(ctx: Context) -> dict[str, dict[str, Any]]:
    """Each unit's manpower on the as-of date (unit_summary) with its active rate from the KPIs, by unit id."""
    frame = unit_summary(ctx.tables, ctx.as_of)
    active = ctx.units["activity_rate"] if "activity_rate" in ctx.units else pd.Series(dtype="float64")
    out = {}
    for unit, row in index_dicts(frame).items():
        item = {k: clean(v) for k, v in row.items()}
        item["active_rate"] = clean(active.get(unit))
        item["span"] = _span_text(item["span"])
        out[str(unit)] = item
    return out


def _month_columns(t: Translator) -> list[Col]:
    return [
        Col("start", t("manpower.start"), "number"), Col("joiners", t("manpower.joiners"), "number"),
        Col("leavers", t("manpower.leavers"), "number"), Col("end", t("manpower.end"), "number"),
        Col("attrition", t("manpower.attrition"), "percent"),
    ]


def _unit_columns(t: Translator) -> list[Col]:
    return [
        Col("name", t("kpi.unit")), Col("headcount", t("manpower.headcount"), "number"),
        Col("joiners", t("manpower.joiners_mtd"), "number"), Col("leavers", t("manpower.leavers_mtd"), "number"),
        Col("attrition", t("manpower.attrition_mtd"), "percent"),
        Col("active_rate", t("manpower.active_rate"), "percent"), Col("agents", t("manpower.agents"), "number"),
        Col("supervisors", t("manpower.supervisors"), "number"), Col("span", t("manpower.span"), "text"),
    ]


def _span_text(value: float | None) -> str | None:
    # Agents per supervisor to one decimal: "6.5" reads better than 650%, and the number format rounds to whole.
    return None if value is None else f"{value:.1f}"


def build(ctx: Context) -> Section | None:
    """manpower/: the site's tiles and twelve-month headcount, by month, by unit, the pipeline and the definitions."""
    if not ctx.wants("manpower"):
        return None
    t, rules = ctx.t, ctx.config["rules"]
    tree = ctx.tree
    by_unit = monthly(ctx.tables, ctx.as_of, MONTHS)
    site = site_monthly(by_unit, tree.roots)
    units = summaries(ctx)
    flow = pipeline(ctx.tables, ctx.as_of, None, int(rules["newcomer_months"]), float(rules["newcomer_premium"]),
                    float(rules["newcomer_cases"]), MONTHS)
    names = ctx.tables["units"].set_index("id")["name"].to_dict()

    month_rows = [{k: clean(v) for k, v in row.items()} for row in row_dicts(site)]
    months_table = Table("manpower-months", t("manpower.by_month"),
                         [Col("month", t("manpower.month")), *_month_columns(t)], month_rows)
    unit_rows = []
    for unit in tree.order:
        row = units[unit]
        unit_rows.append({**row, "unit": unit, "name": names.get(unit, unit),
                          "_href": unit_href(unit) if ctx.wants("units") else None,
                          "_class": f"level-{tree.depth[unit]}"})
    # Manpower targets whose period holds the as-of date: the headcount ÷ the target, beside the unit's figures.
    found = current_targets(ctx.tables, ctx.as_of)
    goals = found[(found["metric"] == "manpower") & (found["owner_kind"] == "unit")]
    goal_of = {str(u): (clean(g), clean(a)) for u, g, a in zip(goals["owner"], goals["target"], goals["achievement"],
                                                                strict=True)}
    for row in unit_rows:
        row["target"], row["target_achievement"] = goal_of.get(row["unit"], (None, None))
    columns = _unit_columns(t)
    if goal_of:
        columns += [Col("target", t("manpower.target"), "number"),
                    Col("target_achievement", t("manpower.target_achievement"), "percent")]
    units_table = Table("manpower-units", t("manpower.by_unit"), columns, unit_rows)
    history_rows = [{**{k: clean(v) for k, v in row.items()}, "name": names.get(row["unit"], row["unit"])}
                    for row in row_dicts(by_unit)]
    history_table = Table("manpower-unit-months", t("manpower.unit_months"),
                          [Col("name", t("kpi.unit")), Col("unit", t("manpower.unit_id")),
                           Col("month", t("manpower.month")), *_month_columns(t)], history_rows)
    pipeline_table = Table("manpower-pipeline", t("manpower.pipeline"), [
        Col("month", t("manpower.join_month")), Col("joined", t("manpower.joined"), "number"),
        Col("still_in", t("manpower.still_in"), "number"), Col("active", t("manpower.active"), "number"),
        Col("in_period", t("manpower.in_period"), "number"), Col("decided", t("manpower.decided"), "number"),
        Col("converted", t("manpower.converted"), "number"), Col("conversion", t("manpower.conversion"), "percent"),
    ], [{k: clean(v) for k, v in row.items()} for row in row_dicts(flow)])

    chart_rows = [{"month": r["month"], "headcount": int(r["end"])} for r in month_rows]
    title = t("manpower.chart")
    last = chart_rows[-1] if chart_rows else None
    summary = t("manpower.chart_summary", months=len(chart_rows), first=chart_rows[0]["headcount"] if last else 0,
                last=last["headcount"] if last else 0)
    chart = ChartFile("manpower/headcount.svg", Chart("headcount", title, chart_rows, summary),
                      Table("headcount-data", title, [Col("month", t("manpower.month")),
                                                      Col("headcount", t("manpower.end"), "number")],
                            chart_rows, csv=False))

    totals = {key: sum(units[u][key] or 0 for u in tree.roots)
              for key in ("headcount", "joiners", "leavers", "start", "agents", "supervisors")}
    active = int(ctx.units.loc[tree.roots, "active_mtd"].sum()) if not ctx.units.empty else 0
    decided, converted = int(flow["decided"].sum()), int(flow["converted"].sum())
    tiles = {
        **totals,
        "attrition": totals["leavers"] / totals["start"] if totals["start"] else None,
        "active_rate": active / totals["headcount"] if totals["headcount"] else None,
        "span": _span_text(totals["agents"] / totals["supervisors"] if totals["supervisors"] else None),
        "in_period": int(flow["in_period"].sum()),
        "conversion": converted / decided if decided else None,
    }
    definitions = [t(f"manpower.def_{key}") for key in ("force", "flows", "headcount", "attrition", "active", "span")]
    definitions.append(t("manpower.def_converted", months=rules["newcomer_months"],
                         premium=ctx.fmt.money(rules["newcomer_premium"]),
                         cases=ctx.fmt.number(rules["newcomer_cases"], 1 if rules["newcomer_cases"] % 1 else 0)))
    page = Page("manpower/index.html", "manpower.html", t("manpower.title"), "manpower", {
        "tiles": tiles, "chart": chart, "months": months_table, "units_table": units_table,
        "history": history_table, "pipeline": pipeline_table, "definitions": definitions,
        "as_of_note": t("manpower.as_of_note", date=ctx.fmt.date(ctx.as_of)),
    })
    board = [{"id": u, "name": names.get(u, u), **units[u]} for u in tree.roots]
    return Section("manpower", "manpower/", [page], charts=[chart], payload=board)
