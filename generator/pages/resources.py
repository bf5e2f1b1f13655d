"""resources/: customer lists and lead batches handed between people — who holds what, and what is not yet received.

The seed's 资源管理: follow receipt daily, and the resource table (资源大表) is updated weekly. Batches
not received in time and tables left without update go to warnings/.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..metrics.development import resource_batches, resources_by_owner, stale_resource_tables
from ..render import Page
from .context import Context, Section
from .links import person_href
from .tables import Col, Table, clean, row_dicts
from .warnings import WarningList, warning_rule


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
    for row in row_dicts(resources_by_owner(batches)):
        owner = row["owner"]
        href: dict[str, str] = {"_href": link(owner)} if link else {}
        owner_rows.append({**row, "name": names.get(owner, owner), "unit_name": person_units.get(owner),
                           "_class": "flag" if row["overdue"] else "", **href})
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
            "unit_name": person_units.get(stale.owner), "batches": t("sep.list").join(stale.batches),
            "size": stale.size,
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
