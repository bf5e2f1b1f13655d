"""The early-warning rules about people, trackers and mass texts; each list shows its figures and threshold.

The computations are in metrics/warnings.py and metrics/tracking.py; here they become WarningLists.
Imported by pages/__init__.py so that the rules register themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..i18n import register
from ..metrics import tracking as tracking_metrics
from ..metrics import warnings as metrics
from .context import Context
from .links import person_href
from .tables import Col, clean
from .tracking import (
    frequent_columns,
    frequent_rows,
    left_columns,
    left_rows,
    quiet_text,
    sms_columns,
    sms_rows,
    sms_window,
)
from .warnings import WarningList, warning_rule

TRACKER_DAYS = 7  # trackers are judged on the last seven days
TRACKER_LOOKBACK_WEEKS = 4  # a tracker follows the units they logged in the last four weeks

register({
    "zh-CN": {
        "warn.newcomers": "新人转正风险",
        "warn.newcomers_rule": "入司未满 {months} 个月的在职业务人员，入司以来（含入司当日）的保费低于每月 {premium} "
                               "或件数低于每月 {cases} 件（按天折算：标准 × 入司天数 ÷ 30）。恰好达到标准的不列入。",
        "warn.supervisors": "主管维持风险",
        "warn.supervisors_rule": "在职主管所辖团队（其任负责人的单位及下属单位；未任负责人的按本人）在最近 3 个月"
                                 "（{first}至{last}）的保费低于每月 {amount}，即合计低于 {total}。",
        "warn.zero": "本月未破零",
        "warn.zero_rule": "在职业务人员（业务员、主管）自 {first} 至 {last} 没有件数。",
        "warn.inactive": "连续未出单",
        "warn.inactive_rule": "在职业务人员最近一次出单距今 {days} 天及以上（无出单记录的从入司日起算）。",
        "warn.laggards": "长期落后（越级谈话名单）",
        "warn.laggards_rule": "{months} 个完整月（{names}）每月保费均低于月目标的 {percent}%。月目标取本人目标；"
                              "无本人目标的，取所在单位目标 ÷ 该单位月末人力。某月无目标的无法判断，不列入；"
                              "只看期初已入司的在职业务人员。",
        "warn.trackers": "督办未达日标准",
        "warn.trackers_rule": "最近 {days} 天（{first}至{last}）中，督办对所跟踪的单位有任一工作日电话少于 {calls} 个、"
                              "短信少于 {sms} 条，或当天未填追踪表。",
        "warn.sms_quiet": "免打扰时段群发",
        "warn.sms_quiet_rule": "{first}至{last}在免打扰时段 {quiet} 内发送的群发短信。",
        "warn.sms_left": "群发名单含离司人员",
        "warn.sms_left_rule": "群组成员中人员已离司（离司日期不晚于 {as_of}），或号码不属于任何在职人员。",
        "warn.sms_frequent": "群发过于频繁",
        "warn.sms_frequent_rule": "{first}至{last}，同一群组一周（周一至周日）群发超过 {limit} 条。",
        "warn.person": "姓名",
        "warn.unit": "单位",
        "warn.join_date": "入司日期",
        "warn.days": "入司天数",
        "warn.premium": "入司以来保费",
        "warn.premium_needed": "应达保费",
        "warn.cases": "入司以来件数",
        "warn.cases_needed": "应达件数",
        "warn.short": "不足项",
        "warn.short_premium": "保费",
        "warn.short_cases": "件数",
        "warn.team": "团队",
        "warn.own": "本人",
        "warn.premium_3m": "3个月保费",
        "warn.monthly": "月均",
        "warn.threshold": "每月标准",
        "warn.shortfall": "差额",
        "warn.role": "岗位",
        "warn.role.agent": "业务员",
        "warn.role.supervisor": "主管",
        "warn.premium_mtd": "本月保费",
        "warn.last_sale": "最近出单",
        "warn.days_since": "距今天数",
        "warn.since": "起算",
        "warn.since.sale": "最近出单",
        "warn.since.join": "入司日期（无出单）",
        "warn.month_premium": "{month} 保费",
        "warn.month_target": "{month} 目标",
        "warn.month_achievement": "{month} 达成",
        "warn.basis": "目标口径",
        "warn.basis.person": "本人目标",
        "warn.basis.unit": "单位目标÷人力",
        "warn.mean_achievement": "平均达成",
        "warn.tracker": "督办",
        "warn.working_days": "工作日",
        "warn.below": "未达标天数",
        "warn.below_calls": "电话不足",
        "warn.below_sms": "短信不足",
        "warn.missing": "未填表",
        "warn.calls": "电话合计",
        "warn.sms": "短信合计",
    },
    "en": {
        "warn.newcomers": "Newcomers at risk of not becoming full members",
        "warn.newcomers_rule": "Sales staff employed, joined less than {months} months ago, whose premium since "
                               "joining (the joining day included) is below {premium} a month or whose cases are "
                               "below {cases} a month, pro rata (standard × days since joining ÷ 30). Exactly at "
                               "the standard is not listed.",
        "warn.supervisors": "Supervisors at risk on maintenance",
        "warn.supervisors_rule": "Supervisors employed whose team (the units they head and everything below; "
                                 "their own sales when they head none) made less than {amount} a month over the "
                                 "last 3 months ({first} to {last}), i.e. less than {total} in all.",
        "warn.zero": "Not broken zero this month",
        "warn.zero_rule": "Sales staff employed (agents, supervisors) with no case from {first} to {last}.",
        "warn.inactive": "Inactive",
        "warn.inactive_rule": "Sales staff employed whose latest sale was {days} or more days ago (counted from "
                              "the join date when they have none).",
        "warn.laggards": "Chronic laggards (for leapfrog talks)",
        "warn.laggards_rule": "Below {percent}% of the monthly premium target in each of the {months} complete "
                              "months {names}. The target is the person's own; without one, the unit's target ÷ "
                              "the unit's headcount at month end. A month without a target cannot be judged (not "
                              "listed); only staff employed who had joined by the first month are considered.",
        "warn.trackers": "Trackers below the daily standard",
        "warn.trackers_rule": "In the last {days} days ({first} to {last}), a working day on which a tracker made "
                              "fewer than {calls} calls or sent fewer than {sms} messages for a unit they follow, "
                              "or did not log it.",
        "warn.sms_quiet": "Mass texts in quiet hours",
        "warn.sms_quiet_rule": "Mass texts sent from {first} to {last} within the quiet hours {quiet}.",
        "warn.sms_left": "Texting groups with people who have left",
        "warn.sms_left_rule": "Group members who have left (leave date on or before {as_of}) or whose number "
                              "belongs to no one employed.",
        "warn.sms_frequent": "Too many mass texts",
        "warn.sms_frequent_rule": "From {first} to {last}, a group sent more than {limit} messages in a week "
                                  "(Monday to Sunday).",
        "warn.person": "Name",
        "warn.unit": "Unit",
        "warn.join_date": "Joined",
        "warn.days": "Days since joining",
        "warn.premium": "Premium since joining",
        "warn.premium_needed": "Premium needed",
        "warn.cases": "Cases since joining",
        "warn.cases_needed": "Cases needed",
        "warn.short": "Short on",
        "warn.short_premium": "premium",
        "warn.short_cases": "cases",
        "warn.team": "Team",
        "warn.own": "own sales",
        "warn.premium_3m": "Premium, 3 months",
        "warn.monthly": "Per month",
        "warn.threshold": "Standard a month",
        "warn.shortfall": "Shortfall",
        "warn.role": "Role",
        "warn.role.agent": "Agent",
        "warn.role.supervisor": "Supervisor",
        "warn.premium_mtd": "Premium this month",
        "warn.last_sale": "Latest sale",
        "warn.days_since": "Days since",
        "warn.since": "Counted from",
        "warn.since.sale": "latest sale",
        "warn.since.join": "join date (no sale)",
        "warn.month_premium": "{month} premium",
        "warn.month_target": "{month} target",
        "warn.month_achievement": "{month} achievement",
        "warn.basis": "Target basis",
        "warn.basis.person": "own target",
        "warn.basis.unit": "unit target ÷ headcount",
        "warn.mean_achievement": "Mean achievement",
        "warn.tracker": "Tracker",
        "warn.working_days": "Working days",
        "warn.below": "Days below",
        "warn.below_calls": "Calls short",
        "warn.below_sms": "Messages short",
        "warn.missing": "Not logged",
        "warn.calls": "Calls",
        "warn.sms": "Messages",
    },
})


def _day(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _people_rows(ctx: Context, frame: pd.DataFrame, extra: Any) -> list[dict[str, Any]]:
    """One row per person: name (linked), unit, then `extra(row)`."""
    rows = []
    for record in frame.to_dict("records"):
        row: dict[str, Any] = {"name": clean(record["name"]),
                               "unit": clean(record["unit_name"]) or clean(record["unit"]),
                               **{k: clean(v) for k, v in extra(record).items()}}
        if ctx.show_people:
            row["_href"] = person_href(record["person"])
        rows.append(row)
    return rows


def _who(ctx: Context) -> list[Col]:
    return [Col("name", ctx.t("warn.person")), Col("unit", ctx.t("warn.unit"))]


def _date(ctx: Context, day: dt.date) -> str:
    return ctx.fmt.date(day, year=True)


@warning_rule(10)
def newcomers_at_risk(ctx: Context) -> WarningList:
    """Newcomers below the pro-rata standard of premium or cases since joining."""
    rules, t = ctx.config["rules"], ctx.t
    found = metrics.newcomers_at_risk(ctx.tables, ctx.as_of, rules["newcomer_months"], rules["newcomer_premium"],
                                      rules["newcomer_cases"])

    def extra(r: dict[str, Any]) -> dict[str, Any]:
        short = [t(key) for key, flag in (("warn.short_premium", r["short_premium"]),
                                          ("warn.short_cases", r["short_cases"])) if flag]
        return {"join_date": _day(r["join_date"]), "days": r["days"], "premium": r["premium"],
                "premium_needed": r["premium_needed"], "premium_short": r["premium_short"], "cases": r["cases"],
                "cases_needed": r["cases_needed"],
                "short": "、".join(short)}

    return WarningList(
        "newcomers", t("warn.newcomers"),
        t("warn.newcomers_rule", months=rules["newcomer_months"], premium=ctx.fmt.money(rules["newcomer_premium"]),
          cases=ctx.fmt.number(rules["newcomer_cases"], 1 if rules["newcomer_cases"] % 1 else 0)),
        [*_who(ctx), Col("join_date", t("warn.join_date"), "date"), Col("days", t("warn.days"), "number"),
         Col("premium", t("warn.premium"), "money"), Col("premium_needed", t("warn.premium_needed"), "money"),
         Col("premium_short", t("warn.shortfall"), "money"),
         Col("cases", t("warn.cases"), "number"), Col("cases_needed", t("warn.cases_needed"), "number"),
         Col("short", t("warn.short"))],
        _people_rows(ctx, found, extra))


@warning_rule(20)
def supervisors_at_risk(ctx: Context) -> WarningList:
    """Supervisors whose team's premium over three months is below the maintenance standard."""
    rules, t = ctx.config["rules"], ctx.t
    amount = float(rules["supervisor_maintenance"])
    found = metrics.supervisors_at_risk(ctx.tables, ctx.as_of, amount)
    first = metrics.months_before(ctx.as_of, metrics.MAINTENANCE_MONTHS) + dt.timedelta(days=1)

    def extra(r: dict[str, Any]) -> dict[str, Any]:
        return {"team": r["team"] if r["basis"] == "team" else t("warn.own"), "premium": r["premium"],
                "monthly": r["monthly"], "threshold": amount, "shortfall": r["shortfall"]}

    return WarningList(
        "supervisors", t("warn.supervisors"),
        t("warn.supervisors_rule", amount=ctx.fmt.money(amount), first=_date(ctx, first), last=_date(ctx, ctx.as_of),
          total=ctx.fmt.money(amount * metrics.MAINTENANCE_MONTHS)),
        [*_who(ctx), Col("team", t("warn.team")), Col("premium", t("warn.premium_3m"), "money"),
         Col("monthly", t("warn.monthly"), "money"), Col("threshold", t("warn.threshold"), "money"),
         Col("shortfall", t("warn.shortfall"), "money")],
        _people_rows(ctx, found, extra))


def _role(ctx: Context, role: Any) -> str | None:
    return ctx.t(f"warn.role.{role}") if role in ("agent", "supervisor") else role


@warning_rule(30)
def not_broken_zero(ctx: Context) -> WarningList:
    """The sales force with no case this month."""
    t = ctx.t
    found = metrics.zero_this_month(ctx.tables, ctx.as_of)

    def extra(r: dict[str, Any]) -> dict[str, Any]:
        return {"role": _role(ctx, r["role"]), "join_date": _day(r["join_date"]), "last_sale": _day(r["last_sale"]),
                "days_since": r["days_since"], "premium_mtd": r["premium_mtd"]}

    return WarningList(
        "zero", t("warn.zero"),
        t("warn.zero_rule", first=_date(ctx, ctx.as_of.replace(day=1)), last=_date(ctx, ctx.as_of)),
        [*_who(ctx), Col("role", t("warn.role")), Col("join_date", t("warn.join_date"), "date"),
         Col("last_sale", t("warn.last_sale"), "date"), Col("days_since", t("warn.days_since"), "number"),
         Col("premium_mtd", t("warn.premium_mtd"), "money")],
        _people_rows(ctx, found, extra))


@warning_rule(40)
def inactive(ctx: Context) -> WarningList:
    """The sales force whose latest sale is N days or more ago."""
    rules, t = ctx.config["rules"], ctx.t
    found = metrics.inactive(ctx.tables, ctx.as_of, rules["inactive_days"])

    def extra(r: dict[str, Any]) -> dict[str, Any]:
        return {"role": _role(ctx, r["role"]), "join_date": _day(r["join_date"]), "last_sale": _day(r["last_sale"]),
                "days_since": r["days_since"], "since": t(f"warn.since.{r['since']}") if r["since"] else None}

    return WarningList(
        "inactive", t("warn.inactive"), t("warn.inactive_rule", days=rules["inactive_days"]),
        [*_who(ctx), Col("role", t("warn.role")), Col("join_date", t("warn.join_date"), "date"),
         Col("last_sale", t("warn.last_sale"), "date"), Col("days_since", t("warn.days_since"), "number"),
         Col("since", t("warn.since"))],
        _people_rows(ctx, found, extra))


@warning_rule(50)
def laggards(ctx: Context) -> WarningList | None:
    """Below X% of target for K complete months in a row: the list for leapfrog talks."""
    if not ctx.site.has("targets"):
        return None
    rules, t = ctx.config["rules"], ctx.t
    percent, count = float(rules["laggard_percent"]), int(rules["laggard_months"])
    found, months = metrics.laggards(ctx.tables, ctx.as_of, percent, count)
    columns = _who(ctx)
    for month in months:
        columns += [Col(f"premium_{month}", t("warn.month_premium", month=month), "money"),
                    Col(f"target_{month}", t("warn.month_target", month=month), "money"),
                    Col(f"achievement_{month}", t("warn.month_achievement", month=month), "percent")]
    columns += [Col("mean_achievement", t("warn.mean_achievement"), "percent"), Col("basis", t("warn.basis"))]

    def extra(r: dict[str, Any]) -> dict[str, Any]:
        bases = sorted({r[f"basis_{m}"] for m in months if r[f"basis_{m}"]}, key=("person", "unit").index)
        return {**{c.key: r[c.key] for c in columns[2:-1]}, "basis": "、".join(t(f"warn.basis.{b}") for b in bases)}

    percent_text = f"{percent:g}"
    return WarningList(
        "laggards", t("warn.laggards"),
        t("warn.laggards_rule", percent=percent_text, months=count, names="、".join(months)),
        columns, _people_rows(ctx, found, extra))


@warning_rule(60)
def trackers_below_standard(ctx: Context) -> WarningList | None:
    """Trackers with days below three calls and three messages (or not logged) in the last week."""
    if not ctx.site.has("tracking"):
        return None
    rules, t = ctx.config["rules"], ctx.t
    first = ctx.as_of - dt.timedelta(days=TRACKER_DAYS - 1)
    since, _ = tracking_metrics.recent_weeks(ctx.as_of, TRACKER_LOOKBACK_WEEKS)
    days = tracking_metrics.tracker_days(ctx.tables["tracking"], first, ctx.as_of, rules["tracker_calls"],
                                         rules["tracker_sms"], pairs_since=since)
    summary = tracking_metrics.tracker_summary(days)
    summary = summary[summary["below"] > 0]
    people = ctx.tables["people"]
    names = dict(zip(people["id"], people["name"], strict=True))
    units = ctx.tables["units"]
    unit_names = dict(zip(units["id"], units["name"], strict=True))
    rows = [{
        "tracker": names.get(r["tracker"], r["tracker"]), "unit": unit_names.get(r["unit"], r["unit"]),
        **{k: int(r[k]) for k in ("days", "below", "below_calls", "below_sms", "missing", "calls", "sms")},
    } for r in summary.sort_values(["below", "tracker", "unit"], ascending=[False, True, True]).to_dict("records")]
    return WarningList(
        "trackers", t("warn.trackers"),
        t("warn.trackers_rule", days=TRACKER_DAYS, first=_date(ctx, first), last=_date(ctx, ctx.as_of),
          calls=rules["tracker_calls"], sms=rules["tracker_sms"]),
        [Col("tracker", t("warn.tracker")), Col("unit", t("warn.unit")), Col("days", t("warn.working_days"), "number"),
         Col("below", t("warn.below"), "number"), Col("below_calls", t("warn.below_calls"), "number"),
         Col("below_sms", t("warn.below_sms"), "number"), Col("missing", t("warn.missing"), "number"),
         Col("calls", t("warn.calls"), "number"), Col("sms", t("warn.sms"), "number")],
        rows)


def _sms_messages(ctx: Context) -> tuple[pd.DataFrame, dt.date, dt.date]:
    first, last = sms_window(ctx)
    messages = tracking_metrics.sms_messages(ctx.tables["sms"], first, last, ctx.config["rules"]["quiet_hours"])
    return messages, first, last


@warning_rule(70)
def sms_quiet_hours(ctx: Context) -> WarningList | None:
    """Mass texts sent in quiet hours, in the SMS window of the tracking page."""
    if not ctx.site.has("sms"):
        return None
    messages, first, last = _sms_messages(ctx)
    t = ctx.t
    return WarningList(
        "sms-quiet", t("warn.sms_quiet"),
        t("warn.sms_quiet_rule", first=_date(ctx, first), last=_date(ctx, last),
          quiet=quiet_text(ctx.config["rules"]["quiet_hours"])),
        sms_columns(ctx), [{k: v for k, v in r.items() if k != "_class"}
                           for r in sms_rows(ctx, messages[messages["quiet"]])])


@warning_rule(71)
def sms_recipients_left(ctx: Context) -> WarningList | None:
    """Texting-group members who have left, or whose number belongs to no one employed."""
    if not ctx.site.has("sms_groups"):
        return None
    left = tracking_metrics.departed_recipients(ctx.tables["sms_groups"], ctx.tables["people"], ctx.as_of)
    return WarningList("sms-left", ctx.t("warn.sms_left"),
                       ctx.t("warn.sms_left_rule", as_of=_date(ctx, ctx.as_of)), left_columns(ctx),
                       left_rows(ctx, left))


@warning_rule(72)
def sms_too_frequent(ctx: Context) -> WarningList | None:
    """Groups messaged more than the weekly limit."""
    if not ctx.site.has("sms"):
        return None
    messages, first, last = _sms_messages(ctx)
    limit = ctx.config["rules"]["sms_per_week"]
    over = tracking_metrics.too_frequent(messages, limit)
    return WarningList("sms-frequent", ctx.t("warn.sms_frequent"),
                       ctx.t("warn.sms_frequent_rule", first=_date(ctx, first), last=_date(ctx, last), limit=limit),
                       frequent_columns(ctx), frequent_rows(ctx, over))
