"""The board's list of units to summon this week for a one-on-one debrief (述职): the best and the worst by
month-to-date achievement at the level the site sets (metrics/warnings.py summons)."""

from __future__ import annotations

from typing import Any

from ..metrics.tracking import week_start
from ..metrics.warnings import summons
from .context import Context
from .links import unit_href


def summon_items(ctx: Context) -> dict[str, Any] | None:
    """For the board: the units summoned (best, worst) with their achievement, and the rule; None when none."""
    rules, t = ctx.config["rules"], ctx.t
    depth, count = int(rules["summon_level"]), int(rules["summon_count"])
    best, worst = summons(ctx.units, depth, count)
    if not best and not worst:
        return None
    link = ctx.wants("units")

    names = ctx.units["name"].to_dict()

    def item(unit: str, achievement: float) -> dict[str, Any]:
        return {"name": names[unit], "achievement": achievement, "href": unit_href(unit) if link else None}

    week = week_start(ctx.as_of)
    return {"best": [item(*u) for u in best], "worst": [item(*u) for u in worst],
            "rule": t("summon.rule", count=count, level=depth, week=ctx.fmt.date(week, year=True))}
