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

from ..i18n import register
from ..metrics import registers as reg
from ..metrics.registers import REGISTER, REGISTERS, FollowUp, Register
from ..render import Page
from .context import Context, Section
from .links import person_href
from .tables import Col, Table
from .warnings import WarningList, warning_rule

register({
    "zh-CN": {
        "nav.registers": "督办台账",
        "registers.nav": "督办台账",
        "registers.receivables": "回款", "registers.aftersales": "售后", "registers.leads": "销线",
        "registers.projects": "项目", "registers.followups": "单件事项",
        "registers.title.receivables": "回款台账", "registers.title.aftersales": "售后台账",
        "registers.title.leads": "销线台账", "registers.title.projects": "在手项目",
        "registers.title.followups": "单件事项督办",
        "cadence.daily": "每日", "cadence.2/week": "每周两次", "cadence.weekly": "每周",
        "cadence.2/month": "每月两次", "cadence.monthly": "每月",
        "registers.cadence": "跟进频率：{cadence}（两次跟进相隔不超过 {days} 天）。",
        "registers.cadence_rule": "逾期跟进：最近一次跟进距截至日超过频率允许的天数（恰好等于不算逾期）；"
                                  "从未跟进的，从登记（开票、创建、开始）之日算起；没有任何日期的一律列为逾期。",
        "registers.overdue": "逾期未跟进（按负责人）",
        "registers.overdue_owners": "逾期未跟进人数统计",
        "registers.overdue_none": "没有逾期未跟进的事项。",
        "registers.none": "无",
        "registers.all": "全部明细",
        "registers.closed": "已关闭",
        "col.owner": "负责人", "col.owner_id": "工号", "col.id": "编号", "col.item": "事项", "col.customer": "客户",
        "col.cadence": "频率", "col.last": "最近跟进", "col.never": "备注", "col.days_since": "距今天数",
        "col.days_overdue": "逾期天数", "col.count": "件数", "col.longest": "最长逾期天数",
        "col.register": "台账", "col.kind": "类型", "col.invoice_date": "开票日期", "col.due_date": "到期日",
        "col.amount": "应收金额", "col.paid": "已回款", "col.outstanding": "欠款", "col.age_days": "账龄天数",
        "col.bucket": "账龄", "col.days_past_due": "逾期天数",
        "col.within_3": "3个月内", "col.3_to_6": "3–6个月", "col.over_6": "6个月以上", "col.no_date": "无日期",
        "col.registered": "登记日期", "col.reason": "原因", "col.responsibility": "责任判定", "col.status": "状态",
        "col.resolved": "解决日期", "col.days_open": "已处理天数", "col.days_to_resolve": "解决用时（天）",
        "col.open": "未结", "col.closed": "已结", "col.average": "平均用时（天）", "col.longest_days": "最长用时（天）",
        "col.stage": "阶段", "col.created": "创建日期", "col.last_update": "更新日期", "col.next_step": "下一步",
        "col.next_date": "节点日期", "col.value": "预计金额", "col.name": "项目名称", "col.start": "开始日期",
        "col.expected_end": "预计结束", "col.cycle_days": "周期（天）", "col.next_milestone": "下一节点",
        "col.due": "截止日期", "col.past_due": "超期天数",
        "registers.never": "从未跟进",
        "kind.prepayment": "预付款", "kind.in-sale": "售中货款", "kind.invoiced": "已开票到账期",
        "kind.warranty": "质保款", "kind.none": "未填", "kind.total": "合计",
        "receivables.intro": "应收款项做到有据可查：总欠款、账龄、大额款项和逾期款项，{cadence}跟进应收账表。",
        "receivables.outstanding": "总欠款", "receivables.overdue_amount": "已到期未回款",
        "receivables.open": "未结清笔数", "receivables.large_count": "大额款项",
        "receivables.ageing": "账龄结构（按类型）",
        "receivables.ageing_rule": "欠款 = 应收金额 − 已回款。账龄按开票日期计算，没有开票日期的按到期日计算；"
                                   "“3个月内”含恰好 3 个月，“3–6个月”含恰好 6 个月（按日历月）。",
        "receivables.large": "大额款项监控",
        "receivables.large_rule": "欠款达到 {threshold} 的款项（rules.receivable_large）。",
        "receivables.overdue_pay": "逾期未回款",
        "receivables.overdue_pay_rule": "到期日早于截至日且仍有欠款。",
        "receivables.overpaid": "{count} 笔回款超过应收金额，未计入欠款：{ids}。",
        "aftersales.intro": "售后申报登记、过程跟进、结果回收和责任判定，{cadence}关注售后情况。",
        "aftersales.open_cases": "未结案件", "aftersales.closed_cases": "已结案件",
        "aftersales.average": "平均解决用时（天）", "aftersales.longest": "最长解决用时（天）",
        "aftersales.by_reason": "解决时效（按原因）", "aftersales.by_responsibility": "解决时效（按责任判定）",
        "aftersales.time_rule": "解决用时 = 解决日期 − 登记日期（天）。",
        "aftersales.no_time": "{count} 件已结案件没有可用的解决日期，未计入用时：{ids}。",
        "aftersales.unknown": "未填",
        "leads.intro": "每日跟进销线工作的安排及结果回收，关注下一步工作目标和节点。",
        "leads.active": "跟进中销线", "leads.value": "预计金额合计", "leads.node_passed": "节点已过",
        "leads.by_stage": "按阶段", "leads.list": "跟进中的销线",
        "leads.node_rule": "节点日期早于截至日的销线标红：下一步是否按时落实？",
        "leads.stage_none": "未填",
        "projects.intro": "按周期管理在手项目：3个月内的项目{short}跟进，3–6个月的{medium}，更长的{long}。",
        "projects.active": "在手项目",
        "projects.cycle.short": "3个月内项目", "projects.cycle.medium": "3–6个月项目",
        "projects.cycle.long": "长周期项目（6个月以上）", "projects.cycle.unknown": "未定结束日期的项目",
        "projects.cycle_rule": "周期 = 开始日期到预计结束（按日历月；恰好 3 个月算 3 个月内，恰好 6 个月算 3–6 个月）。"
                               "未定结束日期的项目按长周期的频率跟进。",
        "projects.group_cadence": "{cadence}跟进",
        "followups.intro": "其它工作中的单件事：快速有效沟通，督办处理结果。",
        "followups.open": "未办结事项", "followups.past_due": "已超截止日期",
        "followups.list": "未办结事项",
        "overdue_rule.title": "督办台账逾期未跟进",
        "overdue_rule.rule": "各台账未结事项最近一次跟进距今超过规定频率：回款{receivables}，售后{aftersales}，"
                             "销线{leads}，项目按周期{projects_short}/{projects_medium}/{projects_long}，"
                             "单件事项{followups}（site.toml [cadence]）。",
    },
    "en": {
        "nav.registers": "Registers",
        "registers.nav": "Supervision registers",
        "registers.receivables": "Receivables", "registers.aftersales": "After-sales", "registers.leads": "Leads",
        "registers.projects": "Projects", "registers.followups": "Follow-ups",
        "registers.title.receivables": "Receivables", "registers.title.aftersales": "After-sales cases",
        "registers.title.leads": "Sales leads", "registers.title.projects": "Projects in hand",
        "registers.title.followups": "One-off follow-ups",
        "cadence.daily": "daily", "cadence.2/week": "twice a week", "cadence.weekly": "weekly",
        "cadence.2/month": "twice a month", "cadence.monthly": "monthly",
        "registers.cadence": "Follow-up cadence: {cadence} (at most {days} days between follow-ups).",
        "registers.cadence_rule": "Overdue: the last follow-up is more days before the as-of date than the cadence "
                                  "allows (exactly at the limit is not overdue); an item never followed up counts "
                                  "from the day it was opened; one with no date at all is overdue.",
        "registers.overdue": "Overdue for follow-up (by owner)",
        "registers.overdue_owners": "Overdue items per owner",
        "registers.overdue_none": "Nothing is overdue for follow-up.",
        "registers.none": "None",
        "registers.all": "All items",
        "registers.closed": "Closed",
        "col.owner": "Owner", "col.owner_id": "ID", "col.id": "ID", "col.item": "Item", "col.customer": "Customer",
        "col.cadence": "Cadence", "col.last": "Last follow-up", "col.never": "Note", "col.days_since": "Days since",
        "col.days_overdue": "Days overdue", "col.count": "Items", "col.longest": "Longest overdue (days)",
        "col.register": "Register", "col.kind": "Kind", "col.invoice_date": "Invoice date", "col.due_date": "Due date",
        "col.amount": "Amount", "col.paid": "Paid", "col.outstanding": "Outstanding", "col.age_days": "Age (days)",
        "col.bucket": "Ageing", "col.days_past_due": "Days past due",
        "col.within_3": "Within 3 months", "col.3_to_6": "3–6 months", "col.over_6": "Over 6 months",
        "col.no_date": "No date",
        "col.registered": "Registered", "col.reason": "Reason", "col.responsibility": "Responsibility",
        "col.status": "Status", "col.resolved": "Resolved", "col.days_open": "Days open",
        "col.days_to_resolve": "Days to resolve", "col.open": "Open", "col.closed": "Closed",
        "col.average": "Average (days)", "col.longest_days": "Longest (days)",
        "col.stage": "Stage", "col.created": "Created", "col.last_update": "Last update", "col.next_step": "Next step",
        "col.next_date": "Next date", "col.value": "Value", "col.name": "Project", "col.start": "Start",
        "col.expected_end": "Expected end", "col.cycle_days": "Cycle (days)", "col.next_milestone": "Next milestone",
        "col.due": "Due", "col.past_due": "Days past due",
        "registers.never": "never followed up",
        "kind.prepayment": "Prepayment", "kind.in-sale": "In-sale", "kind.invoiced": "Invoiced",
        "kind.warranty": "Warranty", "kind.none": "Not given", "kind.total": "Total",
        "receivables.intro": "Every amount owed, on record: total outstanding, ageing, large amounts and overdue "
                             "payments; the register is followed up {cadence}.",
        "receivables.outstanding": "Outstanding", "receivables.overdue_amount": "Past due",
        "receivables.open": "Open items", "receivables.large_count": "Large amounts",
        "receivables.ageing": "Ageing by kind",
        "receivables.ageing_rule": "Outstanding = amount − paid. Age runs from the invoice date, or the due date when "
                                   "there is no invoice date; \"within 3 months\" includes exactly 3 months and "
                                   "\"3–6 months\" exactly 6 (calendar months).",
        "receivables.large": "Large amounts watch list",
        "receivables.large_rule": "Outstanding of {threshold} or more (rules.receivable_large).",
        "receivables.overdue_pay": "Overdue payments",
        "receivables.overdue_pay_rule": "Due date before the as-of date and something still outstanding.",
        "receivables.overpaid": "{count} items are paid above their amount and count as nothing outstanding: {ids}.",
        "aftersales.intro": "After-sales cases from registration to result and responsibility; followed up "
                            "{cadence}.",
        "aftersales.open_cases": "Open cases", "aftersales.closed_cases": "Closed cases",
        "aftersales.average": "Average days to resolve", "aftersales.longest": "Longest days to resolve",
        "aftersales.by_reason": "Time to resolution by reason",
        "aftersales.by_responsibility": "Time to resolution by responsibility",
        "aftersales.time_rule": "Days to resolve = resolution date − registration date.",
        "aftersales.no_time": "{count} closed cases have no usable resolution date and are left out of the "
                              "times: {ids}.",
        "aftersales.unknown": "Not given",
        "leads.intro": "Sales leads: the next step and its date, followed up every day.",
        "leads.active": "Active leads", "leads.value": "Expected value", "leads.node_passed": "Next date passed",
        "leads.by_stage": "By stage", "leads.list": "Active leads",
        "leads.node_rule": "Leads whose next date is before the as-of date are marked: was the step taken?",
        "leads.stage_none": "Not given",
        "projects.intro": "Projects by cycle: up to 3 months followed up {short}, 3–6 months {medium}, longer "
                          "{long}.",
        "projects.active": "Projects in hand",
        "projects.cycle.short": "Projects of up to 3 months", "projects.cycle.medium": "Projects of 3–6 months",
        "projects.cycle.long": "Long projects (over 6 months)",
        "projects.cycle.unknown": "Projects with no expected end",
        "projects.cycle_rule": "Cycle = start to expected end in calendar months (exactly 3 months is up to 3, exactly "
                               "6 is 3–6). Projects with no expected end follow the long cadence.",
        "projects.group_cadence": "followed up {cadence}",
        "followups.intro": "One-off items: quick, clear communication and the result followed up.",
        "followups.open": "Open items", "followups.past_due": "Past their due date",
        "followups.list": "Open items",
        "overdue_rule.title": "Register items overdue for follow-up",
        "overdue_rule.rule": "Open register items whose last follow-up is older than the cadence allows: "
                             "receivables {receivables}, after-sales {aftersales}, leads {leads}, projects by cycle "
                             "{projects_short}/{projects_medium}/{projects_long}, follow-ups {followups} "
                             "(site.toml [cadence]).",
    },
})


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


def _rows(ctx: Context, spec: Register, names: dict[str, str]) -> list[dict[str, Any]]:
    """The register's rows, each with its owner's name; no row links (the owner's link is for overdue lists)."""
    rows = [_owner(r, names, ctx) for r in spec.rows(ctx.tables[spec.dataset], ctx.as_of)]
    for r in rows:
        r.pop("_href", None)
    return rows


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


def _overdue_blocks(ctx: Context, items: list[FollowUp], names: dict[str, str], with_cadence: bool = False
                    ) -> list[dict[str, Any]]:
    t = ctx.t
    overdue = reg.overdue_only(items)
    rows = [_owner({
        "owner": i.owner, "id": i.id, "item": i.item, "cadence": _cadence_text(ctx, i.cadence), "last": i.last,
        "never": t("registers.never") if i.never else None, "days_since": i.days_since,
        "days_overdue": i.days_overdue, "_row": i.row,
    }, names, ctx) for i in overdue]
    columns = [Col("owner_name", t("col.owner")), Col("owner", t("col.owner_id")), Col("id", t("col.id")),
               Col("item", t("col.item"))]
    if with_cadence:
        columns.append(Col("cadence", t("col.cadence")))
    columns += [Col("last", t("col.last"), "date"), Col("never", t("col.never")),
                Col("days_since", t("col.days_since"), "number"), Col("days_overdue", t("col.days_overdue"), "number")]
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
             blocks: list[dict[str, Any]]) -> Section:
    """The register's section: its one page, linking every register built (no navigation entry of its own)."""
    subnav = [(n, f"{n}/", ctx.t(REGISTER[n].label)) for n in present(ctx)]
    page = Page(f"{spec.name}/index.html", "register.html", ctx.t(spec.title), "registers", {
        "register": spec.name, "subnav": subnav, "intro": intro, "notes": notes, "tiles": tiles,
        "blocks": blocks,
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
    cadence = spec.cadence(ctx.config["cadence"])
    threshold = float(ctx.config["rules"]["receivable_large"])
    names = _names(ctx)
    rows = _rows(ctx, spec, names)
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
    overpaid = [r["id"] for r in rows if r["outstanding"] < 0]
    notes = [t("receivables.overpaid", count=len(overpaid), ids="、".join(overpaid))] if overpaid else []
    blocks = [
        _block("ageing", t("receivables.ageing"), ageing_cols, ageing, [t("receivables.ageing_rule")]),
        _block("large", t("receivables.large"), [*item_cols, *money_cols, Col("due_date", t("col.due_date"), "date")],
               large, [t("receivables.large_rule", threshold=ctx.fmt.money(threshold))], t("registers.none")),
        _block("overdue-payments", t("receivables.overdue_pay"), [
            *item_cols, Col("due_date", t("col.due_date"), "date"),
            Col("days_past_due", t("col.days_past_due"), "number"),
            Col("outstanding", t("col.outstanding"), "money")], overdue_pay, [t("receivables.overdue_pay_rule")],
            t("registers.none")),
        *_overdue_blocks(ctx, spec.followups(rows, cadence, as_of), names),
        _block("all", t("registers.all"), [
            *item_cols, Col("invoice_date", t("col.invoice_date"), "date"), Col("due_date", t("col.due_date"), "date"),
            *money_cols, Col("age_days", t("col.age_days"), "number"), Col("bucket_label", t("col.bucket"),
                                                                           csv_key="bucket"),
            Col("last_followup", t("col.last"), "date")], rows, empty=t("registers.none")),
    ]
    tiles = [
        {"label": t("receivables.outstanding"), "value": totals["outstanding"], "kind": "money"},
        {"label": t("receivables.overdue_amount"), "value": totals["overdue"], "kind": "money"},
        {"label": t("receivables.open"), "value": totals["open"], "kind": "number"},
        {"label": t("receivables.large_count"), "value": len(large), "kind": "number"},
    ]
    intro = t(spec.intro, cadence=_cadence_text(ctx, cadence))
    return _section(ctx, spec, intro, [_cadence_line(ctx, cadence), *notes], tiles, blocks)


def _cadence_line(ctx: Context, cadence: str) -> str:
    return ctx.t("registers.cadence", cadence=_cadence_text(ctx, cadence), days=reg.CADENCE_DAYS[cadence])


def build_aftersales(ctx: Context) -> Section | None:
    spec = _wanted(ctx, "aftersales")
    if spec is None:
        return None
    t, as_of = ctx.t, ctx.as_of
    cadence = spec.cadence(ctx.config["cadence"])
    names = _names(ctx)
    rows = _rows(ctx, spec, names)
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

    stat_cols = [Col("open", t("col.open"), "number"), Col("closed", t("col.closed"), "number"),
                 Col("average", t("col.average"), "number"), Col("longest", t("col.longest_days"), "number")]
    case_cols = [Col("id", t("col.id")), Col("customer", t("col.customer")), Col("owner_name", t("col.owner")),
                 Col("owner", t("col.owner_id")), Col("registered", t("col.registered"), "date")]
    notes = [t("aftersales.time_rule")]
    if no_time:
        notes.append(t("aftersales.no_time", count=len(no_time), ids="、".join(no_time)))
    blocks = [
        _block("open-cases", t("aftersales.open_cases"), [
            *case_cols, Col("days_open", t("col.days_open"), "number"), Col("reason", t("col.reason")),
            Col("responsibility", t("col.responsibility")), Col("last_followup", t("col.last"), "date")],
            open_cases, empty=t("registers.none")),
        _block("by-reason", t("aftersales.by_reason"), [Col("label", t("col.reason"), csv_key="reason"), *stat_cols],
               grouped("reason"), notes, t("registers.none")),
        _block("by-responsibility", t("aftersales.by_responsibility"),
               [Col("label", t("col.responsibility"), csv_key="responsibility"), *stat_cols],
               grouped("responsibility"), empty=t("registers.none")),
        *_overdue_blocks(ctx, spec.followups(rows, cadence, as_of), names),
        _block("all", t("registers.all"), [
            *case_cols, Col("status_label", t("col.status"), csv_key="status"),
            Col("resolved", t("col.resolved"), "date"),
            Col("days_to_resolve", t("col.days_to_resolve"), "number"), Col("reason", t("col.reason")),
            Col("responsibility", t("col.responsibility")), Col("last_followup", t("col.last"), "date")], rows,
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
    return _section(ctx, spec, intro, [_cadence_line(ctx, cadence)], tiles, blocks)


def build_leads(ctx: Context) -> Section | None:
    spec = _wanted(ctx, "leads")
    if spec is None:
        return None
    t, as_of = ctx.t, ctx.as_of
    cadence = spec.cadence(ctx.config["cadence"])
    names = _names(ctx)
    rows = _rows(ctx, spec, names)
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
    blocks = [
        _block("by-stage", t("leads.by_stage"), [Col("stage", t("col.stage")), Col("count", t("col.count"), "number"),
                                                 Col("value", t("col.value"), "money")],
               sorted(stages.values(), key=lambda e: (-e["count"], e["stage"])), empty=t("registers.none")),
        _block("active", t("leads.list"), lead_cols, active, [t("leads.node_rule")], t("registers.none")),
        *_overdue_blocks(ctx, spec.followups(rows, cadence, as_of), names),
        _block("closed", t("registers.closed"), lead_cols, closed, empty=t("registers.none")),
    ]
    tiles = [
        {"label": t("leads.active"), "value": len(active), "kind": "number"},
        {"label": t("leads.value"), "value": round(sum(r["value"] for r in active), 2), "kind": "money"},
        {"label": t("leads.node_passed"), "value": sum(1 for r in active if r["node_passed"]), "kind": "number"},
    ]
    return _section(ctx, spec, t(spec.intro), [_cadence_line(ctx, cadence)], tiles, blocks)


def build_projects(ctx: Context) -> Section | None:
    spec = _wanted(ctx, "projects")
    if spec is None:
        return None
    t, as_of = ctx.t, ctx.as_of
    cadences = spec.cadence(ctx.config["cadence"])  # one per cycle
    names = _names(ctx)
    rows = _rows(ctx, spec, names)
    for r in rows:
        if r["node_passed"]:
            r["_class"] = "flag"
    active = [r for r in rows if not r["closed"]]
    cols = [Col("id", t("col.id")), Col("name", t("col.name")), Col("owner_name", t("col.owner")),
            Col("owner", t("col.owner_id")), Col("start", t("col.start"), "date"),
            Col("expected_end", t("col.expected_end"), "date"), Col("cycle_days", t("col.cycle_days"), "number"),
            Col("stage", t("col.stage")), Col("next_milestone", t("col.next_milestone")),
            Col("next_date", t("col.next_date"), "date"), Col("last_update", t("col.last_update"), "date")]
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
        *_overdue_blocks(ctx, spec.followups(rows, cadences, as_of), names, with_cadence=True),
        _block("closed", t("registers.closed"), cols, [r for r in rows if r["closed"]], empty=t("registers.none")),
    ]
    tiles = [{"label": t("projects.active"), "value": len(active), "kind": "number"}]
    tiles += [{"label": t(f"projects.cycle.{c}"), "value": sum(1 for r in active if r["cycle"] == c),
               "kind": "number"} for c in ("short", "medium", "long")]
    intro = t(spec.intro, short=_cadence_text(ctx, cadences["projects_short"]),
              medium=_cadence_text(ctx, cadences["projects_medium"]),
              long=_cadence_text(ctx, cadences["projects_long"]))
    return _section(ctx, spec, intro, [], tiles, blocks)


def build_followups(ctx: Context) -> Section | None:
    spec = _wanted(ctx, "followups")
    if spec is None:
        return None
    t, as_of = ctx.t, ctx.as_of
    cadence = spec.cadence(ctx.config["cadence"])
    names = _names(ctx)
    rows = _rows(ctx, spec, names)
    for r in rows:
        if r["past_due"] is not None:
            r["_class"] = "flag"
    open_items = sorted((r for r in rows if not r["done"]), key=lambda r: (r["due"] or as_of, r["id"]))
    cols = [Col("id", t("col.id")), Col("item", t("col.item")), Col("owner_name", t("col.owner")),
            Col("owner", t("col.owner_id")), Col("due", t("col.due"), "date"), Col("status", t("col.status")),
            Col("last_followup", t("col.last"), "date")]
    blocks = [
        _block("open-items", t("followups.list"), [*cols, Col("past_due", t("col.past_due"), "number")], open_items,
               empty=t("registers.none")),
        *_overdue_blocks(ctx, spec.followups(rows, cadence, as_of), names),
        _block("closed", t("registers.closed"), cols, [r for r in rows if r["done"]], empty=t("registers.none")),
    ]
    tiles = [
        {"label": t("followups.open"), "value": len(open_items), "kind": "number"},
        {"label": t("followups.past_due"), "value": sum(1 for r in open_items if r["past_due"] is not None),
         "kind": "number"},
    ]
    return _section(ctx, spec, t(spec.intro), [_cadence_line(ctx, cadence)], tiles, blocks)


@warning_rule(order=90)
def overdue_register_items(ctx: Context) -> WarningList | None:
    """Register items overdue for follow-up, across every register given."""
    names = present(ctx)
    if not names:
        return None
    t = ctx.t
    cadences = ctx.config["cadence"]
    found = reg.register_followups(ctx.tables, names, cadences, ctx.as_of)
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
