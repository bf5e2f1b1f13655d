"""meetings/: the calendar by level and kind, upcoming and past; each meeting's page with its minutes,
decisions and owners, attendees and debriefs; late debriefs flagged. The rules are in metrics/meetings.py."""

from __future__ import annotations

from typing import Any

from ..i18n import register
from ..metrics.meetings import (
    KINDS,
    LEVELS,
    Debrief,
    Meeting,
    calendar_counts,
    decision_status,
    make_debriefs,
    make_meetings,
    split_by_date,
)
from ..render import Page
from .context import Context, Section
from .links import unit_href
from .tables import Col, Table

register({
    "zh-CN": {
        "nav.meetings": "会议",
        "meetings.title": "会议追踪",
        "meetings.intro": "会议分层召开：分公司、营业部、团队；用数据说话，找问题、定责任人、提方案。",
        "meetings.calendar": "会议日历（按层级和类型）",
        "meetings.upcoming": "即将召开",
        "meetings.past": "已召开",
        "meetings.none": "暂无会议。",
        "meetings.decisions": "决议落实",
        "meetings.decisions_none": "纪要中没有写明决议。",
        "meetings.debriefs": "述职报告",
        "meetings.debriefs_rule": "分析会述职须提前一天（会议开始前 24 小时）提交，晚于此时间的标为迟交。",
        "meetings.debriefs_none": "暂无述职报告。",
        "meetings.minutes": "会议纪要",
        "meetings.attendees": "参会人员",
        "meetings.host": "主持人",
        "meetings.unit": "单位",
        "meetings.level": "层级",
        "meetings.kind": "类型",
        "meetings.date": "日期",
        "meetings.time": "时间",
        "meetings.meeting": "会议",
        "meetings.total": "合计",
        "meetings.decision_count": "决议数",
        "meetings.back": "返回会议日历",
        "meetings.bad_time": "时间“{time}”无法识别（应为 HH:MM），按当天 00:00 计算。",
        "meetings.help_title": "怎样在纪要中写决议",
        "meetings.help": "在纪要里加一个“## 决议”标题，下面每条决议写一行列表项，负责人写在“负责人：”后，"
                         "截止日期写在“截止”后；已完成的在开头加 [x]。例如：",
        "meetings.help_example": "## 决议\n- 各组本周五前交回款计划 — 负责人：张三（截止 11月25日）\n"
                                 "- [x] 早会增加十大问题通关 — 负责人：李四",
        "level.branch": "分公司", "level.division": "营业部", "level.team": "团队", "level.none": "未填",
        "mkind.kick-off": "启动会", "mkind.analysis": "经营分析会", "mkind.morning": "早会",
        "mkind.daily": "日新追踪会", "mkind.celebration": "表彰会", "mkind.sharing": "经验分享会",
        "mkind.training": "培训会", "mkind.none": "未填",
        "decision.item": "决议", "decision.owner": "负责人", "decision.due": "截止", "decision.status": "状态",
        "decision.done": "已完成", "decision.open": "落实中", "decision.overdue": "已超期",
        "decision.no_owner": "未指定负责人", "decision.bad_due": "截止日期“{due}”无法识别",
        "debrief.title": "述职", "debrief.presenter": "述职人", "debrief.submitted": "提交时间",
        "debrief.deadline": "应交时间", "debrief.hours": "提前（小时）", "debrief.status": "状态",
        "debrief.late": "迟交", "debrief.on_time": "按时", "debrief.no_meeting": "找不到会议“{meeting}”",
    },
    "en": {
        "nav.meetings": "Meetings",
        "meetings.title": "Meetings",
        "meetings.intro": "Meetings at every level — branch, division, team: speak with data, find the problems, "
                          "name who is responsible, propose the remedy.",
        "meetings.calendar": "Calendar by level and kind",
        "meetings.upcoming": "Upcoming",
        "meetings.past": "Past",
        "meetings.none": "No meetings.",
        "meetings.decisions": "Decisions",
        "meetings.decisions_none": "The minutes list no decisions.",
        "meetings.debriefs": "Debriefs",
        "meetings.debriefs_rule": "Debriefs are due a day ahead (24 hours before the meeting starts); those "
                                  "submitted later are marked late.",
        "meetings.debriefs_none": "No debriefs.",
        "meetings.minutes": "Minutes",
        "meetings.attendees": "Attendees",
        "meetings.host": "Host",
        "meetings.unit": "Unit",
        "meetings.level": "Level",
        "meetings.kind": "Kind",
        "meetings.date": "Date",
        "meetings.time": "Time",
        "meetings.meeting": "Meeting",
        "meetings.total": "Total",
        "meetings.decision_count": "Decisions",
        "meetings.back": "Back to the calendar",
        "meetings.bad_time": "The time \"{time}\" is not HH:MM; the meeting is taken to start at 00:00.",
        "meetings.help_title": "How to write decisions in the minutes",
        "meetings.help": "Add a heading \"## Decisions\" (or 决议) to the minutes and list one decision per item, "
                         "the owner after \"owner:\" (负责人：) and the date after \"due\" (截止); start an item "
                         "with [x] when it is done. For example:",
        "meetings.help_example": "## Decisions\n- Every team hands in its collection plan by Friday — owner: "
                                 "Zhang San (due 2026-11-25)\n- [x] Add the ten-problem drill to the morning "
                                 "meeting — owner: Li Si",
        "level.branch": "Branch", "level.division": "Division", "level.team": "Team", "level.none": "Not given",
        "mkind.kick-off": "Kick-off", "mkind.analysis": "Business analysis", "mkind.morning": "Morning meeting",
        "mkind.daily": "Daily follow-up", "mkind.celebration": "Celebration", "mkind.sharing": "Experience sharing",
        "mkind.training": "Training", "mkind.none": "Not given",
        "decision.item": "Decision", "decision.owner": "Owner", "decision.due": "Due", "decision.status": "Status",
        "decision.done": "Done", "decision.open": "Open", "decision.overdue": "Overdue",
        "decision.no_owner": "No owner", "decision.bad_due": "due date \"{due}\" not understood",
        "debrief.title": "Debrief", "debrief.presenter": "Presenter", "debrief.submitted": "Submitted",
        "debrief.deadline": "Due by", "debrief.hours": "Hours ahead", "debrief.status": "Status",
        "debrief.late": "Late", "debrief.on_time": "On time", "debrief.no_meeting": "no meeting \"{meeting}\"",
    },
})


def meeting_href(meeting: Meeting) -> str:
    return f"meetings/{meeting.slug}/"


def _label(t, prefix: str, value: str | None) -> str:
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


def _meeting_columns(t) -> list[Col]:
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
                label += "；" + t("decision.bad_due", due=d.due_text)
            row = {"item": d.text, "owner": names.get(d.owner, d.owner) if d.owner else None, "due": d.due,
                   "status": label, "meeting": m.title, "meeting_date": m.date}
            if status in ("overdue", "no_owner"):
                row["_class"] = "flag"
            if with_meeting:
                row["_href"] = meeting_href(m)
            rows.append(row)
    return rows


def _decision_columns(t, with_meeting: bool) -> list[Col]:
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
        row = {
            "title": d.doc.title, "presenter": meta.get("presenter") or None,
            "unit": units.get(meta.get("unit"), meta.get("unit")) if meta.get("unit") else None,
            "meeting": d.meeting.title if d.meeting else meta["meeting"],
            "submitted": d.submitted.strftime("%Y-%m-%d %H:%M"),
            "deadline": d.deadline.strftime("%Y-%m-%d %H:%M") if d.deadline else None,
            "hours": ctx.fmt.number(d.hours_before, 1) if d.hours_before is not None else None,
            "status": status, "late": d.late,
        }
        if d.late or d.meeting is None:
            row["_class"] = "flag"
        if link and d.meeting is not None:
            row["_href"] = f"{meeting_href(d.meeting)}index.html#{d.doc.slug}"
        rows.append(row)
    return rows


def _debrief_columns(t) -> list[Col]:
    return [Col("title", t("debrief.title")), Col("presenter", t("debrief.presenter")),
            Col("unit", t("meetings.unit")),
            Col("meeting", t("meetings.meeting")), Col("submitted", t("debrief.submitted")),
            Col("deadline", t("debrief.deadline")), Col("hours", t("debrief.hours")),
            Col("status", t("debrief.status"))]


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
