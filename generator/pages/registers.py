"""The supervision registers (督办台账): receivables/, aftersales/, leads/, projects/, followups/.

Which registers there are is declared once, in metrics/registers.py (REGISTERS); this module holds each
register's page builder (named by its declaration) and what they share. Each register is its own section
and page, with a CSV beside every table; the navigation has one entry (督办台账) leading to the first
register given, and each register page links the others. Each page lists the open items overdue for
follow-up on the register's cadence (site.toml [cadence]), by owner, and one warning rule lists them across
all registers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..metrics import registers as reg
from ..metrics.registers import REGISTER, REGISTERS, FollowUp, Register
from ..render import Page
from .context import Context, Section
from .links import id_segment, person_href
from .project_indicators import indicator_block
from .tables import Col, Table
from .warnings import WarningList, warning_rule


def present(ctx: Context) -> list[str]:
    """The registers built: dataset given and section not left out by the profile."""
    return [spec.name for spec in REGISTERS if ctx.wants(spec.name, spec.dataset)]


def builders() -> list[Callable[[Context], Section | None]]:
    """The page builder of every register, in the order of REGISTERS (the sections' order in pages/)."""
    found = []
    for spec in REGISTERS:
        build = globals().get(spec.page)
        if not callable(build):
            raise LookupError(f"register {spec.name!r}: no page builder {spec.page!r} in {__name__}")
        found.append(build)
    return found


def _wanted(ctx: Context, name: str) -> Register | None:
    """The register's declaration when its page is built, else None."""
    spec = REGISTER[name]
    return spec if ctx.wants(spec.name, spec.dataset) else None


def _log(ctx: Context) -> reg.Log:
    return reg.log_entries(ctx.tables.get("followup_log"), ctx.as_of)


def _rows(ctx: Context, spec: Register, names: dict[str, str], log: reg.Log) -> list[dict[str, Any]]:
    """The register's rows (last follow-up from the log when later), each with its owner's name; with a follow-up
    log, each row's id links to its timeline (the owner's link is for the overdue lists)."""
    rows = [_owner(r, names, ctx) for r in reg.register_rows(spec, ctx.tables, ctx.as_of, log)]
    linked = ctx.site.has("followup_log")
    for r in rows:
        r.pop("_href", None)
        if linked:
            r["_href"] = f"{spec.name}/#{_anchor(r['id'])}"
    return rows


def _anchor(item: str) -> str:
    """The id of an item's timeline on its register page."""
    return f"item-{id_segment(item)}"


def _label(row: dict[str, Any]) -> str:
    """What an item is, in a few words: its customer, name, task or stage."""
    return str(row.get("customer") or row.get("name") or row.get("item") or row.get("stage") or "")


def _timeline(ctx: Context, spec: Register, rows: list[dict[str, Any]], log: reg.Log, names: dict[str, str]
              ) -> dict[str, Any] | None:
    """Every item's follow-up history, oldest first, under its own anchor; and the register's log as a CSV."""
    if not ctx.site.has("followup_log"):
        return None
    t = ctx.t
    items, entries = [], []
    for r in rows:
        found = log.get((spec.name, r["id"]), [])
        shown = [{"date": e.date, "by": names.get(e.by, e.by) if e.by else None, "note": e.note,
                  "next_date": e.next_date, "plan": e.plan, "status": e.status} for e in found]
        items.append({"anchor": _anchor(r["id"]), "id": r["id"], "label": _label(r), "owner_name": r["owner_name"],
                      "last": r[spec.last], "entries": shown})
        entries += [{"id": r["id"], **entry} for entry in shown]
    table = Table("followup-log", t("followlog.title"), [
        Col("id", t("col.id")), Col("date", t("followlog.date"), "date"), Col("by", t("followlog.by")),
        Col("note", t("followlog.note")), Col("next_date", t("followlog.next_date"), "date"),
        Col("plan", t("followlog.plan")), Col("status", t("col.status"))], entries)
    return {"items": items, "log": table, "rule": t("followlog.rule")}


def _names(ctx: Context) -> dict[str, str]:
    people = ctx.tables.get("people")
    if people is None or people.empty:
        return {}
    return {str(i): str(n) for i, n in zip(people["id"], people["name"], strict=True)}


def _cadence_text(ctx: Context, cadence: str) -> str:
    return ctx.t(f"cadence.{cadence}")


def _owner(row: dict[str, Any], names: dict[str, str], ctx: Context) -> dict[str, Any]:
    """Add the owner's name (and a link to their page when person pages are built) to a row."""
    owner = row["owner"]
    extra = {"owner_name": names.get(owner, owner)}
    if ctx.show_people and owner in names:
        extra["_href"] = person_href(owner)
    return {**row, **extra}


def _overdue_blocks(ctx: Context, items: list[FollowUp], names: dict[str, str], log: reg.Log,
                    with_cadence: bool = False) -> list[dict[str, Any]]:
    t = ctx.t
    overdue = reg.overdue_only(reg.with_plans(items, log))
    rows = [_owner({
        "owner": i.owner, "id": i.id, "item": i.item, "cadence": _cadence_text(ctx, i.cadence), "last": i.last,
        "never": t("registers.never") if i.never else None, "days_since": i.days_since,
        "days_overdue": i.days_overdue, "plan": i.plan or t("followlog.no_plan"), "_row": i.row,
    }, names, ctx) for i in overdue]
    columns = [Col("owner_name", t("col.owner")), Col("owner", t("col.owner_id")), Col("id", t("col.id")),
               Col("item", t("col.item"))]
    if with_cadence:
        columns.append(Col("cadence", t("col.cadence")))
    columns += [Col("last", t("col.last"), "date"), Col("never", t("col.never")),
                Col("days_since", t("col.days_since"), "number"), Col("days_overdue", t("col.days_overdue"), "number")]
    if ctx.site.has("followup_log"):
        columns.append(Col("plan", t("followlog.plan")))
    owners = [_owner({**entry}, names, ctx) for entry in reg.by_owner(overdue)]
    return [
        {"id": "overdue", "title": t("registers.overdue"), "notes": [t("registers.cadence_rule")],
         "table": Table("overdue-followups", t("registers.overdue"), columns, rows),
         "empty": t("registers.overdue_none")},
        {"id": "by-owner", "title": t("registers.overdue_owners"), "notes": [],
         "table": Table("overdue-owners", t("registers.overdue_owners"), [
             Col("owner_name", t("col.owner")), Col("owner", t("col.owner_id")), Col("count", t("col.count"), "number"),
             Col("longest", t("col.longest"), "number")], owners),
         "empty": t("registers.overdue_none")},
    ]


def _section(ctx: Context, spec: Register, intro: str, notes: list[str], tiles: list[dict[str, Any]],
             blocks: list[dict[str, Any]], timeline: dict[str, Any] | None) -> Section:
    """The register's section: its one page, linking every register built (no navigation entry of its own)."""
    subnav = [(n, f"{n}/", ctx.t(REGISTER[n].label)) for n in present(ctx)]
    page = Page(f"{spec.name}/index.html", "register.html", ctx.t(spec.title), "registers", {
        "register": spec.name, "subnav": subnav, "intro": intro, "notes": notes, "tiles": tiles,
        "blocks": blocks, "timeline": timeline,
    })
    return Section(spec.name, None, [page])


def _block(id: str, title: str, columns: list[Col], rows: list[dict[str, Any]], notes: list[str] | None = None,
           empty: str = "") -> dict[str, Any]:
    return {"id": id, "title": title, "notes": notes or [], "table": Table(f"{id}-table", title, columns, rows),
            "empty": empty}


def build_nav(ctx: Context) -> Section | None:
    """The one navigation entry of the registers: the first register built."""
    names = present(ctx)
    return Section("registers", f"{names[0]}/") if names else None


def build_receivables(ctx: Context) -> Section | None:
    spec = _wanted(ctx, "receivables")
    if spec is None:
        return None
    t, as_of = ctx.t, ctx.as_of
    settings = spec.cadence(ctx.config["cadence"], ctx.config["rules"])
    cadence = settings["receivables"]
    threshold = float(ctx.config["rules"]["receivable_large"])
    names, log = _names(ctx), _log(ctx)
    rows = _rows(ctx, spec, names, log)
    for r in rows:
        r["kind_label"] = t(f"kind.{r['kind']}") if r["kind"] in reg.KINDS else (r["kind"] or t("kind.none"))
        r["bucket_label"] = t(f"col.{r['bucket']}")
    totals = reg.receivable_totals(rows)
    large = reg.large_receivables(rows, threshold)
    overdue_pay = reg.overdue_payments(rows)
    ageing = reg.ageing(rows)
    show_no_date = any(a["no_date"] for a in ageing)
    for a in ageing:
        a["kind_label"] = t("kind.total") if a["total_row"] else (
            t(f"kind.{a['kind']}") if a["kind"] in reg.KINDS else (a["kind"] or t("kind.none")))
        if a["total_row"]:
            a["_class"] = "level-0"
    ageing_cols = [Col("kind_label", t("col.kind"), csv_key="kind"), Col("count", t("col.count"), "number"),
                   *(Col(b, t(f"col.{b}"), "money") for b in reg.BUCKETS if b != "no_date" or show_no_date),
                   Col("outstanding", t("col.outstanding"), "money")]
    item_cols = [Col("id", t("col.id")), Col("customer", t("col.customer")), Col("owner_name", t("col.owner")),
                 Col("owner", t("col.owner_id")), Col("kind_label", t("col.kind"), csv_key="kind")]
    money_cols = [Col("amount", t("col.amount"), "money"), Col("paid", t("col.paid"), "money"),
                  Col("outstanding", t("col.outstanding"), "money")]
    # The collection plan and its risks (optional columns): shown when the register has them.
    plan_cols = [Col(key, t(f"receivables.{key}")) for key in ("plan", "feasibility", "customer_risk", "remedy")
                 if any(r[key] for r in rows)]
    overpaid = [r["id"] for r in rows if r["outstanding"] < 0]
    notes = [t("receivables.overpaid", count=len(overpaid), ids=t("sep.list").join(overpaid))] if overpaid else []
    blocks = [
        _block("ageing", t("receivables.ageing"), ageing_cols, ageing, [t("receivables.ageing_rule")]),
        _block("large", t("receivables.large"), [*item_cols, *money_cols, Col("due_date", t("col.due_date"), "date"),
                                                 *plan_cols],
               large, [t("receivables.large_rule", threshold=ctx.fmt.money(threshold))], t("registers.none")),
        _block("overdue-payments", t("receivables.overdue_pay"), [
            *item_cols, Col("due_date", t("col.due_date"), "date"),
            Col("days_past_due", t("col.days_past_due"), "number"),
            Col("outstanding", t("col.outstanding"), "money"), *plan_cols], overdue_pay,
            [t("receivables.overdue_pay_rule")],
            t("registers.none")),
        *_overdue_blocks(ctx, spec.followups(rows, settings, as_of), names, log, with_cadence=True),
        _block("all", t("registers.all"), [
            *item_cols, Col("invoice_date", t("col.invoice_date"), "date"), Col("due_date", t("col.due_date"), "date"),
            *money_cols, Col("age_days", t("col.age_days"), "number"), Col("bucket_label", t("col.bucket"),
                                                                           csv_key="bucket"),
            Col("last_followup", t("col.last"), "date"), *plan_cols], rows, empty=t("registers.none")),
    ]
    tiles: list[dict[str, Any]] = [
        {"label": t("receivables.outstanding"), "value": totals["outstanding"], "kind": "money"},
        {"label": t("receivables.overdue_amount"), "value": totals["overdue"], "kind": "money"},
        {"label": t("receivables.open"), "value": totals["open"], "kind": "number"},
        {"label": t("receivables.large_count"), "value": len(large), "kind": "number"},
    ]
    intro = t(spec.intro, cadence=_cadence_text(ctx, cadence))
    shorter = t("receivables.cadence_shorter", invoiced=_cadence_text(ctx, settings["receivables_invoiced"]),
                large=_cadence_text(ctx, settings["receivables_large"]), threshold=ctx.fmt.money(threshold))
    return _section(ctx, spec, intro, [_cadence_line(ctx, cadence), shorter, *notes], tiles, blocks,
                    _timeline(ctx, spec, rows, log, names))


def _cadence_line(ctx: Context, cadence: str) -> str:
    return ctx.t("registers.cadence", cadence=_cadence_text(ctx, cadence), days=reg.CADENCE_DAYS[cadence])


def build_aftersales(ctx: Context) -> Section | None:
    spec = _wanted(ctx, "aftersales")
    if spec is None:
        return None
    t, as_of = ctx.t, ctx.as_of
    cadence = spec.cadence(ctx.config["cadence"], ctx.config["rules"])
    names, log = _names(ctx), _log(ctx)
    rows = _rows(ctx, spec, names, log)
    for r in rows:
        r["status_label"] = t("col.closed") if r["closed"] else t("col.open")
    open_cases = sorted((r for r in rows if not r["closed"]), key=lambda r: (-(r["days_open"] or 0), r["id"]))
    closed = [r for r in rows if r["closed"]]
    times = [r["days_to_resolve"] for r in closed if r["days_to_resolve"] is not None and r["days_to_resolve"] >= 0]
    no_time = [r["id"] for r in closed if r["days_to_resolve"] is None or r["days_to_resolve"] < 0]

    def grouped(key: str) -> list[dict[str, Any]]:
        out = reg.resolution_by(rows, key)
        for entry in out:
            entry["label"] = entry[key] or t("aftersales.unknown")
        return out

    method = [Col("method", t("aftersales.method"))] if any(r["method"] for r in rows) else []
    stat_cols = [Col("open", t("col.open"), "number"), Col("closed", t("col.closed"), "number"),
                 Col("average", t("col.average"), "number"), Col("longest", t("col.longest_days"), "number")]
    case_cols = [Col("id", t("col.id")), Col("customer", t("col.customer")), Col("owner_name", t("col.owner")),
                 Col("owner", t("col.owner_id")), Col("registered", t("col.registered"), "date")]
    notes = [t("aftersales.time_rule")]
    if no_time:
        notes.append(t("aftersales.no_time", count=len(no_time), ids=t("sep.list").join(no_time)))
    blocks = [
        _block("open-cases", t("aftersales.open_cases"), [
            *case_cols, Col("days_open", t("col.days_open"), "number"), Col("reason", t("col.reason")),
            Col("responsibility", t("col.responsibility")), *method, Col("last_followup", t("col.last"), "date")],
            open_cases, empty=t("registers.none")),
        _block("monthly-return", t("aftersales.monthly"), [
            Col("month", t("aftersales.month")), Col("registered", t("aftersales.registered"), "number"),
            Col("resolved", t("aftersales.resolved"), "number"),
            Col("open_at_end", t("aftersales.open_at_end"), "number"),
            Col("average", t("col.average"), "number")], reg.monthly_returns(rows, as_of),
            [t("aftersales.monthly_rule")], t("registers.none")),
        _block("by-reason", t("aftersales.by_reason"), [Col("label", t("col.reason"), csv_key="reason"), *stat_cols],
               grouped("reason"), notes, t("registers.none")),
        _block("by-responsibility", t("aftersales.by_responsibility"),
               [Col("label", t("col.responsibility"), csv_key="responsibility"), *stat_cols],
               grouped("responsibility"), empty=t("registers.none")),
        *_overdue_blocks(ctx, spec.followups(rows, cadence, as_of), names, log),
        _block("all", t("registers.all"), [
            *case_cols, Col("status_label", t("col.status"), csv_key="status"),
            Col("resolved", t("col.resolved"), "date"),
            Col("days_to_resolve", t("col.days_to_resolve"), "number"), Col("reason", t("col.reason")),
            Col("responsibility", t("col.responsibility")), *method, Col("last_followup", t("col.last"), "date")], rows,
            empty=t("registers.none")),
    ]
    tiles = [
        {"label": t("aftersales.open_cases"), "value": len(open_cases), "kind": "number"},
        {"label": t("aftersales.closed_cases"), "value": len(closed), "kind": "number"},
        {"label": t("aftersales.average"), "value": round(sum(times) / len(times), 1) if times else None,
         "kind": "decimal"},
        {"label": t("aftersales.longest"), "value": max(times) if times else None, "kind": "number"},
    ]
    intro = t(spec.intro, cadence=_cadence_text(ctx, cadence))
    return _section(ctx, spec, intro, [_cadence_line(ctx, cadence)], tiles, blocks,
                    _timeline(ctx, spec, rows, log, names))


def build_leads(ctx: Context) -> Section | None:
    spec = _wanted(ctx, "leads")
    if spec is None:
        return None
    t, as_of = ctx.t, ctx.as_of
    cadence = spec.cadence(ctx.config["cadence"], ctx.config["rules"])
    names, log = _names(ctx), _log(ctx)
    rows = _rows(ctx, spec, names, log)
    for r in rows:
        if r["node_passed"]:
            r["_class"] = "flag"
    active = sorted((r for r in rows if not r["closed"]), key=lambda r: (r["owner"], r["next_date"] or as_of, r["id"]))
    closed = [r for r in rows if r["closed"]]
    stages: dict[str, dict[str, Any]] = {}
    for r in rows:
        label = r["stage"] or t("leads.stage_none")
        entry = stages.setdefault(label, {"stage": label, "count": 0, "value": 0.0})
        entry["count"] += 1
        entry["value"] = round(entry["value"] + r["value"], 2)
    lead_cols = [Col("id", t("col.id")), Col("owner_name", t("col.owner")), Col("owner", t("col.owner_id")),
                 Col("stage", t("col.stage")), Col("created", t("col.created"), "date"),
                 Col("last_update", t("col.last_update"), "date"), Col("next_step", t("col.next_step")),
                 Col("next_date", t("col.next_date"), "date"), Col("value", t("col.value"), "money")]
    rated = any(r["probability"] is not None for r in rows)
    if rated:
        for r in rows:
            r["weighted"] = round(r["value"] * r["probability"] / 100, 2) if r["probability"] is not None else None
        lead_cols += [Col("probability", t("leads.probability"), "number"),
                      Col("weighted", t("leads.weighted"), "money")]
    quota = int(ctx.config["rules"]["lead_quota"])
    quota_blocks = []
    if quota or rated:
        quota_rows = [_owner(entry, names, ctx) for entry in reg.lead_quota(rows, quota)]
        for entry in quota_rows:
            if entry["short"]:
                entry["_class"] = "flag"
        quota_cols = [Col("owner_name", t("col.owner")), Col("owner", t("col.owner_id")),
                      Col("open", t("leads.open"), "number")]
        if quota:
            quota_cols += [Col("quota", t("leads.quota"), "number"), Col("fill", t("leads.fill"), "percent"),
                           Col("short", t("leads.short"), "number")]
        if rated:
            quota_cols += [Col("probability", t("leads.mean_probability"), "number"),
                           Col("weighted", t("leads.weighted"), "money")]
        quota_blocks.append(_block("quota", t("leads.quota_title"), quota_cols, quota_rows,
                                   [t("leads.quota_rule", quota=quota) if quota else t("leads.quality_rule")],
                                   t("registers.none")))
    blocks = [
        _block("by-stage", t("leads.by_stage"), [Col("stage", t("col.stage")), Col("count", t("col.count"), "number"),
                                                 Col("value", t("col.value"), "money")],
               sorted(stages.values(), key=lambda e: (-e["count"], e["stage"])), empty=t("registers.none")),
        *quota_blocks,
        _block("active", t("leads.list"), lead_cols, active, [t("leads.node_rule")], t("registers.none")),
        *_overdue_blocks(ctx, spec.followups(rows, cadence, as_of), names, log),
        _block("closed", t("registers.closed"), lead_cols, closed, empty=t("registers.none")),
    ]
    tiles = [
        {"label": t("leads.active"), "value": len(active), "kind": "number"},
        {"label": t("leads.value"), "value": round(sum(r["value"] for r in active), 2), "kind": "money"},
        {"label": t("leads.node_passed"), "value": sum(1 for r in active if r["node_passed"]), "kind": "number"},
    ]
    return _section(ctx, spec, t(spec.intro), [_cadence_line(ctx, cadence)], tiles, blocks,
                    _timeline(ctx, spec, rows, log, names))


def build_projects(ctx: Context) -> Section | None:
    spec = _wanted(ctx, "projects")
    if spec is None:
        return None
    t, as_of = ctx.t, ctx.as_of
    cadences = spec.cadence(ctx.config["cadence"], ctx.config["rules"])  # one per cycle
    names, log = _names(ctx), _log(ctx)
    rows = _rows(ctx, spec, names, log)
    for r in rows:
        if r["node_passed"]:
            r["_class"] = "flag"
    active = [r for r in rows if not r["closed"]]
    cols = [Col("id", t("col.id")), Col("name", t("col.name")), Col("owner_name", t("col.owner")),
            Col("owner", t("col.owner_id")), Col("start", t("col.start"), "date"),
            Col("expected_end", t("col.expected_end"), "date"), Col("cycle_days", t("col.cycle_days"), "number"),
            Col("stage", t("col.stage")), Col("next_milestone", t("col.next_milestone")),
            Col("next_date", t("col.next_date"), "date"), Col("last_update", t("col.last_update"), "date")]
    if any(r["handoff"] or r["next_target"] for r in rows):
        cols += [Col("handoff", t("projects.handoff"), "date"), Col("next_target", t("projects.next_target"))]
    blocks = []
    for cycle in reg.CYCLES:
        chosen = sorted((r for r in active if r["cycle"] == cycle), key=lambda r: (r["next_date"] or as_of, r["id"]))
        if cycle == "unknown" and not chosen:
            continue
        cadence = reg.project_cadence(cycle, cadences)
        title = t(f"projects.cycle.{cycle}")
        blocks.append(_block(f"cycle-{cycle}", title, cols, chosen,
                             [t("projects.group_cadence", cadence=_cadence_text(ctx, cadence)) + " · "
                              + _cadence_line(ctx, cadence)], t("registers.none")))
    blocks[0]["notes"].insert(0, t("projects.cycle_rule"))
    blocks += [
        *_overdue_blocks(ctx, spec.followups(rows, cadences, as_of), names, log, with_cadence=True),
        _block("closed", t("registers.closed"), cols, [r for r in rows if r["closed"]], empty=t("registers.none")),
    ]
    tiles = [{"label": t("projects.active"), "value": len(active), "kind": "number"}]
    tiles += [{"label": t(f"projects.cycle.{c}"), "value": sum(1 for r in active if r["cycle"] == c),
               "kind": "number"} for c in ("short", "medium", "long")]
    indicators = indicator_block(ctx, rows, names)  # new projects' daily, weekly and monthly indicators
    if indicators is not None:
        blocks.insert(0, indicators[0])
        tiles.append(indicators[1])
    intro = t(spec.intro, short=_cadence_text(ctx, cadences["projects_short"]),
              medium=_cadence_text(ctx, cadences["projects_medium"]),
              long=_cadence_text(ctx, cadences["projects_long"]))
    return _section(ctx, spec, intro, [], tiles, blocks, _timeline(ctx, spec, rows, log, names))


def build_followups(ctx: Context) -> Section | None:
    spec = _wanted(ctx, "followups")
    if spec is None:
        return None
    t, as_of = ctx.t, ctx.as_of
    cadence = spec.cadence(ctx.config["cadence"], ctx.config["rules"])
    names, log = _names(ctx), _log(ctx)
    rows = _rows(ctx, spec, names, log)
    for r in rows:
        if r["past_due"] is not None:
            r["_class"] = "flag"
    open_items = sorted((r for r in rows if not r["done"]), key=lambda r: (r["due"] or as_of, r["id"]))
    cols = [Col("id", t("col.id")), Col("item", t("col.item")), Col("owner_name", t("col.owner")),
            Col("owner", t("col.owner_id")), Col("due", t("col.due"), "date"), Col("status", t("col.status")),
            Col("last_followup", t("col.last"), "date")]
    for r in rows:
        r["priority_label"] = t(f"followups.priority.{r['priority']}") if r["priority"] else None
    cols += [Col(key, t(f"followups.{key}"), csv_key=csv) for key, csv in (
        ("line", None), ("priority_label", "priority"), ("contact_times", None)) if any(r[key] for r in rows)]
    items = reg.with_plans(spec.followups(rows, cadence, as_of), log)
    blocks = [
        _block("open-items", t("followups.list"), [*cols, Col("past_due", t("col.past_due"), "number")], open_items,
               empty=t("registers.none")),
        *_overdue_blocks(ctx, items, names, log),
        *_by_line(ctx, items, rows),
        _block("closed", t("registers.closed"), cols, [r for r in rows if r["done"]], empty=t("registers.none")),
    ]
    tiles = [
        {"label": t("followups.open"), "value": len(open_items), "kind": "number"},
        {"label": t("followups.past_due"), "value": sum(1 for r in open_items if r["past_due"] is not None),
         "kind": "number"},
    ]
    return _section(ctx, spec, t(spec.intro), [_cadence_line(ctx, cadence)], tiles, blocks,
                    _timeline(ctx, spec, rows, log, names))


def _by_line(ctx: Context, items: list[FollowUp], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Open items and those overdue for follow-up per line (条线), when the register names lines."""
    line_of = {r["id"]: r["line"] for r in rows}
    if not any(line_of.values()):
        return []
    t = ctx.t
    lines: dict[str, dict[str, Any]] = {}
    for item in items:
        name = line_of.get(item.id) or t("followups.no_line")
        entry = lines.setdefault(name, {"line": name, "open": 0, "overdue": 0, "no_plan": 0})
        entry["open"] += 1
        if item.overdue:
            entry["overdue"] += 1
            entry["no_plan"] += item.plan is None
    found = sorted(lines.values(), key=lambda e: (-e["overdue"], e["line"]))
    return [_block("by-line", t("followups.by_line"), [
        Col("line", t("followups.line")), Col("open", t("col.open"), "number"),
        Col("overdue", t("followups.overdue"), "number"), Col("no_plan", t("followups.no_plan"), "number")],
        found, [t("followups.by_line_rule")], t("registers.none"))]


@warning_rule(order=90)
def overdue_register_items(ctx: Context) -> WarningList | None:
    """Register items overdue for follow-up, across every register given."""
    names = present(ctx)
    if not names:
        return None
    t = ctx.t
    cadences = ctx.config["cadence"]
    found = reg.register_followups(ctx.tables, names, cadences, ctx.config["rules"], ctx.as_of)
    people = _names(ctx)
    items = reg.overdue_only(i for register_items in found.values() for i in register_items)
    rows = [{
        "owner_name": people.get(i.owner, i.owner), "owner": i.owner, "register": t(REGISTER[i.register].label),
        "id": i.id, "item": i.item, "last": i.last, "never": t("registers.never") if i.never else None,
        "days_overdue": i.days_overdue, "_href": f"{i.register}/index.html#overdue",
    } for i in items]
    columns = [Col("owner_name", t("col.owner")), Col("owner", t("col.owner_id")), Col("register", t("col.register")),
               Col("id", t("col.id")), Col("item", t("col.item")), Col("last", t("col.last"), "date"),
               Col("never", t("col.never")), Col("days_overdue", t("col.days_overdue"), "number")]
    rule = t("overdue_rule.rule", **{key: _cadence_text(ctx, value) for key, value in cadences.items()})
    return WarningList("register-followups", t("overdue_rule.title"), rule, columns, rows,
                       [t("registers.cadence_rule")])


def _remedy_missing(ctx: Context) -> list[FollowUp] | None:
    """Overdue items without a remedy plan beyond the grace days, across the registers given; None without a
    follow-up log (where plans are recorded) or a register."""
    names = present(ctx)
    if not names or not ctx.site.has("followup_log"):
        return None
    found = reg.register_followups(ctx.tables, names, ctx.config["cadence"], ctx.config["rules"], ctx.as_of)
    return reg.remedy_missing((i for items in found.values() for i in items),
                              int(ctx.config["rules"]["remedy_grace_days"]))


@warning_rule(order=91)
def remedy_plans_missing(ctx: Context) -> WarningList | None:
    """Overdue register items with no remedy plan in the follow-up log: the owner is pushed (倒逼) for one."""
    items = _remedy_missing(ctx)
    if items is None:
        return None
    t = ctx.t
    people = _names(ctx)
    rows = [{
        "id": i.id, "owner_name": people.get(i.owner, i.owner), "owner": i.owner,
        "register": t(REGISTER[i.register].label), "item": i.item, "last": i.last,
        "never": t("registers.never") if i.never else None, "days_overdue": i.days_overdue,
        "_href": f"{i.register}/#{_anchor(i.id)}",
    } for i in items]
    columns = [Col("id", t("col.id")), Col("owner_name", t("col.owner")), Col("owner", t("col.owner_id")),
               Col("register", t("col.register")), Col("item", t("col.item")), Col("last", t("col.last"), "date"),
               Col("never", t("col.never")), Col("days_overdue", t("col.days_overdue"), "number")]
    grace = int(ctx.config["rules"]["remedy_grace_days"])
    return WarningList("remedy-missing", t("remedy.title"), t("remedy.rule", days=grace), columns, rows,
                       [t("followlog.rule")])


def remedy_owners(ctx: Context) -> list[dict[str, Any]]:
    """For the board: per owner, the overdue items without a remedy plan and the longest overdue, most first."""
    items = _remedy_missing(ctx) or []
    people = _names(ctx)
    owners = reg.by_owner(items)
    href = "warnings/#remedy-missing-h" if ctx.wants("warnings") else None
    return [{**entry, "owner_name": people.get(entry["owner"], entry["owner"]), "href": href} for entry in owners]
