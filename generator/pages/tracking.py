"""tracking/: the daily tracking table (日新追踪表) against the standard, the trackers' notes, and SMS tracking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..metrics import tracking as metrics
from ..metrics.kpis import text_or_none
from ..render import Page
from .context import Context, Section
from .links import unit_href
from .tables import Col, Table, clean, row_dicts
from .tracker_accounts import accountability

WEEKS = 4  # the log, the summary and the SMS tables cover the last four ISO weeks (the current one to date)
GRID_DAYS = 14  # the day-by-day grid: the working days of the last two weeks
NOTE_DAYS = 7  # highlights and problems of the last seven days

def _day(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _date(value: Any) -> dt.date:
    """The date of a cell that always holds one: a tracking day's date, a message's week."""
    return pd.Timestamp(value).date()


Names = dict[str | None, str | None]  # id -> name (or the id when unnamed); ids and names are cells, maybe empty


def _names(ctx: Context) -> tuple[Names, Names]:
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
    return ctx.t("sep.list").join(reasons) if reasons else ctx.t("tracking.ok")


def _tracker_section(ctx: Context, first: dt.date) -> dict[str, Any]:
    rules = ctx.config["rules"]
    person, unit = _names(ctx)
    tracking = ctx.tables["tracking"]
    days = metrics.tracker_days(tracking, first, ctx.as_of, rules["tracker_calls"], rules["tracker_sms"])
    t = ctx.t
    log_rows = []
    newest = days.assign(_day=-days["date"].astype("int64")).sort_values(["_day", "tracker", "unit"], kind="mergesort")
    for row in row_dicts(newest):
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
    } for r in row_dicts(metrics.tracker_summary(days))]
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
    } for r in row_dicts(notes)]
    note_rows.sort(key=lambda r: r.pop("_order"))
    notes_table = Table("tracking-notes", t("tracking.notes", days=NOTE_DAYS), [
        Col("unit", t("tracking.unit")), Col("date", t("tracking.date"), "date"),
        Col("tracker", t("tracking.tracker")), Col("highlights", t("tracking.highlights")),
        Col("problems", t("tracking.problems"))], note_rows)
    return {"log": log, "summary": summary, "grid": grid, "notes": notes_table,
            "rule": t("tracking.standard_rule", calls=rules["tracker_calls"], sms=rules["tracker_sms"])}


def _grid(days: pd.DataFrame, as_of: dt.date, person: Names, unit: Names) -> dict[str, Any]:
    """The last GRID_DAYS days' working days as columns, newest first (the day a reader looks for is then in view
    on any screen, without scrolling the grid), one row per tracker and unit."""
    recent = days[days["date"] > pd.Timestamp(as_of - dt.timedelta(days=GRID_DAYS))]
    dates = sorted({_date(d) for d in recent["date"]}, reverse=True)
    cells: dict[tuple[str, str], dict[dt.date, dict[str, Any]]] = {}
    for row in row_dicts(recent):
        cells.setdefault((row["tracker"], row["unit"]), {})[_date(row["date"])] = {
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
    } for r in row_dicts(_newest_first(messages))]


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
            for r in row_dicts(over)]


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
    } for r in row_dicts(left)]


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
    group_rows = [{k: clean(v) for k, v in r.items()} for r in row_dicts(by_group)]
    category_rows = [{**{k: clean(v) for k, v in r.items()}, "category": category_label(ctx, r["category"])}
                     for r in row_dicts(by_category)]
    totals = metrics.sms_by(messages.assign(all="all"), "all") if not messages.empty else None
    weeks = sorted({_date(w) for w in messages["week"]}) if not messages.empty else []
    weekly = metrics.sms_weekly(messages)
    weekly_rows = []
    for group, frame in weekly.groupby("group", sort=True):
        counts = {_date(w): int(n) for w, n in zip(frame["week"], frame["messages"], strict=True)}
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
        "accountability": accountability(ctx) if has_log else None,
        "sms": _sms_section(ctx, first) if has_sms else None,
    }
    page = Page("tracking/index.html", "tracking.html", ctx.t("tracking.title"), "tracking", context)
    return Section("tracking", "tracking/", [page])
