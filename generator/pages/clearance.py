"""Newcomers' 通关 on the person pages (progress), the unit pages (pass rate) and the warnings page (newcomers past
the set days without passing all ten problems). The rules are in metrics/clearance.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..metrics import clearance as metrics
from ..metrics.kpis import UnitTree
from .context import Context
from .links import person_href
from .tables import Col
from .warnings import WarningList, warning_rule


def person_clearance(tables: dict[str, pd.DataFrame], as_of: dt.date, months: int) -> dict[str, dict[str, Any]]:
    """Per person with a record or a newcomer: problems passed (rank and day), the count and whether a newcomer."""
    passed = metrics.passed_problems(tables["clearance"], as_of)
    newcomers = {r["person"] for r in metrics.newcomer_progress(tables["people"], tables["clearance"], as_of,
                                                                 months)}
    out = {}
    for person in sorted(set(passed) | newcomers):
        done = passed.get(person, {})
        out[person] = {"problems": [{"rank": p, "date": done.get(p)} for p in metrics.PROBLEMS],
                       "passed": sum(1 for p in metrics.PROBLEMS if p in done), "total": len(metrics.PROBLEMS),
                       "newcomer": person in newcomers}
    return out


def unit_clearance(tables: dict[str, pd.DataFrame], tree: UnitTree, as_of: dt.date, months: int
                   ) -> dict[str, dict[str, Any]]:
    """Per unit with newcomers: newcomers, cleared, pass rate."""
    progress = metrics.newcomer_progress(tables["people"], tables["clearance"], as_of, months)
    return metrics.unit_pass_rates(progress, tree)


@warning_rule(15)
def newcomers_not_cleared(ctx: Context) -> WarningList | None:
    """Newcomers past the set days since joining without passing all ten problems."""
    if not ctx.site.has("clearance"):
        return None
    rules, t = ctx.config["rules"], ctx.t
    days, months = int(rules["clearance_days"]), int(rules["newcomer_months"])
    progress = metrics.newcomer_progress(ctx.tables["people"], ctx.tables["clearance"], ctx.as_of, months)
    people, units = ctx.tables["people"], ctx.tables["units"]
    names = dict(zip(people["id"].astype(str), people["name"], strict=True))
    unit_names = dict(zip(units["id"].astype(str), units["name"], strict=True))
    rows = [{"name": names.get(r["person"], r["person"]), "unit": unit_names.get(r["unit"], r["unit"]),
             "join_date": r["join_date"], "days": r["days"], "passed": r["passed"],
             "missing": len(metrics.PROBLEMS) - r["passed"],
             "_href": person_href(r["person"]) if ctx.show_people else None}
            for r in metrics.overdue_clearance(progress, days)]
    return WarningList("clearance", t("clearance.warning"),
                       t("clearance.warning_rule", days=days, months=months, total=len(metrics.PROBLEMS)), [
                           Col("name", t("warn.person")), Col("unit", t("warn.unit")),
                           Col("join_date", t("warn.join_date"), "date"), Col("days", t("warn.days"), "number"),
                           Col("passed", t("clearance.passed"), "number"),
                           Col("missing", t("clearance.missing"), "number")], rows)
