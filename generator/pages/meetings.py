"""meetings/: the calendar by level and kind, upcoming and past; each meeting's page with its minutes,
decisions and owners, attendees and debriefs; late debriefs flagged. The rules are in metrics/meetings.py."""

from __future__ import annotations

from typing import Any

from ..i18n import Translator
from ..metrics.meetings import (
    KINDS,
    LEVELS,
    Debrief,
    Meeting,
    calendar_counts,
    decision_status,
    late_redos,
    make_debriefs,
    make_meetings,
    split_by_date,
    unevaluated,
)
from ..render import Page
from .context import Context, Section
from .links import unit_href
from .tables import Col, Table
from .warnings import WarningList, warning_rule


def meeting_href(meeting: Meeting) -> str:
    return f"meetings/{meeting.slug}/"


def _label(t: Translator, prefix: str, value: str | None) -> str:
    return t(f"{prefix}.{value}") if value else t(f"{prefix}.none")


def _unit_names(ctx: Context) -> dict[str, str]:
    units = ctx.tables.get("units")
    if units is None or units.empty:
        return {}
    return {str(i): str(n) for i, n in zip(units["id"], units["name"], strict=True)}


def _meeting_row(m: Meeting, ctx: Context, units: dict[str, str]) -> dict[str, Any]:
    t = ctx.t
    return {
        "title": m.title, "date": m.date, "time": m.time.strftime("%H:%M") if m.time else m.time_text,
        "level": _label(t, "level", m.level), "kind": _label(t, "mkind", m.kind),
        "unit": units.get(m.unit, m.unit) if m.unit else None, "host": m.host,
        "decisions": len(m.decisions), "_href": meeting_href(m),
    }


def _meeting_columns(t: Translator) -> list[Col]:
    return [Col("title", t("meetings.meeting")), Col("date", t("meetings.date"), "date"),
            Col("time", t("meetings.time")), Col("kind", t("meetings.kind")), Col("unit", t("meetings.unit")),
            Col("host", t("meetings.host")), Col("decisions", t("meetings.decision_count"), "number")]


def _decision_rows(meetings: list[Meeting], ctx: Context, names: dict[str, str], with_meeting: bool
                   ) -> list[dict[str, Any]]:
    t = ctx.t
    rows = []
    for m in meetings:
        for d in m.decisions:
            status = decision_status(d, ctx.as_of)
            label = t(f"decision.{status}")
            if d.due_text:
                label += t("sep.clause") + t("decision.bad_due", due=d.due_text)
            row = {"item": d.text, "owner": names.get(d.owner, d.owner) if d.owner else None, "due": d.due,
                   "status": label, "meeting": m.title, "meeting_date": m.date}
            if status in ("overdue", "no_owner"):
                row["_class"] = "flag"
            if with_meeting:
                row["_href"] = meeting_href(m)
            rows.append(row)
    return rows


def _decision_columns(t: Translator, with_meeting: bool) -> list[Col]:
    columns = [Col("item", t("decision.item")), Col("owner", t("decision.owner")),
               Col("due", t("decision.due"), "date"), Col("status", t("decision.status"))]
    if with_meeting:
        columns += [Col("meeting", t("meetings.meeting")), Col("meeting_date", t("meetings.date"), "date")]
    return columns


def _debrief_rows(debriefs: list[Debrief], ctx: Context, units: dict[str, str], link: bool) -> list[dict[str, Any]]:
    t = ctx.t
    rows = []
    for d in debriefs:
        meta = d.doc.meta
        if d.meeting is None:
            status = t("debrief.no_meeting", meeting=meta["meeting"])
        else:
            status = t("debrief.late") if d.late else t("debrief.on_time")
        unit = meta.get("unit")
        row = {
            "title": d.doc.title, "presenter": meta.get("presenter") or None,
            "unit": units.get(unit, unit) if unit else None,
            "meeting": d.meeting.title if d.meeting else meta["meeting"],
            "submitted": d.submitted.strftime("%Y-%m-%d %H:%M"),
            "deadline": d.deadline.strftime("%Y-%m-%d %H:%M") if d.deadline else None,
            "hours": ctx.fmt.number(d.hours_before, 1) if d.hours_before is not None else None,
            "status": status, "late": d.late,
            "review": t(f"debrief.review.{d.status}") if d.status else t("debrief.review.none"),
        }
        if d.late or d.meeting is None:
            row["_class"] = "flag"
        if link and d.meeting is not None:
            row["_href"] = f"{meeting_href(d.meeting)}index.html#{d.doc.slug}"
        rows.append(row)
    return rows


def _debrief_columns(t: Translator) -> list[Col]:
    return [Col("title", t("debrief.title")), Col("presenter", t("debrief.presenter")),
            Col("unit", t("meetings.unit")),
            Col("meeting", t("meetings.meeting")), Col("submitted", t("debrief.submitted")),
            Col("deadline", t("debrief.deadline")), Col("hours", t("debrief.hours")),
            Col("status", t("debrief.status")), Col("review", t("debrief.review"))]


def _people_names(ctx: Context) -> dict[str, str]:
    people = ctx.tables.get("people")
    if people is None or people.empty:
        return {}
    return {str(i): str(n) for i, n in zip(people["id"], people["name"], strict=True)}


def build(ctx: Context) -> Section | None:
    """meetings/ and meetings/<slug>/."""
    if not ctx.wants("meetings"):
        return None
    docs = ctx.site.documents.get("meetings", [])
    debrief_docs = ctx.site.documents.get("debriefs", [])
    if not docs and not debrief_docs:
        return None
    t = ctx.t
    meetings = make_meetings(docs)
    debriefs = make_debriefs(debrief_docs, meetings)
    upcoming, past = split_by_date(meetings, ctx.as_of)
    units, names = _unit_names(ctx), _people_names(ctx)

    counts = calendar_counts(meetings)
    levels = [lv for lv in (*LEVELS, None) if any(k[0] == lv for k in counts)]
    kinds = [k for k in (*KINDS, None) if any(c[1] == k for c in counts)]
    matrix_cols = [Col("level", t("meetings.level")),
                   *(Col(f"k_{k or 'none'}", _label(t, "mkind", k), "number", csv_key=k or "none") for k in kinds),
                   Col("total", t("meetings.total"), "number")]
    matrix = []
    for lv in levels:
        row: dict[str, Any] = {"level": _label(t, "level", lv)}
        for k in kinds:
            row[f"k_{k or 'none'}"] = counts.get((lv, k), 0)
        row["total"] = sum(counts.get((lv, k), 0) for k in kinds)
        matrix.append(row)
    matrix.append({"level": t("meetings.total"), **{f"k_{k or 'none'}": sum(counts.get((lv, k), 0) for lv in levels)
                                                   for k in kinds}, "total": len(meetings), "_class": "level-0"})

    def by_level(chosen: list[Meeting], prefix: str) -> list[dict[str, Any]]:
        groups = []
        for lv in (*LEVELS, None):
            in_level = [m for m in chosen if m.level == lv]
            if in_level:
                title = _label(t, "level", lv)
                groups.append({"title": title, "table": Table(f"{prefix}-{lv or 'none'}", title, _meeting_columns(t),
                                                              [_meeting_row(m, ctx, units) for m in in_level])})
        return groups

    index = Page("meetings/index.html", "meetings.html", t("meetings.title"), "meetings", {
        "calendar": Table("calendar", t("meetings.calendar"), matrix_cols, matrix),
        "upcoming": by_level(upcoming, "upcoming"),
        "past": by_level(past, "past"),
        "decisions": Table("decisions", t("meetings.decisions"), _decision_columns(t, True),
                           _decision_rows(list(reversed(past)) + upcoming, ctx, names, True)),
        "debriefs": Table("debriefs", t("meetings.debriefs"), _debrief_columns(t),
                          _debrief_rows(debriefs, ctx, units, True)),
        "late_count": sum(1 for d in debriefs if d.late),
    })
    pages = [index]
    for m in meetings:
        mine = [d for d in debriefs if d.meeting is m]
        pages.append(Page(f"meetings/{m.slug}/index.html", "meeting.html", m.title, "meetings", {
            "meeting": m,
            "level": _label(t, "level", m.level), "kind": _label(t, "mkind", m.kind),
            "unit_name": units.get(m.unit, m.unit) if m.unit else None,
            "unit_link": unit_href(m.unit) if m.unit in units and ctx.wants("units") else None,
            "attendees": [names.get(a, a) for a in m.attendees],
            "decisions": Table("decisions", t("meetings.decisions"), _decision_columns(t, False),
                               _decision_rows([m], ctx, names, False)),
            "debriefs": Table("debriefs", t("meetings.debriefs"), _debrief_columns(t),
                              _debrief_rows(mine, ctx, units, False)),
            "debrief_docs": [d.doc for d in mine],
        }))
    return Section("meetings", "meetings/", pages)


@warning_rule(order=95)
def meetings_without_evaluation(ctx: Context) -> WarningList | None:
    """Meetings held the set number of days ago or more with no evaluation (会后评估) written."""
    if not ctx.wants("meetings") or not ctx.site.documents.get("meetings"):
        return None
    t, days = ctx.t, int(ctx.config["rules"]["meeting_evaluation_days"])
    units = _unit_names(ctx)
    found = unevaluated(make_meetings(ctx.site.documents["meetings"]), ctx.as_of, days)
    rows = [{**_meeting_row(m, ctx, units), "days": since} for m, since in found]
    return WarningList("meetings-unevaluated", t("review.unevaluated"), t("review.unevaluated_rule", days=days),
                       [*_meeting_columns(t), Col("days", t("review.days_since"), "number")], rows)


@warning_rule(order=96)
def debriefs_redo_late(ctx: Context) -> WarningList | None:
    """Debriefs marked redo (重做) and not done again by their due day."""
    if not ctx.wants("meetings") or not ctx.site.documents.get("debriefs"):
        return None
    t, days = ctx.t, int(ctx.config["rules"]["debrief_redo_days"])
    meetings = make_meetings(ctx.site.documents.get("meetings", []))
    found = late_redos(make_debriefs(ctx.site.documents["debriefs"], meetings), ctx.as_of, days)
    units = _unit_names(ctx)
    shown = _debrief_rows([d for d, _, _ in found], ctx, units, True)
    rows = [{**row, "due": due, "days_late": late} for (_, due, late), row in zip(found, shown, strict=True)]
    return WarningList("debriefs-redo", t("review.redo_late"), t("review.redo_rule", days=days), [
        Col("title", t("debrief.title")), Col("presenter", t("debrief.presenter")), Col("unit", t("meetings.unit")),
        Col("meeting", t("meetings.meeting")), Col("submitted", t("debrief.submitted")),
        Col("due", t("review.redo_due"), "date"), Col("days_late", t("review.days_late"), "number")], rows)
