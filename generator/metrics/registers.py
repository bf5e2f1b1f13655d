"""The supervision registers (督办台账): receivables ageing, after-sales resolution times, projects by
cycle, and which open items are overdue for a follow-up on their register's cadence.

Every register is declared once, in REGISTERS at the end of this module: its dataset, its [cadence]
options, how its rows and follow-ups are made, its wording and its page. The configuration schema, the
site's sections and navigation, and the overdue warning all read that table, so a register is added in
one place. It lives here, the lowest layer that can name the row functions (config/ imports it; pages/
refers to its page builder by name, as config/ and metrics/ must not import pages/).

Pure functions of the register tables and the as-of date. Every function returns plain rows (dicts of
Python values, dates as `datetime.date`) so that pages and tests read them the same way.

Rules, stated once:

- A cadence allows at most CADENCE_DAYS days between follow-ups. An open item is overdue when the days
  from its last follow-up to the as-of date exceed that (exactly at the limit is not overdue). An item
  never followed up counts from the day it was opened (invoice or due date, registration, creation,
  start); one with neither date is overdue with no day count.
- A receivable is followed up on the shortest of the cadences that apply to it: every receivable's, invoiced
  items' (已开票到账期), and that of amounts outstanding at or above [rules] receivable_large (大额款项).
- Ageing of a receivable is by its invoice date, or its due date when it has no invoice date. "Within
  3 months" includes an invoice exactly 3 calendar months old; "3–6 months" includes exactly 6.
- The follow-up log (followup_log) holds every follow-up of every register's items. An item's last follow-up
  is the later of its register's own date and its latest log entry on or before the as-of date (editors may
  keep either up to date). Its remedy plan is the plan of its latest log entry that has one. An item overdue by
  more than the grace days (or overdue with no date at all) without a remedy plan is pushed (倒逼) for one.
- A project's cycle runs from its start to its expected end: up to 3 calendar months is short, up to 6
  medium, longer is long; without an expected end its cycle is unknown and it is followed up on the long
  cadence.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

CADENCE_DAYS: dict[str, int] = {"daily": 1, "2/week": 4, "weekly": 7, "2/month": 15, "monthly": 31}
KINDS = ("prepayment", "in-sale", "invoiced", "fixed-term", "warranty")
BUCKETS = ("within_3", "3_to_6", "over_6", "no_date")
CYCLES = ("short", "medium", "long", "unknown")

# Stages and statuses (as office staff write them) that close an item: it is no longer followed up.
LEAD_CLOSED = frozenset({"成交", "已成交", "签约", "已签约", "关闭", "已关闭", "放弃", "已放弃", "丢单", "终止",
                         "won", "lost", "closed"})
PROJECT_CLOSED = frozenset({"完成", "已完成", "结项", "已结项", "验收", "已验收", "关闭", "已关闭", "终止",
                            "closed", "done", "completed"})
FOLLOWUP_DONE = frozenset({"完成", "已完成", "办结", "已办结", "关闭", "已关闭", "取消", "已取消",
                           "closed", "done", "completed"})


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` calendar months later (earlier when negative), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _text(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _money(value: Any) -> float:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    return float(value)


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a canonical table as dicts, in spreadsheet order."""
    if frame.empty:
        return []
    return [dict(zip(frame.columns, row, strict=True)) for row in frame.itertuples(index=False, name=None)]


def _closed(value: Any, closed: frozenset[str]) -> bool:
    text = _text(value)
    return text is not None and text.casefold() in closed


# ---------------------------------------------------------------------------------------------------------------
# Follow-up cadence
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """An open register item and where it stands against its follow-up cadence."""

    register: str
    id: str
    item: str  # what the item is: customer, project name, the task
    owner: str  # person id
    last: dt.date | None  # the last follow-up, else the date the item was opened
    never: bool  # True when never followed up (last is then the opening date, or None)
    cadence: str
    allowed: int  # days the cadence allows between follow-ups
    days_since: int | None
    days_overdue: int | None  # None when there is no date at all (always overdue)
    row: int | None = None  # spreadsheet row
    plan: str | None = None  # the remedy plan on record in the follow-up log

    @property
    def overdue(self) -> bool:
        return self.days_overdue is None or self.days_overdue > 0


def follow_up(register: str, id: str, item: str, owner: str, last: dt.date | None, opened: dt.date | None,
              cadence: str, as_of: dt.date, row: int | None = None) -> FollowUp:
    """Where one open item stands: days since its last follow-up (or opening) against the cadence."""
    allowed = CADENCE_DAYS[cadence]
    since = last or opened
    days_since = (as_of - since).days if since else None
    overdue = days_since - allowed if days_since is not None else None
    return FollowUp(register, id, item, owner, since, last is None, cadence, allowed, days_since, overdue, row)


def overdue_only(items: Iterable[FollowUp]) -> list[FollowUp]:
    """The items overdue for follow-up, by owner, the longest overdue first within an owner."""
    found = [i for i in items if i.overdue]
    return sorted(found, key=lambda i: (i.owner, -(i.days_overdue if i.days_overdue is not None else 10**6),
                                        i.register, i.id))


def by_owner(items: Iterable[FollowUp]) -> list[dict[str, Any]]:
    """Count of overdue items per owner and the longest overdue, most items first."""
    counts: dict[str, dict[str, Any]] = {}
    for item in items:
        entry = counts.setdefault(item.owner, {"owner": item.owner, "count": 0, "longest": None})
        entry["count"] += 1
        if item.days_overdue is not None and (entry["longest"] is None or item.days_overdue > entry["longest"]):
            entry["longest"] = item.days_overdue
    return sorted(counts.values(), key=lambda e: (-e["count"], e["owner"]))


# ---------------------------------------------------------------------------------------------------------------
# Receivables (回款)
# ---------------------------------------------------------------------------------------------------------------


def age_bucket(day: dt.date | None, as_of: dt.date) -> str:
    """within_3, 3_to_6, over_6 (calendar months before as_of; the boundaries belong to the younger bucket) or
    no_date."""
    if day is None:
        return "no_date"
    if day >= add_months(as_of, -3):
        return "within_3"
    if day >= add_months(as_of, -6):
        return "3_to_6"
    return "over_6"


def receivable_rows(frame: pd.DataFrame, as_of: dt.date) -> list[dict[str, Any]]:
    """Every receivable with its outstanding amount, ageing date and bucket, and days past due."""
    rows = []
    for r in _records(frame):
        amount, paid = _money(r.get("amount")), _money(r.get("paid"))
        invoice, due = _date(r.get("invoice_date")), _date(r.get("due_date"))
        age_date = invoice or due
        outstanding = round(amount - paid, 2)
        past_due = (as_of - due).days if due and due < as_of and outstanding > 0 else None
        rows.append({
            "id": str(r["id"]), "customer": _text(r.get("customer")) or "", "owner": str(r["owner"]),
            "kind": r.get("kind"), "invoice_date": invoice, "due_date": due, "amount": amount, "paid": paid,
            "outstanding": outstanding, "age_date": age_date,
            "age_basis": "invoice" if invoice else ("due" if due else None),
            # unknown (shown "—"), not negative, when the date it is aged from is still to come (a due date
            # standing in for a missing invoice date): −10 days of age reads as a typo
            "age_days": (as_of - age_date).days if age_date and age_date <= as_of else None,
            "bucket": age_bucket(age_date, as_of), "days_past_due": past_due,
            "last_followup": _date(r.get("last_followup")), "plan": _text(r.get("plan")),
            "feasibility": _text(r.get("feasibility")), "customer_risk": _text(r.get("customer_risk")),
            "remedy": _text(r.get("remedy")), "_row": r.get("_row"),
        })
    return rows


def ageing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outstanding amounts by kind and age bucket, one row per kind present and a total row (kind None).

    Only positive outstanding amounts count (an overpaid item is not negative debt)."""
    kinds = [k for k in KINDS if any(r["kind"] == k for r in rows)]
    kinds += sorted({str(r["kind"]) for r in rows if r["kind"] not in KINDS and r["kind"] is not None})
    if any(r["kind"] is None for r in rows):
        kinds.append(None)  # type: ignore[arg-type]
    table = []
    for kind in [*kinds, "_total"]:
        chosen = [r for r in rows if r["outstanding"] > 0 and (kind == "_total" or r["kind"] == kind)]
        entry: dict[str, Any] = {"kind": None if kind == "_total" else kind, "total_row": kind == "_total",
                                 "count": len(chosen)}
        for bucket in BUCKETS:
            entry[bucket] = round(sum(r["outstanding"] for r in chosen if r["bucket"] == bucket), 2)
        entry["outstanding"] = round(sum(r["outstanding"] for r in chosen), 2)
        table.append(entry)
    return table


def receivable_totals(rows: list[dict[str, Any]]) -> dict[str, float | int]:
    owed = [r for r in rows if r["outstanding"] > 0]
    overdue = [r for r in owed if r["days_past_due"] is not None]
    return {
        "items": len(rows), "open": len(owed), "amount": round(sum(r["amount"] for r in rows), 2),
        "paid": round(sum(r["paid"] for r in rows), 2), "outstanding": round(sum(r["outstanding"] for r in owed), 2),
        "overdue": round(sum(r["outstanding"] for r in overdue), 2), "overdue_items": len(overdue),
    }


def large_receivables(rows: list[dict[str, Any]], threshold: float) -> list[dict[str, Any]]:
    """The watch list: outstanding at or above the threshold, largest first."""
    found = [r for r in rows if r["outstanding"] > 0 and r["outstanding"] >= threshold]
    return sorted(found, key=lambda r: (-r["outstanding"], r["id"]))


def overdue_payments(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Receivables past their due date with something still outstanding, longest past due first."""
    found = [r for r in rows if r["days_past_due"] is not None]
    return sorted(found, key=lambda r: (-r["days_past_due"], r["id"]))


def receivable_cadence(row: dict[str, Any], settings: dict[str, Any]) -> str:
    """The shortest of the cadences that apply to a receivable: every one's, invoiced items', large amounts'."""
    found = [settings["receivables"]]
    if row["kind"] == "invoiced":
        found.append(settings["receivables_invoiced"])
    if row["outstanding"] >= float(settings["receivable_large"]):
        found.append(settings["receivables_large"])
    return min(found, key=CADENCE_DAYS.__getitem__)


def receivable_followups(rows: list[dict[str, Any]], settings: dict[str, Any], as_of: dt.date) -> list[FollowUp]:
    return [follow_up("receivables", r["id"], r["customer"], r["owner"], r["last_followup"], r["age_date"],
                      receivable_cadence(r, settings), as_of, r["_row"]) for r in rows if r["outstanding"] > 0]


# ---------------------------------------------------------------------------------------------------------------
# After-sales (售后)
# ---------------------------------------------------------------------------------------------------------------


def aftersales_rows(frame: pd.DataFrame, as_of: dt.date) -> list[dict[str, Any]]:
    """Every case with days open (open cases) or days to resolution (closed cases with a resolution date)."""
    rows = []
    for r in _records(frame):
        registered, resolved = _date(r.get("registered")), _date(r.get("resolved"))
        closed = r.get("status") == "closed"
        days = (resolved - registered).days if closed and resolved and registered else None
        rows.append({
            "id": str(r["id"]), "customer": _text(r.get("customer")) or "", "owner": str(r["owner"]),
            "registered": registered, "reason": _text(r.get("reason")), "closed": closed, "resolved": resolved,
            "responsibility": _text(r.get("responsibility")), "days_to_resolve": days,
            "days_open": (as_of - registered).days if not closed and registered else None,
            "last_followup": _date(r.get("last_followup")), "method": _text(r.get("method")), "_row": r.get("_row"),
        })
    return rows


def resolution_by(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Per reason (or responsibility): open cases, closed cases, average and longest days to resolution.

    Closed cases without a resolution date, or resolved before they were registered, have no time and are
    left out of the average (they are counted in `no_time`)."""
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r[key], []).append(r)
    table = []
    for name in sorted(groups, key=lambda g: (g is None, g or "")):
        cases = groups[name]
        times = [r["days_to_resolve"] for r in cases if r["days_to_resolve"] is not None and r["days_to_resolve"] >= 0]
        closed = [r for r in cases if r["closed"]]
        table.append({
            key: name, "open": sum(1 for r in cases if not r["closed"]), "closed": len(closed),
            "average": round(sum(times) / len(times), 1) if times else None, "longest": max(times) if times else None,
            "no_time": len(closed) - len(times),
        })
    return table


def monthly_returns(rows: list[dict[str, Any]], as_of: dt.date, months: int = 12) -> list[dict[str, Any]]:
    """The monthly return (一月一返) of the last `months` calendar months to the as-of date, newest first: cases
    registered in the month, cases resolved in it (closed with a resolution date in the month), cases open at its
    end (registered by then and not resolved by then; a closed case without a date counts as resolved), and the
    average days to resolution of the month's resolved cases. Months before the first case are left out."""
    registered = [r["registered"] for r in rows if r["registered"] is not None]
    if not registered:
        return []
    out = []
    for back in range(months):
        first = add_months(as_of.replace(day=1), -back)
        end = min(add_months(first, 1) - dt.timedelta(days=1), as_of)
        if end < min(registered):
            break
        resolved = [r for r in rows if r["closed"] and r["resolved"] and first <= r["resolved"] <= end]
        times = [r["days_to_resolve"] for r in resolved
                 if r["days_to_resolve"] is not None and r["days_to_resolve"] >= 0]
        out.append({
            "month": f"{first.year:04d}-{first.month:02d}",
            "registered": sum(1 for r in rows if r["registered"] and first <= r["registered"] <= end),
            "resolved": len(resolved),
            "open_at_end": sum(1 for r in rows if r["registered"] and r["registered"] <= end
                               and not (r["closed"] and (r["resolved"] is None or r["resolved"] <= end))),
            "average": round(sum(times) / len(times), 1) if times else None,
        })
    return out


def aftersales_followups(rows: list[dict[str, Any]], cadence: str, as_of: dt.date) -> list[FollowUp]:
    return [follow_up("aftersales", r["id"], r["customer"], r["owner"], r["last_followup"], r["registered"],
                      cadence, as_of, r["_row"]) for r in rows if not r["closed"]]


# ---------------------------------------------------------------------------------------------------------------
# Leads (销线), projects, one-off items
# ---------------------------------------------------------------------------------------------------------------


def lead_rows(frame: pd.DataFrame, as_of: dt.date) -> list[dict[str, Any]]:
    rows = []
    for r in _records(frame):
        next_date = _date(r.get("next_date"))
        closed = _closed(r.get("stage"), LEAD_CLOSED)
        rows.append({
            "id": str(r["id"]), "owner": str(r["owner"]), "stage": _text(r.get("stage")),
            "created": _date(r.get("created")), "last_update": _date(r.get("last_update")),
            "next_step": _text(r.get("next_step")), "next_date": next_date, "value": _money(r.get("value")),
            "probability": _number(r.get("probability")), "closed": closed,
            "node_passed": bool(not closed and next_date and next_date < as_of),
            "_row": r.get("_row"),
        })
    return rows


def lead_quota(rows: list[dict[str, Any]], quota: int) -> list[dict[str, Any]]:
    """Per owner of an open lead: open leads, the quota and its fill (open ÷ quota; None without a quota), the
    expected value weighted by probability (value × probability ÷ 100, over the leads that have one) and the mean
    probability; the emptiest quota first, then by owner."""
    owners: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if not r["closed"]:
            owners.setdefault(r["owner"], []).append(r)
    out = []
    for owner, leads in owners.items():
        rated = [r for r in leads if r["probability"] is not None]
        out.append({
            "owner": owner, "open": len(leads), "quota": quota or None, "fill": len(leads) / quota if quota else None,
            "short": max(quota - len(leads), 0) if quota else None,
            "weighted": round(sum(r["value"] * r["probability"] / 100 for r in rated), 2) if rated else None,
            "probability": round(sum(r["probability"] for r in rated) / len(rated), 1) if rated else None,
        })
    return sorted(out, key=lambda e: (e["fill"] if e["fill"] is not None else 0, e["owner"]))


def lead_followups(rows: list[dict[str, Any]], cadence: str, as_of: dt.date) -> list[FollowUp]:
    return [follow_up("leads", r["id"], r["next_step"] or r["stage"] or r["id"], r["owner"], r["last_update"],
                      r["created"], cadence, as_of, r["_row"]) for r in rows if not r["closed"]]


def cycle_of(start: dt.date | None, end: dt.date | None) -> str:
    """short (up to 3 calendar months), medium (up to 6), long, or unknown (no start or expected end)."""
    if start is None or end is None:
        return "unknown"
    if end <= add_months(start, 3):
        return "short"
    if end <= add_months(start, 6):
        return "medium"
    return "long"


def project_rows(frame: pd.DataFrame, as_of: dt.date) -> list[dict[str, Any]]:
    rows = []
    for r in _records(frame):
        start, end = _date(r.get("start")), _date(r.get("expected_end"))
        next_date = _date(r.get("next_date"))
        closed = _closed(r.get("stage"), PROJECT_CLOSED)
        rows.append({
            "id": str(r["id"]), "name": _text(r.get("name")) or "", "owner": str(r["owner"]), "start": start,
            "expected_end": end, "cycle": cycle_of(start, end),
            "cycle_days": (end - start).days if start and end else None, "stage": _text(r.get("stage")),
            "next_milestone": _text(r.get("next_milestone")), "next_date": next_date,
            "last_update": _date(r.get("last_update")), "closed": closed,
            "node_passed": bool(not closed and next_date and next_date < as_of),
            "handoff": _date(r.get("handoff")), "next_target": _text(r.get("next_target")), "_row": r.get("_row"),
        })
    return rows


def project_cadence(cycle: str, cadences: dict[str, str]) -> str:
    """The cadence for a project cycle: projects_short, projects_medium, projects_long (also for unknown)."""
    return cadences[{"short": "projects_short", "medium": "projects_medium"}.get(cycle, "projects_long")]


def project_followups(rows: list[dict[str, Any]], cadences: dict[str, str], as_of: dt.date) -> list[FollowUp]:
    return [follow_up("projects", r["id"], r["name"], r["owner"], r["last_update"], r["start"],
                      project_cadence(r["cycle"], cadences), as_of, r["_row"]) for r in rows if not r["closed"]]


def followup_rows(frame: pd.DataFrame, as_of: dt.date) -> list[dict[str, Any]]:
    rows = []
    for r in _records(frame):
        due = _date(r.get("due"))
        done = _closed(r.get("status"), FOLLOWUP_DONE)
        rows.append({
            "id": str(r["id"]), "item": _text(r.get("item")) or "", "owner": str(r["owner"]), "due": due,
            "status": _text(r.get("status")), "last_followup": _date(r.get("last_followup")), "done": done,
            "line": _text(r.get("line")), "priority": _text(r.get("priority")),
            "contact_times": _text(r.get("contact_times")),
            "past_due": (as_of - due).days if due and due < as_of and not done else None, "_row": r.get("_row"),
        })
    return rows


def item_followups(rows: list[dict[str, Any]], cadence: str, as_of: dt.date) -> list[FollowUp]:
    # A one-off item has no opening date: never followed up means overdue with no day count.
    return [follow_up("followups", r["id"], r["item"], r["owner"], r["last_followup"], None, cadence, as_of,
                      r["_row"]) for r in rows if not r["done"]]


# ---------------------------------------------------------------------------------------------------------------
# The follow-up log (督办跟进记录)
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    """One follow-up of one register item."""

    register: str
    item: str
    date: dt.date
    by: str | None
    note: str | None
    next_date: dt.date | None
    plan: str | None
    status: str | None
    row: int | None


Log = dict[tuple[str, str], list[LogEntry]]  # (register, item id): its entries, oldest first


def log_entries(frame: pd.DataFrame | None, as_of: dt.date) -> Log:
    """The log by (register, item id): entries on or before the as-of date, oldest first (file order within a
    day), so that a site built as of an earlier day does not see later follow-ups."""
    found: Log = {}
    for r in _records(frame) if frame is not None else []:
        day = _date(r.get("date"))
        if day is None or day > as_of:
            continue
        found.setdefault((str(r["register"]), str(r["item"])), []).append(LogEntry(
            str(r["register"]), str(r["item"]), day, _text(r.get("by")), _text(r.get("note")),
            _date(r.get("next_date")), _text(r.get("remedy_plan")), _text(r.get("status")), r.get("_row")))
    for entries in found.values():
        entries.sort(key=lambda e: e.date)  # stable: file order within a day
    return found


def latest_plan(entries: list[LogEntry]) -> LogEntry | None:
    """The latest entry carrying a remedy plan."""
    return next((e for e in reversed(entries) if e.plan), None)


def with_log(rows: list[dict[str, Any]], register: str, key: str, log: Log) -> list[dict[str, Any]]:
    """The rows with their last follow-up (`key`) taken from the log when its latest entry is later."""
    out = []
    for row in rows:
        entries = log.get((register, row["id"]))
        if entries:
            own = row[key]
            row = {**row, key: entries[-1].date if own is None or entries[-1].date > own else own}
        out.append(row)
    return out


def with_plans(items: Iterable[FollowUp], log: Log) -> list[FollowUp]:
    """The follow-ups with their remedy plan on record."""
    out = []
    for item in items:
        entry = latest_plan(log.get((item.register, item.id), []))
        out.append(replace(item, plan=entry.plan) if entry else item)
    return out


def remedy_missing(items: Iterable[FollowUp], grace: int) -> list[FollowUp]:
    """Overdue by more than `grace` days (or with no date at all) and no remedy plan on record; by owner."""
    return overdue_only(i for i in items if i.plan is None and (i.days_overdue is None or i.days_overdue > grace))


def register_rows(register: Register, tables: dict[str, pd.DataFrame], as_of: dt.date, log: Log
                  ) -> list[dict[str, Any]]:
    """The register's rows, their last follow-up brought up to date from the log."""
    return with_log(register.rows(tables[register.dataset], as_of), register.name, register.last, log)


def register_followups(tables: dict[str, pd.DataFrame], present: Iterable[str], cadences: dict[str, str],
                       rules: dict[str, Any], as_of: dt.date) -> dict[str, list[FollowUp]]:
    """Every open item of every register given, against its cadence (overdue or not), with its remedy plan on
    record, by register."""
    log = log_entries(tables.get("followup_log"), as_of)
    out: dict[str, list[FollowUp]] = {}
    for name in present:
        register = REGISTER[name]
        if tables.get(register.dataset) is None:
            continue
        rows = register_rows(register, tables, as_of, log)
        out[name] = with_plans(register.followups(rows, register.cadence(cadences, rules), as_of), log)
    return out


# ---------------------------------------------------------------------------------------------------------------
# The registers, declared once
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cadence:
    """An option of site.toml's [cadence]: how often a register's open items must be followed up."""

    key: str
    default: str  # one of CADENCE_DAYS
    help: str


@dataclass(frozen=True)
class Register:
    """A supervision register: everything the rest of the site needs to know of it."""

    name: str  # its section, its folder (name/) and what a profile's `exclude` names
    dataset: str  # the dataset (inputs/schemas.py) it is made from; without it, no page
    cadences: tuple[Cadence, ...]  # its options of [cadence], in the order the reference lists them
    rows: Callable[[pd.DataFrame, dt.date], list[dict[str, Any]]]  # (table, as_of): one dict per item
    # (rows, cadence, as_of): every open item against its cadence; see `cadence` for what it is given
    followups: Callable[[list[dict[str, Any]], Any, dt.date], list[FollowUp]]
    label: str  # translation key: its name in the registers' own navigation and in the overdue warning
    title: str  # translation key: its page's title
    intro: str  # translation key: the line under the title
    page: str  # name of its builder in pages/registers.py, `(ctx) -> Section | None`
    last: str  # the key of its rows' last follow-up date, which the follow-up log brings up to date
    rules: tuple[str, ...] = ()  # the [rules] options its follow-ups need beside the cadences

    def cadence(self, cadences: dict[str, str], rules: dict[str, Any]) -> Any:
        """What `followups` is given: the register's one cadence, or the whole [cadence] table with the [rules]
        options it names when it has several (projects, one per cycle; receivables by kind and amount)."""
        if len(self.cadences) == 1 and not self.rules:
            return cadences[self.cadences[0].key]
        return {**cadences, **{key: rules[key] for key in self.rules}}


# In the order of the registers' navigation; the first register given is the site navigation's entry.
REGISTERS: tuple[Register, ...] = (
    Register(
        "receivables", dataset="receivables",
        cadences=(  # the shortest that applies: see receivable_cadence
            Cadence("receivables", "2/month", "Receivables (回款)."),
            Cadence("receivables_invoiced", "2/week", "Invoiced receivables (已开票到账期), if shorter."),
            Cadence("receivables_large", "weekly", "Receivables outstanding at or above [rules] receivable_large "
                                                   "(大额款项), if shorter."),
        ),
        rows=receivable_rows, followups=receivable_followups,
        label="registers.receivables", title="registers.title.receivables", intro="receivables.intro",
        page="build_receivables", last="last_followup", rules=("receivable_large",),
    ),
    Register(
        "aftersales", dataset="aftersales",
        cadences=(Cadence("aftersales", "2/week", "After-sales cases (售后)."),),
        rows=aftersales_rows, followups=aftersales_followups,
        label="registers.aftersales", title="registers.title.aftersales", intro="aftersales.intro",
        page="build_aftersales", last="last_followup",
    ),
    Register(
        "leads", dataset="leads",
        cadences=(Cadence("leads", "daily", "Sales leads (销线)."),),
        rows=lead_rows, followups=lead_followups,
        label="registers.leads", title="registers.title.leads", intro="leads.intro",
        page="build_leads", last="last_update",
    ),
    Register(
        "projects", dataset="projects",
        cadences=(  # one per cycle: see project_cadence
            Cadence("projects_short", "2/week", "Projects of 3 months or less."),
            Cadence("projects_medium", "weekly", "Projects of 3 to 6 months."),
            Cadence("projects_long", "monthly", "Projects of more than 6 months (or no expected end)."),
        ),
        rows=project_rows, followups=project_followups,
        label="registers.projects", title="registers.title.projects", intro="projects.intro",
        page="build_projects", last="last_update",
    ),
    Register(
        "followups", dataset="followups",
        cadences=(Cadence("followups", "weekly", "One-off supervised items."),),
        rows=followup_rows, followups=item_followups,
        label="registers.followups", title="registers.title.followups", intro="followups.intro",
        page="build_followups", last="last_followup",
    ),
)
REGISTER: dict[str, Register] = {register.name: register for register in REGISTERS}
