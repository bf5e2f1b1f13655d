"""talks/: which of each supervisor's people had a performance talk this period; and the monthly awards.

Both belong to the seed's 员工激励: a monthly talk between supervisor and employee, and the monthly
best-employee award. Awards have no page of their own: they are shown on the board, on each
person's page and as the "awards" screen slide (see `award_items`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..inputs.content import safe_segment
from ..metrics.development import current_awards, talk_coverage, talk_period, talks_in_period
from ..metrics.kpis import text_or_none
from ..render import Page
from .context import Context, Section
from .links import person_href
from .tables import Col, Table, clean, row_dicts
from .warnings import WarningList, warning_rule


def _anchor(supervisor: str | None) -> str:
    return "talks-sup-" + (safe_segment(supervisor) if supervisor else "none")


def _names(ctx: Context) -> tuple[dict[str, str], dict[str, str]]:
    people, units = ctx.tables["people"], ctx.tables["units"]
    return dict(zip(people["id"], people["name"], strict=True)), dict(zip(units["id"], units["name"], strict=True))


def _coverage(ctx: Context) -> tuple[pd.DataFrame, dt.date, dt.date, str]:
    cadence = str(ctx.config["rules"]["talk_cadence"])
    start, end = talk_period(ctx.as_of, cadence)
    frame = talk_coverage(ctx.tables["people"], ctx.tables["units"], ctx.tree, ctx.tables["talks"], ctx.as_of,
                          cadence)
    return frame, start, end, cadence


def _ordered_supervisors(coverage: pd.DataFrame, ctx: Context) -> list[str | None]:
    """Supervisors in the order of the first unit each heads (tree order), those heading none after, None last."""
    position = {u: i for i, u in enumerate(ctx.tree.order)}
    first_unit: dict[str, int] = {}
    for unit, head in zip(ctx.tables["units"]["id"], ctx.tables["units"]["head"], strict=True):
        head = text_or_none(head)
        if head is not None:
            first_unit[head] = min(first_unit.get(head, len(position)), position.get(unit, len(position)))
    found: set[str] = {s for s in coverage["supervisor"] if s is not None}
    ordered: list[str | None] = [*sorted(found, key=lambda s: (first_unit.get(s, len(position)), s))]
    if coverage["supervisor"].isna().any():
        ordered.append(None)
    return ordered


def build(ctx: Context) -> Section | None:
    """talks/: the period, a summary by supervisor, each supervisor's people, and the period's talk log."""
    if not ctx.wants("talks", "talks"):
        return None
    t = ctx.t
    coverage, start, end, cadence = _coverage(ctx)
    person_names, unit_names = _names(ctx)
    unit_heads = dict(zip(ctx.tables["units"]["id"], ctx.tables["units"]["head"], strict=True))
    heads: dict[str, list[str]] = {}
    for unit in ctx.tree.order:
        head = text_or_none(unit_heads.get(unit))
        if head is not None:
            heads.setdefault(head, []).append(unit_names.get(unit, unit))
    position = {u: i for i, u in enumerate(ctx.tree.order)}
    link = person_href if ctx.show_people else None

    person_cols = [
        Col("name", t("talks.person")), Col("unit_name", t("talks.unit")), Col("status", t("talks.status")),
        Col("talk_date", t("talks.date"), "date"), Col("talk_by_name", t("talks.by")), Col("topic", t("talks.topic")),
        Col("talks", t("talks.count"), "number"), Col("last_talk", t("talks.last"), "date"),
    ]
    summary_rows, groups, everyone = [], [], []
    for supervisor in _ordered_supervisors(coverage, ctx):
        mine = coverage[coverage["supervisor"].isna()] if supervisor is None else \
            coverage[coverage["supervisor"] == supervisor]
        rows = []
        for row in row_dicts(mine):
            href: dict[str, str] = {"_href": link(row["person"])} if link else {}
            rows.append({
                **{k: clean(v) for k, v in row.items()},
                "name": person_names.get(row["person"], row["person"]),
                "unit_name": unit_names.get(row["unit"], row["unit"]),
                "supervisor_name": person_names.get(supervisor, supervisor) if supervisor else None,
                "status": t("talks.done") if row["talked"] else t("talks.not_done"),
                "talk_by_name": person_names.get(row["talk_by"], row["talk_by"]) if clean(row["talk_by"]) else None,
                "_class": "" if row["talked"] else "flag", **href,
            })
        # those still missing first, then by unit and id
        rows.sort(key=lambda r: (r["talked"], position.get(r["unit"], len(position)), r["person"]))
        everyone.extend(rows)
        talked = sum(1 for r in rows if r["talked"])
        name = person_names.get(supervisor, supervisor) if supervisor else t("talks.no_supervisor")
        headed = heads.get(supervisor, []) if supervisor is not None else []  # heads has no None key
        summary_rows.append({
            "supervisor": supervisor, "supervisor_name": name, "heads": t("sep.list").join(headed),
            "people": len(rows), "talked": talked, "missing": len(rows) - talked,
            "coverage": talked / len(rows) if rows else None, "_href": f"talks/index.html#{_anchor(supervisor)}",
            "_class": "flag" if talked < len(rows) else "",
        })
        groups.append({"id": _anchor(supervisor), "name": name, "heads": t("sep.list").join(headed),
                       "missing": len(rows) - talked,
                       "table": Table(_anchor(supervisor) + "-people", name, person_cols, rows, csv=False)})
    summary = Table("talks-supervisors", t("talks.summary"), [
        Col("supervisor_name", t("talks.supervisor")), Col("heads", t("talks.heads")),
        Col("people", t("talks.people"), "number"), Col("talked", t("talks.talked"), "number"),
        Col("missing", t("talks.missing"), "number"), Col("coverage", t("talks.coverage"), "percent"),
    ], summary_rows)
    # The full list as one CSV download (the page shows it split by supervisor).
    all_people = Table("talks-people", t("talks.all_csv"), [
        Col("person", "person"), Col("name", t("talks.person")), Col("unit", "unit"), Col("unit_name", t("talks.unit")),
        Col("supervisor", "supervisor"), Col("supervisor_name", t("talks.supervisor")),
        Col("talked", "talked"), Col("talks", t("talks.count")), Col("talk_date", t("talks.date")),
        Col("talk_by", "talk_by"), Col("topic", t("talks.topic")), Col("last_talk", t("talks.last")),
    ], everyone)

    log_rows = []
    for row in row_dicts(talks_in_period(ctx.tables["talks"], ctx.as_of, cadence)):
        log_rows.append({
            "date": row["date"].date(), "supervisor": row["supervisor"],
            "supervisor_name": person_names.get(row["supervisor"], row["supervisor"]),
            "person": row["person"], "name": person_names.get(row["person"], row["person"]),
            "topic": clean(row["topic"]), "notes": clean(row["notes"]),
        })
    log = Table("talks-log", t("talks.log"), [
        Col("date", t("talks.date"), "date"), Col("supervisor_name", t("talks.by")), Col("name", t("talks.person")),
        Col("topic", t("talks.topic")), Col("notes", t("talks.notes")),
    ], log_rows)
    page = Page("talks/index.html", "talks.html", t("talks.title"), "talks", {
        "period": t("talks.period", cadence=t(f"talks.cadence.{cadence}"), start=ctx.fmt.date(start),
                    end=ctx.fmt.date(end), as_of=ctx.fmt.date(ctx.as_of)),
        "scope": t("talks.scope"), "summary": summary, "groups": groups, "everyone": all_people, "log": log,
    })
    return Section("talks", "talks/", [page])


@warning_rule(order=70)
def missing_talks(ctx: Context) -> WarningList | None:
    """Sales staff in employment with no performance talk in the current period, by supervisor."""
    if not ctx.wants("talks", "talks"):
        return None
    t = ctx.t
    coverage, start, _, cadence = _coverage(ctx)
    person_names, unit_names = _names(ctx)
    order = {s: i for i, s in enumerate(_ordered_supervisors(coverage, ctx))}
    position = {u: i for i, u in enumerate(ctx.tree.order)}
    missing = coverage[~coverage["talked"]].to_dict("records")
    missing.sort(key=lambda r: (order[r["supervisor"]], position.get(r["unit"], len(position)), r["person"]))
    rows: list[dict[str, Any]] = []
    for row in missing:
        supervisor = row["supervisor"]
        last = row["last_talk"]
        rows.append({
            "supervisor": supervisor,
            "supervisor_name": person_names.get(supervisor, supervisor) if supervisor else t("talks.no_supervisor"),
            "person": row["person"], "name": person_names.get(row["person"], row["person"]),
            "unit": row["unit"], "unit_name": unit_names.get(row["unit"], row["unit"]),
            "last_talk": last, "days": (ctx.as_of - last).days if last else None,
            "_href": f"talks/index.html#{_anchor(supervisor)}",
        })
    columns = [
        Col("supervisor_name", t("talks.supervisor")), Col("name", t("talks.person")),
        Col("unit_name", t("talks.unit")), Col("last_talk", t("talks.last"), "date"),
        Col("days", t("talks.days"), "number"), Col("person", t("talks.person_id")),
        Col("supervisor", t("talks.supervisor_id")),
    ]
    return WarningList("talks-missing", t("talks.warning_title"),
                       t("talks.warning_rule", cadence=t(f"talks.cadence.{cadence}"), start=ctx.fmt.date(start)),
                       columns, rows)


def award_items(ctx: Context) -> list[dict[str, Any]]:
    """The current awards (the as-of month and the month before) for the board and the screens, newest first.

    Each item: title, name, unit (display names), month (display label), period (YYYY-MM), person, href.
    """
    if not ctx.site.has("awards"):
        return []
    people = ctx.tables["people"].set_index("id")
    unit_names = dict(zip(ctx.tables["units"]["id"], ctx.tables["units"]["name"], strict=True))
    items = []
    for row in current_awards(ctx.tables["awards"], ctx.as_of).to_dict("records"):
        person = row["person"]
        known = person in people.index
        unit = text_or_none(people.loc[person, "unit"]) if known else None
        items.append({
            "title": row["title"], "person": person, "name": people.loc[person, "name"] if known else person,
            "unit": unit_names.get(unit, unit or ""), "period": row["month"],
            "month": ctx.t("awards.month", year=int(row["month"][:4]), month=int(row["month"][5:7])),
            "href": person_href(person) if ctx.show_people else None,
        })
    return items


SCREEN_AWARDS = 4  # as many as a slide holds at 1280×720 without scrolling (like the battle slide)


def screen_award_items(ctx: Context) -> list[dict[str, Any]]:
    """The awards for the screen slide: those of the latest current month, at most SCREEN_AWARDS."""
    items = award_items(ctx)
    latest = [a for a in items if a["period"] == items[0]["period"]] if items else []
    return latest[:SCREEN_AWARDS]
