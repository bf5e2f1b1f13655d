"""resources/: customer lists and lead batches handed between people — who holds what, and what is not yet received.

The seed's 资源管理: follow receipt daily, and the resource table (资源大表) is updated weekly. Batches
not received in time and tables left without update go to warnings/.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..i18n import register
from ..metrics.development import resource_batches, resources_by_owner, stale_resource_tables
from ..render import Page
from .context import Context, Section
from .links import person_href
from .tables import Col, Table, clean
from .warnings import WarningList, warning_rule

register({
    "zh-CN": {
        "nav.resources": "资源流转",
        "resources.title": "资源流转",
        "resources.rule": "资源分配后 {receive} 天内应接收；资源大表每 {update} 天至少更新一次。",
        "resources.pending_batches": "待接收批次",
        "resources.pending_size": "待接收资源量",
        "resources.overdue_batches": "超期未接收批次",
        "resources.stale_tables": "资源表超期未更新",
        "resources.by_owner": "各人资源量",
        "resources.flow": "资源流转明细",
        "resources.owner": "接收人",
        "resources.unit": "单位",
        "resources.batches": "批次",
        "resources.assigned": "已分配",
        "resources.received": "已接收",
        "resources.outstanding": "待接收",
        "resources.overdue": "超期批次",
        "resources.handed_out": "移出",
        "resources.id": "编号",
        "resources.kind": "类型",
        "resources.size": "数量",
        "resources.from": "移交人",
        "resources.to": "接收人",
        "resources.assigned_on": "分配日期",
        "resources.received_on": "接收日期",
        "resources.waited": "等待天数",
        "resources.state": "接收情况",
        "resources.status": "状态（登记）",
        "resources.last_update": "最近更新",
        "resources.days": "距今天数",
        "resources.batch_ids": "批次编号",
        "resources.state.received": "已接收",
        "resources.state.pending": "待接收",
        "resources.state.overdue": "超期未接收",
        "resources.none": "暂无资源流转记录。",
        "resources.unreceived_title": "资源超期未接收",
        "resources.unreceived_rule": "分配后超过 {days} 天仍无接收日期的资源批次",
        "resources.stale_title": "资源表超期未更新",
        "resources.stale_rule": "在岗人员名下已接收的资源批次，最近一次更新（无更新日期时按接收日期）"
                                "距今超过 {days} 天",
    },
    "en": {
        "nav.resources": "Resources",
        "resources.title": "Resource flow",
        "resources.rule": "A batch should be received within {receive} days of assignment; the resource table is "
                          "updated at least every {update} days.",
        "resources.pending_batches": "Batches not yet received",
        "resources.pending_size": "Records not yet received",
        "resources.overdue_batches": "Batches overdue for receipt",
        "resources.stale_tables": "Resource tables not updated",
        "resources.by_owner": "Resources by owner",
        "resources.flow": "Resource flow",
        "resources.owner": "Owner",
        "resources.unit": "Unit",
        "resources.batches": "Batches",
        "resources.assigned": "Assigned",
        "resources.received": "Received",
        "resources.outstanding": "Outstanding",
        "resources.overdue": "Overdue batches",
        "resources.handed_out": "Handed out",
        "resources.id": "Id",
        "resources.kind": "Kind",
        "resources.size": "Size",
        "resources.from": "From",
        "resources.to": "To",
        "resources.assigned_on": "Assigned",
        "resources.received_on": "Received",
        "resources.waited": "Days waited",
        "resources.state": "Receipt",
        "resources.status": "Status (as recorded)",
        "resources.last_update": "Last update",
        "resources.days": "Days since",
        "resources.batch_ids": "Batches",
        "resources.state.received": "Received",
        "resources.state.pending": "Pending",
        "resources.state.overdue": "Overdue",
        "resources.none": "No resource batches recorded.",
        "resources.unreceived_title": "Resource batches not received",
        "resources.unreceived_rule": "Batches with no receipt date more than {days} days after assignment",
        "resources.stale_title": "Resource tables not updated",
        "resources.stale_rule": "Received batches of people in employment last updated (or, never updated, "
                                "received) more than {days} days ago",
    },
})


def _batches(ctx: Context) -> pd.DataFrame:
    return resource_batches(ctx.tables["resources"], ctx.as_of, int(ctx.config["rules"]["resource_receive_days"]))


def _lookups(ctx: Context) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    people, units = ctx.tables["people"], ctx.tables["units"]
    unit_names = dict(zip(units["id"], units["name"], strict=True))
    person_units = {p: unit_names.get(u, u) for p, u in zip(people["id"], people["unit"], strict=True)}
    return dict(zip(people["id"], people["name"], strict=True)), person_units, unit_names


def _date(value: Any) -> Any:
    return None if pd.isna(value) else value.date()


def _flow_rows(ctx: Context, batches: pd.DataFrame) -> list[dict[str, Any]]:
    names, _, _ = _lookups(ctx)
    rows = []
    for row in batches.to_dict("records"):
        source, target = clean(row["from_owner"]), row["to_owner"]
        rows.append({
            "id": row["id"], "kind": clean(row["kind"]), "size": int(row["size"]),
            "from_owner": source, "from_name": names.get(source, source) if source else None,
            "to_owner": target, "to_name": names.get(target, target),
            "assigned": _date(row["assigned"]), "received": _date(row["received_on"]), "waited": int(row["waited"]),
            "state": row["state"], "state_label": ctx.t(f"resources.state.{row['state']}"),
            "status": clean(row["status"]), "last_update": _date(row["last_update"]),
            "_class": "flag" if row["state"] == "overdue" else "",
        })
    return rows


def build(ctx: Context) -> Section | None:
    """resources/: totals, resources by owner and every batch handed from one person to another."""
    if not ctx.wants("resources", "resources"):
        return None
    t, rules = ctx.t, ctx.config["rules"]
    batches = _batches(ctx)
    names, person_units, _ = _lookups(ctx)
    link = person_href if ctx.show_people else None
    owner_rows = []
    for row in resources_by_owner(batches).to_dict("records"):
        owner = row["owner"]
        owner_rows.append({**row, "name": names.get(owner, owner), "unit_name": person_units.get(owner),
                           "_class": "flag" if row["overdue"] else "",
                           **({"_href": link(owner)} if link else {})})
    owners = Table("resources-owners", t("resources.by_owner"), [
        Col("name", t("resources.owner")), Col("unit_name", t("resources.unit")),
        Col("batches", t("resources.batches"), "number"), Col("assigned", t("resources.assigned"), "number"),
        Col("received", t("resources.received"), "number"), Col("outstanding", t("resources.outstanding"), "number"),
        Col("overdue", t("resources.overdue"), "number"), Col("handed_out", t("resources.handed_out"), "number"),
        Col("owner", t("resources.id")),
    ], owner_rows)
    flow = Table("resources-flow", t("resources.flow"), [
        Col("id", t("resources.id")), Col("kind", t("resources.kind")), Col("from_name", t("resources.from")),
        Col("to_name", t("resources.to")), Col("size", t("resources.size"), "number"),
        Col("assigned", t("resources.assigned_on"), "date"), Col("received", t("resources.received_on"), "date"),
        Col("waited", t("resources.waited"), "number"), Col("state_label", t("resources.state")),
        Col("status", t("resources.status")), Col("last_update", t("resources.last_update"), "date"),
    ], _flow_rows(ctx, batches))
    not_received = batches[batches["state"] != "received"]
    summary = {
        "pending_batches": len(not_received), "pending_size": int(not_received["size"].sum()),
        "overdue_batches": int((batches["state"] == "overdue").sum()),
        "stale_tables": len(stale_resource_tables(batches, ctx.tables["people"], ctx.as_of,
                                                    int(rules["resource_update_days"]))),
    }
    page = Page("resources/index.html", "resources.html", t("resources.title"), "resources", {
        "rule": t("resources.rule", receive=rules["resource_receive_days"], update=rules["resource_update_days"]),
        "summary": summary, "owners": owners, "flow": flow,
    })
    return Section("resources", "resources/", [page])


@warning_rule(order=80)
def unreceived_resources(ctx: Context) -> WarningList | None:
    """Batches still not received more than `rules.resource_receive_days` days after assignment, longest first."""
    if not ctx.wants("resources", "resources"):
        return None
    t, days = ctx.t, int(ctx.config["rules"]["resource_receive_days"])
    rows = [r for r in _flow_rows(ctx, _batches(ctx)) if r["state"] == "overdue"]
    rows.sort(key=lambda r: (-r["waited"], r["id"]))
    for row in rows:
        row["_href"] = "resources/index.html#resources-flow"
    columns = [
        Col("id", t("resources.id")), Col("to_name", t("resources.to")), Col("from_name", t("resources.from")),
        Col("kind", t("resources.kind")), Col("size", t("resources.size"), "number"),
        Col("assigned", t("resources.assigned_on"), "date"), Col("waited", t("resources.waited"), "number"),
        Col("status", t("resources.status")),
    ]
    return WarningList("resources-unreceived", t("resources.unreceived_title"),
                       t("resources.unreceived_rule", days=days), columns, rows)


@warning_rule(order=81)
def stale_resources(ctx: Context) -> WarningList | None:
    """Owners whose resource table has not been updated for more than `rules.resource_update_days` days."""
    if not ctx.wants("resources", "resources"):
        return None
    t, days = ctx.t, int(ctx.config["rules"]["resource_update_days"])
    names, person_units, _ = _lookups(ctx)
    link = person_href if ctx.show_people else None
    rows = []
    for stale in stale_resource_tables(_batches(ctx), ctx.tables["people"], ctx.as_of, days):
        rows.append({
            "owner": stale.owner, "name": names.get(stale.owner, stale.owner),
            "unit_name": person_units.get(stale.owner), "batches": "、".join(stale.batches), "size": stale.size,
            "last_update": stale.last_update, "days": stale.days,
            **({"_href": link(stale.owner)} if link else {}),
        })
    columns = [
        Col("name", t("resources.owner")), Col("unit_name", t("resources.unit")),
        Col("batches", t("resources.batch_ids")), Col("size", t("resources.size"), "number"),
        Col("last_update", t("resources.last_update"), "date"), Col("days", t("resources.days"), "number"),
        Col("owner", t("resources.id")),
    ]
    return WarningList("resources-stale", t("resources.stale_title"), t("resources.stale_rule", days=days),
                       columns, rows)
