"""New projects' daily, weekly and monthly indicators: their block on the projects register (projects/#indicators)
and the warning for new projects behind an indicator. The rules are in metrics/project_indicators.py."""

from __future__ import annotations

from typing import Any

from ..metrics import project_indicators as metrics
from ..metrics import registers as reg
from ..metrics.registers import REGISTER
from .context import Context
from .tables import Col, Table
from .warnings import WarningList, warning_rule


def _current(ctx: Context) -> list[metrics.Indicator]:
    rules = ctx.config["rules"]
    return metrics.current_indicators(ctx.tables.get("project_indicators"), ctx.as_of, rules["time_progress"],
                                      tuple(rules["holidays"]), float(rules["pace_tolerance"]) / 100)


def _rows(ctx: Context, indicators: list[metrics.Indicator], projects: list[dict[str, Any]],
          names: dict[str, str]) -> list[dict[str, Any]]:
    """One row per indicator of a project in `projects` (the register's open projects), in its words."""
    t, new_days = ctx.t, int(ctx.config["rules"]["project_new_days"])
    by_id = {p["id"]: p for p in projects}
    rows = []
    for i in indicators:
        project = by_id.get(i.project)
        if project is None:
            continue
        new = metrics.is_new(project["start"], ctx.as_of, new_days)
        row = {
            "id": i.project, "name": project["name"], "owner_name": names.get(project["owner"], project["owner"]),
            "owner": project["owner"], "new": t("indicators.new") if new else None, "indicator": i.indicator,
            "period": i.period, "period_label": t(f"indicators.period.{i.period}"), "date": i.date,
            "target": i.target, "actual": i.actual, "achievement": i.achievement, "progress": i.progress,
            "pace": t(f"pace.{i.status}") if i.status else None, "status": i.status, "_row": i.row,
        }
        if i.behind:
            row["_class"] = "flag"
        if project.get("_href"):  # the project's timeline on the register page, when there is a follow-up log
            row["_href"] = project["_href"]
        rows.append(row)
    return rows


def _columns(ctx: Context) -> list[Col]:
    t = ctx.t
    # the figures first, where a phone shows them without scrolling sideways; who and when after
    return [Col("id", t("col.id")), Col("indicator", t("indicators.indicator")),
            Col("period_label", t("indicators.period"), csv_key="period"),
            Col("target", t("indicators.target"), "number"), Col("actual", t("indicators.actual"), "number"),
            Col("achievement", t("indicators.achievement"), "percent"), Col("pace", t("indicators.pace")),
            Col("progress", t("pace.label"), "percent"), Col("name", t("col.name")),
            Col("owner_name", t("col.owner")), Col("owner", t("col.owner_id")), Col("new", t("indicators.new_col")),
            Col("date", t("indicators.date"), "date")]


def _rule(ctx: Context) -> str:
    rules = ctx.config["rules"]
    return ctx.t("indicators.rule", days=int(rules["project_new_days"]),
                 tolerance=ctx.fmt.number(float(rules["pace_tolerance"])))


def indicator_block(ctx: Context, projects: list[dict[str, Any]], names: dict[str, str]
                    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The projects register's block of the open projects' current indicators (id "indicators") and its tile (the
    new projects' indicators behind pace); None without a project_indicators dataset. `projects` are the register's
    rows, `names` the people's names by id."""
    if not ctx.site.has("project_indicators"):
        return None
    t = ctx.t
    open_projects = [p for p in projects if not p["closed"]]
    rows = _rows(ctx, _current(ctx), open_projects, names)
    behind = sum(1 for r in rows if r["status"] == "behind" and r["new"])
    block = {"id": "indicators", "title": t("indicators.title"), "notes": [t("indicators.intro"), _rule(ctx)],
             "table": Table("indicators-table", t("indicators.title"), _columns(ctx), rows),
             "empty": t("indicators.none")}
    return block, {"label": t("indicators.behind_tile"), "value": behind, "kind": "number"}


@warning_rule(order=92)
def new_projects_behind(ctx: Context) -> WarningList | None:
    """Open new projects whose current daily, weekly or monthly indicator is behind its pace."""
    spec = REGISTER["projects"]
    if not ctx.wants(spec.name, spec.dataset) or not ctx.site.has("project_indicators"):
        return None
    t = ctx.t
    people = ctx.tables["people"]
    names = {str(i): str(n) for i, n in zip(people["id"], people["name"], strict=True)}
    projects = reg.project_rows(ctx.tables["projects"], ctx.as_of)
    found = metrics.behind_new_projects(_current(ctx), projects, ctx.as_of,
                                        int(ctx.config["rules"]["project_new_days"]))
    rows = _rows(ctx, found, projects, names)
    for r in rows:
        r["_href"] = f"{spec.name}/#indicators"
        r.pop("_class", None)
    columns = [c for c in _columns(ctx) if c.key != "new"]
    return WarningList("project-indicators", t("indicators.warning"), _rule(ctx), columns, rows)
