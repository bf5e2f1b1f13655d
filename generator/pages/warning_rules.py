"""The early-warning rules about people, trackers and mass texts; each list shows its figures and threshold.

The computations are in metrics/warnings.py and metrics/tracking.py; here they become WarningLists.
Imported by pages/__init__.py so that the rules register themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

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
                "short": t("sep.list").join(short)}

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
    found = metrics.supervisors_at_risk(ctx.tables, ctx.as_of, amount, t("sep.list"))
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
        return {**{c.key: r[c.key] for c in columns[2:-1]},
                "basis": t("sep.list").join(t(f"warn.basis.{b}") for b in bases)}

    percent_text = f"{percent:g}"
    return WarningList(
        "laggards", t("warn.laggards"),
        t("warn.laggards_rule", percent=percent_text, months=count, names=t("sep.list").join(months)),
        columns, _people_rows(ctx, found, extra))


@warning_rule(51)
def laggards_without_leapfrog_talk(ctx: Context) -> WarningList | None:
    """Chronic laggards with no leapfrog talk (越级谈话) this month: the talks the laggard list is for."""
    if not ctx.site.has("targets") or not ctx.site.has("talks"):
        return None
    rules, t = ctx.config["rules"], ctx.t
    percent, count = float(rules["laggard_percent"]), int(rules["laggard_months"])
    found, _ = metrics.laggards(ctx.tables, ctx.as_of, percent, count)
    missing = metrics.without_leapfrog_talk(found, ctx.tables["talks"], ctx.as_of)

    def extra(r: dict[str, Any]) -> dict[str, Any]:
        return {"mean_achievement": r["mean_achievement"], "last_talk": _day(r["last_talk"])}

    return WarningList(
        "laggards-no-talk", t("warn.leapfrog"),
        t("warn.leapfrog_rule", first=_date(ctx, ctx.as_of.replace(day=1)), last=_date(ctx, ctx.as_of)),
        [*_who(ctx), Col("mean_achievement", t("warn.mean_achievement"), "percent"),
         Col("last_talk", t("warn.last_leapfrog"), "date")],
        _people_rows(ctx, missing, extra))


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
