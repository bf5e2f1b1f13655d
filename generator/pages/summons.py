"""The board's list of units to summon this week for a one-on-one debrief (述职): the best and the worst by
month-to-date achievement at the level the site sets (metrics/warnings.py summons); the top units' morning
briefs show the same list as of their day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..metrics.tracking import week_start
from ..metrics.warnings import summons
from .context import Context
from .links import unit_href
from .tables import Col, Table


def summon_items(ctx: Context) -> dict[str, Any] | None:
    """For the board: the units summoned (best, worst) with their achievement, the rule and the table behind them
    (its CSV, summons.csv, is written beside the board); None when none."""
    return summons_on(ctx, ctx.units, ctx.as_of)


def summons_on(ctx: Context, units: pd.DataFrame, day: dt.date) -> dict[str, Any] | None:
    """The units summoned in `day`'s week by the unit KPIs of `day` (`units`, as unit_kpis gives them), as the board
    and the top units' morning briefs show them; None when none."""
    rules, t = ctx.config["rules"], ctx.t
    depth, count = int(rules["summon_level"]), int(rules["summon_count"])
    best, worst = summons(units, depth, count)
    if not best and not worst:
        return None
    link = ctx.wants("units")

    names = units["name"].to_dict()

    def item(unit: str, achievement: float) -> dict[str, Any]:
        return {"name": names[unit], "achievement": achievement, "href": unit_href(unit) if link else None}

    week = week_start(day)
    rows = [{"group": t(f"summon.{group}"), "unit": unit, "name": names[unit],
             "premium_mtd": units.at[unit, "premium_mtd"], "target_month": units.at[unit, "target_month"],
             "achievement": achievement} for group, found in (("best", best), ("worst", worst))
            for unit, achievement in found]
    table = Table("summons", t("summon.title"), [
        Col("group", t("summon.group")), Col("unit", t("col.id")), Col("name", t("kpi.unit")),
        Col("premium_mtd", t("kpi.premium_mtd"), "money"), Col("target_month", t("kpi.target_month"), "money"),
        Col("achievement", t("kpi.achievement_mtd"), "percent")], rows)
    return {"best": [item(*u) for u in best], "worst": [item(*u) for u in worst],
            "rule": t("summon.rule", count=count, level=depth, week=ctx.fmt.date(week, year=True)), "table": table}
