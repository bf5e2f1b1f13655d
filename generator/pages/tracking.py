"""tracking/: the daily tracking table (日新追踪表) against the standard, the trackers' notes, and SMS tracking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..i18n import register
from ..metrics import tracking as metrics
from ..metrics.kpis import text_or_none
from ..render import Page
from .context import Context, Section
from .links import unit_href
from .tables import Col, Table, clean

WEEKS = 4  # the log, the summary and the SMS tables cover the last four ISO weeks (the current one to date)
GRID_DAYS = 14  # the day-by-day grid: the working days of the last two weeks
NOTE_DAYS = 7  # highlights and problems of the last seven days

register({
    "zh-CN": {
        "nav.tracking": "追踪",
        "tracking.title": "追踪督办",
        "tracking.window": "统计期间：{first}至{last}（最近 {weeks} 周，本周截至数据日）。",
        "tracking.standard": "日新追踪",
        "tracking.standard_rule": "标准：督办对所跟踪的每个单位，每个工作日至少 {calls} 个电话、{sms} 条短信。"
                                  "工作日指有任一督办填表的日子；当天未填表按 0 计，视为未达标。",
        "tracking.grid": "最近两周逐日（电话/短信）",
        "tracking.grid_note": "标红为未达标；“—”为当天未填表。",
        "tracking.summary": "督办达标汇总",
        "tracking.log": "追踪记录",
        "tracking.notes": "各单位亮点与问题（最近 {days} 天）",
        "tracking.no_notes": "最近没有记录亮点或问题。",
        "tracking.no_log": "统计期间没有追踪记录。",
        "tracking.tracker": "督办",
        "tracking.unit": "单位",
        "tracking.date": "日期",
        "tracking.calls": "电话",
        "tracking.sms": "短信",
        "tracking.days": "工作日",
        "tracking.logged": "已填表",
        "tracking.below": "未达标天数",
        "tracking.below_calls": "电话不足",
        "tracking.below_sms": "短信不足",
        "tracking.missing": "未填表",
        "tracking.calls_total": "电话合计",
        "tracking.sms_total": "短信合计",
        "tracking.status": "状态",
        "tracking.ok": "达标",
        "tracking.highlights": "亮点",
        "tracking.problems": "问题",
        "sms.title": "短信追踪",
        "sms.rules": "规则：免打扰时段 {quiet}（含开始、不含结束）；同一群组每周（周一至周日）不超过 {limit} 条。"
                     "送达率 = 成功 ÷（成功 + 失败）；回复率 = 回复 ÷ 成功。",
        "sms.totals": "发送概况",
        "sms.by_group": "按群组",
        "sms.by_category": "按类别",
        "sms.weekly": "各群组每周条数",
        "sms.quiet": "免打扰时段发送",
        "sms.frequent": "超频群组（每周超过 {limit} 条）",
        "sms.left": "已离司或号码失效的接收人",
        "sms.left_rule": "群组成员中，人员已离司（离司日期不晚于数据日），或号码不属于任何在职人员的，"
                         "应及时从群发系统中删除。",
        "sms.log": "发送记录",
        "sms.none": "无",
        "sms.no_groups": "未提供群组名单（sms_groups），无法检查离司接收人。",
        "sms.sent_at": "发送时间",
        "sms.group": "群组",
        "sms.category": "类别",
        "sms.messages": "条数",
        "sms.recipients": "接收人数",
        "sms.delivered": "成功",
        "sms.failed": "失败",
        "sms.replies": "回复",
        "sms.delivery_rate": "送达率",
        "sms.reply_rate": "回复率",
        "sms.text": "内容",
        "sms.week": "周（周一）",
        "sms.quiet_flag": "免打扰",
        "sms.person": "工号",
        "sms.name": "姓名",
        "sms.phone": "手机",
        "sms.leave_date": "离司日期",
        "sms.reason": "原因",
        "sms.reason_left": "已离司",
        "sms.reason_phone": "号码不属于在职人员",
        "sms.max_week": "单周最多",
        "sms.cat.incentive": "激励",
        "sms.cat.care": "关怀",
        "sms.cat.battle": "战报",
        "sms.cat.notice": "通知",
        "sms.yes": "是",
    },
    "en": {
        "nav.tracking": "Tracking",
        "tracking.title": "Tracking",
        "tracking.window": "Period: {first} to {last} (the last {weeks} weeks, this week to the as-of date).",
        "tracking.standard": "Daily tracking table",
        "tracking.standard_rule": "Standard: for each unit they follow, a tracker makes at least {calls} calls and "
                                  "sends {sms} messages every working day. A working day is a day on which any "
                                  "tracker logged; a day not logged counts as 0 and is below standard.",
        "tracking.grid": "Day by day, last two weeks (calls/messages)",
        "tracking.grid_note": "Red: below standard; “—”: not logged.",
        "tracking.summary": "Standard met, by tracker",
        "tracking.log": "Tracking log",
        "tracking.notes": "Highlights and problems by unit (last {days} days)",
        "tracking.no_notes": "No highlights or problems logged recently.",
        "tracking.no_log": "Nothing was logged in the period.",
        "tracking.tracker": "Tracker",
        "tracking.unit": "Unit",
        "tracking.date": "Date",
        "tracking.calls": "Calls",
        "tracking.sms": "Messages",
        "tracking.days": "Working days",
        "tracking.logged": "Logged",
        "tracking.below": "Days below",
        "tracking.below_calls": "Calls short",
        "tracking.below_sms": "Messages short",
        "tracking.missing": "Not logged",
        "tracking.calls_total": "Calls",
        "tracking.sms_total": "Messages",
        "tracking.status": "Status",
        "tracking.ok": "Met",
        "tracking.highlights": "Highlights",
        "tracking.problems": "Problems",
        "sms.title": "SMS tracking",
        "sms.rules": "Rules: quiet hours {quiet} (start included, end not); at most {limit} messages a week "
                     "(Monday to Sunday) per group. Delivery rate = delivered ÷ (delivered + failed); reply rate = "
                     "replies ÷ delivered.",
        "sms.totals": "Overview",
        "sms.by_group": "By group",
        "sms.by_category": "By category",
        "sms.weekly": "Messages per group per week",
        "sms.quiet": "Sent in quiet hours",
        "sms.frequent": "Groups messaged more than {limit} times a week",
        "sms.left": "Recipients who have left or whose number is stale",
        "sms.left_rule": "Group members who have left (leave date on or before the as-of date), or whose number "
                         "belongs to no one employed, should be removed from the mass-texting system.",
        "sms.log": "Messages sent",
        "sms.none": "None",
        "sms.no_groups": "No group lists (sms_groups) were given, so recipients who left cannot be checked.",
        "sms.sent_at": "Sent at",
        "sms.group": "Group",
        "sms.category": "Category",
        "sms.messages": "Messages",
        "sms.recipients": "Recipients",
        "sms.delivered": "Delivered",
        "sms.failed": "Failed",
        "sms.replies": "Replies",
        "sms.delivery_rate": "Delivery rate",
        "sms.reply_rate": "Reply rate",
        "sms.text": "Text",
        "sms.week": "Week (Monday)",
        "sms.quiet_flag": "Quiet hours",
        "sms.person": "Person id",
        "sms.name": "Name",
        "sms.phone": "Phone",
        "sms.leave_date": "Left on",
        "sms.reason": "Reason",
        "sms.reason_left": "has left",
        "sms.reason_phone": "number not on file for anyone employed",
        "sms.max_week": "Most in a week",
        "sms.cat.incentive": "Incentive",
        "sms.cat.care": "Care",
        "sms.cat.battle": "Battle report",
        "sms.cat.notice": "Notice",
        "sms.yes": "yes",
    },
})


def _day(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _names(ctx: Context) -> tuple[dict[str, str], dict[str, str]]:
    people = ctx.tables["people"]
    units = ctx.tables["units"]
    person = {text_or_none(i): text_or_none(n) or text_or_none(i) for i, n in zip(people["id"], people["name"])}
    unit = {text_or_none(i): text_or_none(n) or text_or_none(i) for i, n in zip(units["id"], units["name"])}
    return person, unit


def quiet_text(quiet: list[str]) -> str:
    return f"{quiet[0]}–{quiet[1]}"


def category_label(ctx: Context, category: str | None) -> str | None:
    return ctx.t(f"sms.cat.{category}") if category in metrics.CATEGORIES else category


def _status(ctx: Context, row: dict[str, Any]) -> str:
    if not row["logged"]:
        return ctx.t("tracking.missing")
    reasons = [ctx.t(key) for key, flag in (("tracking.below_calls", row["below_calls"]),
                                            ("tracking.below_sms", row["below_sms"])) if flag]
    return "、".join(reasons) if reasons else ctx.t("tracking.ok")


def _tracker_section(ctx: Context, first: dt.date) -> dict[str, Any]:
    rules = ctx.config["rules"]
    person, unit = _names(ctx)
    tracking = ctx.tables["tracking"]
    days = metrics.tracker_days(tracking, first, ctx.as_of, rules["tracker_calls"], rules["tracker_sms"])
    t = ctx.t
    log_rows = []
    newest = days.assign(_day=-days["date"].astype("int64")).sort_values(["_day", "tracker", "unit"], kind="mergesort")
    for row in newest.to_dict("records"):
        log_rows.append({
            "date": _day(row["date"]), "tracker": person.get(row["tracker"], row["tracker"]),
            "unit": unit.get(row["unit"], row["unit"]),
            "calls": row["calls"] if row["logged"] else None, "sms": row["sms"] if row["logged"] else None,
            "status": _status(ctx, row), "below": bool(row["below"]),
            "_class": "flag" if row["below"] else None,
        })
    log = Table("tracking-log", t("tracking.log"), [
        Col("date", t("tracking.date"), "date"), Col("tracker", t("tracking.tracker")),
        Col("unit", t("tracking.unit")),
        Col("calls", t("tracking.calls"), "number"), Col("sms", t("tracking.sms"), "number"),
        Col("status", t("tracking.status"))], log_rows)
    summary_rows = [{
        "tracker": person.get(r["tracker"], r["tracker"]), "unit": unit.get(r["unit"], r["unit"]),
        **{k: int(r[k]) for k in ("days", "logged", "below", "below_calls", "below_sms", "missing", "calls", "sms")},
        "_class": "flag" if r["below"] else None,
    } for r in metrics.tracker_summary(days).to_dict("records")]
    summary = Table("tracking-summary", t("tracking.summary"), [
        Col("tracker", t("tracking.tracker")), Col("unit", t("tracking.unit")),
        Col("days", t("tracking.days"), "number"), Col("logged", t("tracking.logged"), "number"),
        Col("below", t("tracking.below"), "number"), Col("below_calls", t("tracking.below_calls"), "number"),
        Col("below_sms", t("tracking.below_sms"), "number"), Col("missing", t("tracking.missing"), "number"),
        Col("calls", t("tracking.calls_total"), "number"), Col("sms", t("tracking.sms_total"), "number")],
        summary_rows)
    grid = _grid(days, ctx.as_of, person, unit)
    notes_first = ctx.as_of - dt.timedelta(days=NOTE_DAYS - 1)
    notes = metrics.tracker_notes(tracking, notes_first, ctx.as_of)
    position = {u: i for i, u in enumerate(ctx.tree.order)}
    note_rows = [{
        "unit": unit.get(r["unit"], r["unit"]), "date": _day(r["date"]),
        "tracker": person.get(r["tracker"], r["tracker"]), "highlights": clean(r["highlights"]),
        "problems": clean(r["problems"]),
        "_href": unit_href(r["unit"]) if r["unit"] in position and ctx.wants("units") else None,
        "_order": (position.get(r["unit"], len(position)), -(pd.Timestamp(r["date"]).value)),
    } for r in notes.to_dict("records")]
    note_rows.sort(key=lambda r: r.pop("_order"))
    notes_table = Table("tracking-notes", t("tracking.notes", days=NOTE_DAYS), [
        Col("unit", t("tracking.unit")), Col("date", t("tracking.date"), "date"),
        Col("tracker", t("tracking.tracker")), Col("highlights", t("tracking.highlights")),
        Col("problems", t("tracking.problems"))], note_rows)
    return {"log": log, "summary": summary, "grid": grid, "notes": notes_table,
            "rule": t("tracking.standard_rule", calls=rules["tracker_calls"], sms=rules["tracker_sms"])}


def _grid(days: pd.DataFrame, as_of: dt.date, person: dict[str, str], unit: dict[str, str]) -> dict[str, Any]:
    """The last GRID_DAYS days' working days as columns, one row per tracker and unit."""
    recent = days[days["date"] > pd.Timestamp(as_of - dt.timedelta(days=GRID_DAYS))]
    dates = sorted({_day(d) for d in recent["date"]})
    cells: dict[tuple[str, str], dict[dt.date, dict[str, Any]]] = {}
    for row in recent.to_dict("records"):
        cells.setdefault((row["tracker"], row["unit"]), {})[_day(row["date"])] = {
            "text": f"{row['calls']}/{row['sms']}" if row["logged"] else "—", "below": bool(row["below"])}
    rows = [{"tracker": person.get(tracker, tracker), "unit": unit.get(u, u),
             "cells": [by_day.get(d, {"text": "", "below": False}) for d in dates]}
            for (tracker, u), by_day in sorted(cells.items())]
    return {"dates": dates, "rows": rows}


def sms_window(ctx: Context) -> tuple[dt.date, dt.date]:
    return metrics.recent_weeks(ctx.as_of, WEEKS)


def sms_rows(ctx: Context, messages: pd.DataFrame) -> list[dict[str, Any]]:
    """Messages as table rows, newest first."""
    return [{
        "sent_at": pd.Timestamp(r["sent_at"]).strftime("%Y-%m-%d %H:%M"), "group": r["group"],
        "category": category_label(ctx, r["category"]), "recipients": clean(r["recipients"]),
        "delivered": clean(r["delivered"]), "failed": clean(r["failed"]), "replies": clean(r["replies"]),
        "text": clean(r["text"]),
        "quiet": ctx.t("sms.yes") if r["quiet"] else None, "_class": "flag" if r["quiet"] else None,
    } for r in _newest_first(messages).to_dict("records")]


def _newest_first(messages: pd.DataFrame) -> pd.DataFrame:
    keys = messages.assign(_at=-messages["sent_at"].astype("int64"))
    return messages.loc[keys.sort_values(["_at", "group"], kind="mergesort").index]


def sms_columns(ctx: Context) -> list[Col]:
    t = ctx.t
    return [Col("sent_at", t("sms.sent_at")), Col("group", t("sms.group")), Col("category", t("sms.category")),
            Col("recipients", t("sms.recipients"), "number"), Col("delivered", t("sms.delivered"), "number"),
            Col("failed", t("sms.failed"), "number"), Col("replies", t("sms.replies"), "number"),
            Col("quiet", t("sms.quiet_flag")), Col("text", t("sms.text"))]


def frequent_rows(ctx: Context, over: pd.DataFrame) -> list[dict[str, Any]]:
    return [{"group": r["group"], "week": _day(r["week"]), "messages": int(r["messages"]), "quiet": int(r["quiet"])}
            for r in over.to_dict("records")]


def frequent_columns(ctx: Context) -> list[Col]:
    t = ctx.t
    return [Col("group", t("sms.group")), Col("week", t("sms.week"), "date"),
            Col("messages", t("sms.messages"), "number"), Col("quiet", t("sms.quiet"), "number")]


def left_rows(ctx: Context, left: pd.DataFrame) -> list[dict[str, Any]]:
    # Phones are personal data: a profile with mask_phone has masked them when the data was loaded.
    return [{
        "group": clean(r["group"]), "person": clean(r["person"]), "name": clean(r["name"]),
        "phone": clean(r["phone"]), "leave_date": _day(r["leave_date"]),
        "reason": ctx.t(f"sms.reason_{r['reason']}"),
    } for r in left.to_dict("records")]


def left_columns(ctx: Context) -> list[Col]:
    t = ctx.t
    return [Col("group", t("sms.group")), Col("person", t("sms.person")), Col("name", t("sms.name")),
            Col("phone", t("sms.phone")), Col("leave_date", t("sms.leave_date"), "date"),
            Col("reason", t("sms.reason"))]


def _rate_columns(ctx: Context, first: Col, categories: bool) -> list[Col]:
    t = ctx.t
    cols = [first, Col("messages", t("sms.messages"), "number")]
    if categories:
        cols += [Col(c, t(f"sms.cat.{c}"), "number") for c in metrics.CATEGORIES]
    return [*cols, Col("recipients", t("sms.recipients"), "number"), Col("delivered", t("sms.delivered"), "number"),
            Col("failed", t("sms.failed"), "number"), Col("replies", t("sms.replies"), "number"),
            Col("delivery_rate", t("sms.delivery_rate"), "percent"), Col("reply_rate", t("sms.reply_rate"), "percent")]


def _sms_section(ctx: Context, first: dt.date) -> dict[str, Any]:
    t = ctx.t
    rules = ctx.config["rules"]
    limit = rules["sms_per_week"]
    messages = metrics.sms_messages(ctx.tables["sms"], first, ctx.as_of, rules["quiet_hours"])
    by_group = metrics.sms_by(messages, "group")
    by_category = metrics.sms_by(messages, "category")
    group_rows = [{k: clean(v) for k, v in r.items()} for r in by_group.to_dict("records")]
    category_rows = [{**{k: clean(v) for k, v in r.items()}, "category": category_label(ctx, r["category"])}
                     for r in by_category.to_dict("records")]
    totals = metrics.sms_by(messages.assign(all="all"), "all") if not messages.empty else None
    weeks = sorted({_day(w) for w in messages["week"]}) if not messages.empty else []
    weekly = metrics.sms_weekly(messages)
    weekly_rows = []
    for group, frame in weekly.groupby("group", sort=True):
        counts = {_day(w): int(n) for w, n in zip(frame["week"], frame["messages"], strict=True)}
        row: dict[str, Any] = {"group": group, **{f"w{w.isoformat()}": counts.get(w, 0) for w in weeks}}
        row["max"] = max(counts.values())
        row["_class"] = "flag" if row["max"] > limit else None
        weekly_rows.append(row)
    over = metrics.too_frequent(messages, limit)
    quiet = messages[messages["quiet"]]
    context: dict[str, Any] = {
        "rules": t("sms.rules", quiet=quiet_text(rules["quiet_hours"]), limit=limit),
        "totals": {k: clean(v) for k, v in totals.iloc[0].items()} if totals is not None else None,
        "by_group": Table("sms-groups", t("sms.by_group"), _rate_columns(ctx, Col("group", t("sms.group")), True),
                          group_rows),
        "by_category": Table("sms-categories", t("sms.by_category"),
                             _rate_columns(ctx, Col("category", t("sms.category")), False), category_rows),
        "weekly": Table("sms-weekly", t("sms.weekly"), [Col("group", t("sms.group")), *(
            Col(f"w{w.isoformat()}", ctx.fmt.date(w), "number", csv_key=w.isoformat()) for w in weeks),
            Col("max", t("sms.max_week"), "number")], weekly_rows),
        "quiet": Table("sms-quiet", t("sms.quiet"), sms_columns(ctx), sms_rows(ctx, quiet)),
        "frequent": Table("sms-frequent", t("sms.frequent", limit=limit), frequent_columns(ctx),
                          frequent_rows(ctx, over)),
        "log": Table("sms-log", t("sms.log"), sms_columns(ctx), sms_rows(ctx, messages)),
        "left": None,
    }
    if ctx.site.has("sms_groups"):
        left = metrics.departed_recipients(ctx.tables["sms_groups"], ctx.tables["people"], ctx.as_of)
        context["left"] = Table("sms-left", t("sms.left"), left_columns(ctx), left_rows(ctx, left))
    return context


def build(ctx: Context) -> Section | None:
    """tracking/: the trackers' daily standard and notes (tracking dataset) and SMS tracking (sms dataset)."""
    has_log, has_sms = ctx.site.has("tracking"), ctx.site.has("sms")
    if not ctx.wants("tracking") or not (has_log or has_sms):
        return None
    first, last = metrics.recent_weeks(ctx.as_of, WEEKS)
    context: dict[str, Any] = {
        "window": ctx.t("tracking.window", first=ctx.fmt.date(first, year=True), last=ctx.fmt.date(last, year=True),
                        weeks=WEEKS),
        "trackers": _tracker_section(ctx, first) if has_log else None,
        "sms": _sms_section(ctx, first) if has_sms else None,
    }
    page = Page("tracking/index.html", "tracking.html", ctx.t("tracking.title"), "tracking", context)
    return Section("tracking", "tracking/", [page])
