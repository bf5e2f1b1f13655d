"""The example site's supervision registers (督办台账), meetings, debriefs and scripts.

Called by make_example_site.py as ``write_all(root, org, sales, rng)``; ``org`` is that script's
organisation. The branch also sells group policies to companies (团险), so the registers follow the
phone-sales supervision map of the source documents:

- ``data/receivables.csv`` (UTF-8 with BOM, amounts as ``"128,000.00"``): group-policy premiums due
  from companies, four kinds (预付款/售中/已开票/质保), invoices from March to November 2026, some
  past due, some above the large-amount threshold (100,000), a few never followed up or not for weeks.
- ``data/aftersales.csv``, ``data/leads.csv``, ``data/projects.csv``, ``data/followups.csv`` (UTF-8):
  after-sales cases with reasons and responsibility, leads at every stage, projects of short, medium
  and long cycles, and one-off items; some overdue for follow-up on their cadence.
- ``data/followup_log.csv`` (UTF-8): the follow-up history of register items, with remedy plans for some of
  the items overdue on their cadence and none for others.
- ``data/project_indicators.csv`` (UTF-8): the new projects' daily, weekly and monthly indicators, reported each
  working day of November; one new project behind on all three, one not new (so shown, never warned about).
- ``content/meetings`` (11 meetings from October to December 2026 at branch, division and team level,
  with minutes and decisions, their agenda and material, and an evaluation of each past meeting but two: one
  four days old (a warning) and one of the day before (not due yet)), ``content/debriefs`` (5, two of them late,
  two sent back to be redone, one of those past its redo date) and ``content/scripts``
  (three call scripts, five SMS templates of the four kinds, one longer than one message).

Everything is invented; the output depends only on ``org`` (no randomness is needed beyond the
owners, drawn from ``rng``), so two runs give byte-identical files. The script owns the Markdown files
of the three content folders: it removes those it finds there before writing its own.
"""

from __future__ import annotations

import csv
import json
import random
import re
from datetime import date
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 20)

# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _write_csv(path: Path, header: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n" if encoding == "utf-8-sig" else "\n")
        writer.writerow(header)
        writer.writerows([["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in row]
                          for row in rows])
    return len(rows)


def _yaml(value: object) -> str:
    if isinstance(value, (int, date)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # JSON strings are YAML strings


_BLOCK = re.compile(r"^(#|[-*+] |\d+\. |\||>|```)")


def _unwrap(text: str) -> str:
    """Join wrapped lines of a paragraph or list item: the bodies are wrapped here to keep lines short, but a
    line break inside a paragraph would show as a break (or a space between Chinese characters)."""
    out: list[str] = []
    for line in text.strip().split("\n"):
        if out and out[-1].strip() and line.strip() and line.startswith("  ") and not _BLOCK.match(line.strip()):
            out[-1] += line.strip()
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def _write_collection(root: Path, name: str, entries: list[tuple[str, dict[str, object], str]]) -> int:
    folder = root / "content" / name
    if folder.is_dir():
        for old in sorted(folder.glob("*.md")):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    for filename, front, body in entries:
        lines = ["---", *(f"{k}: {_yaml(v)}" for k, v in front.items() if v is not None), "---"]
        (folder / filename).write_text("\n".join(lines) + "\n\n" + _unwrap(body) + "\n", encoding="utf-8")
    return len(entries)


def _money(amount: float) -> str:
    return f"{amount:,.2f}"


# ---------------------------------------------------------------------------------------------
# Who
# ---------------------------------------------------------------------------------------------


class Cast:
    """The people the registers and meetings name: heads of the branch, divisions and teams, trackers."""

    def __init__(self, org: Any, rng: random.Random) -> None:
        units = {u.id: u for u in org.units}
        self.branch = next(u for u in org.units if u.level == "branch")
        self.divisions = [u for u in org.units if u.level == "division"]
        self.teams = [u for u in org.units if u.level == "team"]
        self.units = units
        self.trackers = sorted({u.tracker.id: u.tracker for u in org.units if u.tracker}.values(), key=lambda p: p.id)
        # Owners of register items: the division managers and the team supervisors still employed.
        heads = [u.head for u in self.divisions + self.teams if u.head is not None and u.head.leave is None]
        self.owners = sorted(heads, key=lambda p: p.id)
        rng.shuffle(self.owners)

    def owner(self, n: int) -> Any:
        return self.owners[n % len(self.owners)]

    def head(self, unit_id: str) -> Any:
        return self.units[unit_id].head


# ---------------------------------------------------------------------------------------------
# Registers
# ---------------------------------------------------------------------------------------------

# Fictional companies buying group policies.
COMPANIES = (
    "杭州云栖智联科技有限公司", "宁波港通物流有限公司", "绍兴柯桥锦纶纺织有限公司", "嘉兴禾丰食品有限公司",
    "湖州南浔华木家居有限公司", "温州瓯江电器有限公司", "义乌商联小商品贸易有限公司", "台州椒江康源医药有限公司",
    "上海浦江建设工程有限公司", "苏州恒达精密机械有限公司", "无锡太湖芯微电子有限公司", "杭州西溪数字传媒有限公司",
    "金华婺城汽配制造有限公司", "舟山海洋渔业发展有限公司", "丽水绿谷生态农业有限公司", "衢州新安化工材料有限公司",
    "杭州钱塘新能源科技有限公司", "宁波北仑模具有限公司",
)

# (kind, invoice date or None, due date, amount, paid, days since the last follow-up or None for never)
RECEIVABLES = (
    ("已开票", date(2026, 3, 16), date(2026, 6, 15), 186_000, 60_000, 9),      # over 6 months, large, past due
    ("质保", date(2026, 4, 8), date(2026, 10, 8), 42_000, 0, 22),            # over 6 months, past due, follow-up late
    ("已开票", date(2026, 5, 6), date(2026, 8, 5), 96_500, 96_500, None),     # paid in full
    ("售中", date(2026, 5, 28), date(2026, 8, 28), 128_000, 40_000, 12),     # 3–6 months, large, past due
    ("已开票", date(2026, 6, 18), date(2026, 9, 17), 64_800, 30_000, 18),    # 3–6 months, past due, late
    ("预付款", None, date(2026, 7, 10), 50_000, 20_000, 6),                # no invoice: aged by due date
    ("质保", date(2026, 7, 1), date(2027, 1, 1), 35_600, 0, 40),             # follow-up long overdue
    ("已开票", date(2026, 7, 22), date(2026, 10, 20), 212_000, 150_000, 4),  # 3–6 months, past due
    ("售中", date(2026, 8, 12), date(2026, 11, 12), 73_200, 0, None),        # never followed up
    ("已开票", date(2026, 8, 26), date(2026, 11, 25), 158_000, 0, 3),        # within 3 months, large
    ("预付款", None, date(2026, 9, 15), 80_000, 80_000, None),             # paid
    ("已开票", date(2026, 9, 8), date(2026, 12, 8), 47_300, 10_000, 11),
    ("售中", date(2026, 9, 24), date(2026, 12, 24), 265_000, 100_000, 2),    # large
    ("预付款", None, date(2026, 10, 15), 60_000, 0, 16),                   # past due, follow-up late
    ("已开票", date(2026, 10, 9), date(2027, 1, 8), 38_900, 0, 7),
    ("质保", date(2026, 10, 20), date(2027, 4, 20), 21_400, 0, 30),
    ("已开票", date(2026, 10, 28), date(2027, 1, 27), 112_000, 0, 5),        # large
    ("售中", date(2026, 11, 3), date(2027, 2, 2), 54_600, 0, 1),
    ("预付款", None, date(2026, 11, 30), 45_000, 0, 8),
    ("已开票", date(2026, 11, 16), date(2027, 2, 15), 88_800, 0, None),
)


def make_receivables(cast: Cast) -> list[list[Any]]:
    rows = []
    for n, (kind, invoice, due, amount, paid, since) in enumerate(RECEIVABLES):
        last = None if since is None else date.fromordinal(AS_OF.toordinal() - since)
        rows.append([f"HK2026-{n + 1:03d}", COMPANIES[n % len(COMPANIES)], cast.owner(n).id, kind, invoice, due,
                     _money(amount), _money(paid), last])
    return rows


def _ago(days: int | None) -> date | None:
    return None if days is None else date.fromordinal(AS_OF.toordinal() - days)


# (days ago registered, reason, closed after days or None, responsibility, days since follow-up)
AFTERSALES = (
    (62, "理赔时效慢", 21, "总公司运营", None),
    (55, "被保险人名单变更未生效", 6, "内勤", None),
    (48, "发票信息错误", 3, "内勤", None),
    (41, "理赔材料反复补交", 27, "业务员", None),
    (36, "保费扣款失败", 4, "客户", None),
    (30, "理赔时效慢", 18, "第三方医院", None),
    (24, "服务人员联系不上", 5, "业务员", None),
    (19, "被保险人名单变更未生效", None, "内勤", 2),
    (15, "理赔时效慢", None, "总公司运营", 9),
    (12, "保单信息错误", 8, "内勤", None),
    (10, "发票信息错误", None, None, 3),
    (8, "理赔材料反复补交", None, "业务员", 6),
    (6, "保费扣款失败", 2, "客户", None),
    (4, "服务人员联系不上", None, None, None),
    (2, "理赔时效慢", None, None, 1),
)


def make_aftersales(cast: Cast) -> list[list[Any]]:
    rows = []
    for n, (ago, reason, closed_after, responsibility, since) in enumerate(AFTERSALES):
        registered = _ago(ago)
        resolved = date.fromordinal(registered.toordinal() + closed_after) if closed_after is not None else None
        rows.append([f"SH2026-{n + 1:03d}", COMPANIES[(n * 5 + 3) % len(COMPANIES)], cast.owner(n + 3).id,
                     registered, reason, "已解决" if resolved else "处理中", resolved,
                     responsibility, _ago(since)])
    return rows


# (stage, days ago created, days since update, next step, next date in days from as-of, value)
LEADS = (
    ("初次接触", 5, 1, "电话约访人事负责人", 1, 60_000),
    ("初次接触", 9, 3, "寄送团险产品介绍", -2, 45_000),
    ("需求调研", 14, 0, "收集员工花名册和年龄结构", 2, 120_000),
    ("需求调研", 20, 2, "与财务总监确认预算", 3, 80_000),
    ("需求调研", 27, 6, "补充调研问卷", -4, 36_000),
    ("方案制作", 31, 1, "出具团体意外险加医疗方案", 4, 150_000),
    ("方案制作", 35, 0, "方案内部审核", 1, 98_000),
    ("方案制作", 40, 4, "修改保障额度", -1, 66_000),
    ("报价谈判", 44, 1, "第二轮报价", 2, 210_000),
    ("报价谈判", 52, 8, "约老板面谈", -6, 175_000),
    ("报价谈判", 58, 0, "提交最终报价", 5, 88_000),
    ("已成交", 70, 10, "移交内勤出单", None, 132_000),
    ("已成交", 80, 20, "安排服务见面会", None, 56_000),
    ("已放弃", 65, 30, None, None, 40_000),
    ("初次接触", 3, None, "确认联系人", 1, 30_000),
)


def make_leads(cast: Cast) -> list[list[Any]]:
    rows = []
    for n, (stage, created, since, step, next_in, value) in enumerate(LEADS):
        next_date = date.fromordinal(AS_OF.toordinal() + next_in) if next_in is not None else None
        rows.append([f"XX2026-{n + 1:03d}", cast.owner(n + 5).id, stage, _ago(created), _ago(since), step,
                     next_date, value])
    return rows


# (name suffix, start, expected end, stage, next milestone, next date, days since update)
PROJECTS = (
    ("员工团体意外险", date(2026, 10, 10), date(2026, 12, 31), "方案确认", "签署投保单", date(2026, 11, 25), 2),
    ("员工补充医疗", date(2026, 9, 1), date(2026, 11, 30), "出单", "保单送达", date(2026, 11, 27), 6),
    ("高管健康体检加保障", date(2026, 11, 2), date(2027, 1, 31), "需求调研", "方案初稿", date(2026, 11, 18), 5),
    ("年终福利年金计划", date(2026, 8, 20), date(2026, 11, 20), "谈判", "财务审批", date(2026, 11, 21), 1),
    ("销售团队雇主责任险", date(2026, 9, 15), date(2027, 2, 15), "方案制作", "方案汇报", date(2026, 11, 26), 3),
    ("全员重疾保障", date(2026, 8, 1), date(2027, 1, 31), "报价", "二轮报价", date(2026, 11, 16), 10),
    ("门店员工意外险", date(2026, 10, 8), date(2027, 3, 31), "需求调研", "花名册收集", date(2026, 11, 30), 7),
    ("企业年金三年规划", date(2026, 6, 1), date(2027, 5, 31), "分期推进", "第一期缴费", date(2026, 12, 15), 20),
    ("集团员工保障体系", date(2026, 3, 1), date(2027, 2, 28), "分期推进", "二期方案", date(2026, 12, 5), 40),
    ("渔船船员团体保险", date(2026, 9, 20), None, "需求调研", "走访船队", date(2026, 11, 24), 12),
    ("工会会员互助保障", date(2026, 7, 1), date(2026, 9, 30), "已完成", None, None, 30),
)


def make_projects(cast: Cast) -> list[list[Any]]:
    rows = []
    for n, (name, start, end, stage, milestone, next_date, since) in enumerate(PROJECTS):
        # The fishing company gets the crew insurance; the others are spread over the list.
        company = COMPANIES[13 if "渔船" in name else (n * 7 + 1) % len(COMPANIES)].removesuffix("有限公司")
        rows.append([f"XM2026-{n + 1:03d}", company + name + "项目", cast.owner(n + 2).id, start, end, stage,
                     milestone, next_date, _ago(since)])
    return rows


FOLLOWUPS = (
    ("营业二部资源大表本周更新", 3, "进行中", 2),
    ("新人训练营第二期场地预订", 10, "进行中", 9),
    ("十月未破零伙伴名单逐一谈话", -5, "进行中", 12),
    ("质保款到期客户回访", 7, "进行中", None),
    ("客户服务节活动方案报批", -2, "进行中", 5),
    ("主管绩效谈话记录收集", 12, "未开始", 1),
    ("理赔案件时效分析报告", -10, "已完成", 11),
    ("年底表彰会物料准备", 18, "进行中", 8),
    ("离职人员短信群组清理", 1, "进行中", 15),
)


def make_followups(cast: Cast) -> list[list[Any]]:
    rows = []
    people = [*cast.trackers, *cast.owners]
    for n, (item, due_in, status, since) in enumerate(FOLLOWUPS):
        rows.append([f"DB2026-{n + 1:03d}", item, people[n % len(people)].id,
                     date.fromordinal(AS_OF.toordinal() + due_in), status, _ago(since)])
    return rows


# The follow-up log (督办跟进记录): (register, item number, days ago, by the tracker rather than the owner, note,
# next follow-up in days from the entry, remedy plan, status). Planted: items overdue on their cadence with a
# remedy plan (HK-002, HK-005, XX-010, XM-009, DB-003) and without one (HK-007, HK-016, XX-005, XM-006,
# DB-009, and HK-014, DB-004 with no entry at all); SH-009 is overdue by its register's date but followed up
# since in the log, so it is not overdue.
FOLLOWUP_LOG = (
    ("回款", "HK2026-001", 24, False, "客户财务确认分两笔支付，首笔6万已到账", 14, None, "部分回款"),
    ("回款", "HK2026-001", 9, True, "第二笔仍在客户内部审批，已约财务总监下周面谈", 7, None, "跟进中"),
    ("回款", "HK2026-002", 40, False, "质保期满，客户称需先做服务评估", 15, None, "跟进中"),
    ("回款", "HK2026-002", 22, True, "客户评估未启动，款项逾期", 7,
     "由分部经理带队上门做服务评估报告，评估后三个工作日内催收", "已逾期"),
    ("回款", "HK2026-005", 18, False, "对方付款流程卡在董事长签字", 7,
     "请客户经理联系董事长秘书约时间，同时发函确认应付金额", "已逾期"),
    ("回款", "HK2026-007", 55, False, "质保款尚未到期，电话告知到期时间", 30, None, "未到期"),
    ("回款", "HK2026-007", 40, False, "客户联系人离职，新联系人未确认", 14, None, "跟进中"),
    ("回款", "HK2026-008", 4, False, "已回款15万，余款约定月底前支付", 10, None, "部分回款"),
    ("回款", "HK2026-013", 2, False, "首期10万到账，第二期按合同12月支付", 14, None, "部分回款"),
    ("回款", "HK2026-016", 30, True, "质保款明年4月到期，登记备查", 30, None, "未到期"),
    ("售后", "SH2026-009", 15, False, "理赔资料已补齐，等待总公司审核", 5, None, "处理中"),
    ("售后", "SH2026-009", 2, True, "总公司已受理，预计本周内结案", 3, None, "处理中"),
    ("售后", "SH2026-012", 6, False, "补交材料清单已发给客户人事", 3, None, "处理中"),
    ("销线", "XX2026-005", 6, False, "问卷发出，客户未回复", 2, None, "跟进中"),
    ("销线", "XX2026-010", 8, False, "老板出差，面谈推迟", 3,
     "改为视频会议，先把方案摘要发给老板助理，下周一再约", "推迟"),
    ("项目", "XM2026-006", 10, False, "二轮报价已提交，等待客户比价结果", 7, None, "报价中"),
    ("项目", "XM2026-009", 40, True, "二期方案需求尚未确定", 14,
     "由项目负责人每周一电话确认需求进展，12月5日前出二期方案框架", "推进中"),
    ("督办事项", "DB2026-003", 12, True, "已谈话6人，剩余4人未约到", 5,
     "由各组主管本周内补谈，谈话记录交督办", "进行中"),
    ("督办事项", "DB2026-009", 22, True, "已提交离职名单，待平台管理员清理", 7, None, "进行中"),
    ("督办事项", "DB2026-009", 15, False, "平台管理员休假，清理未执行", 7, None, "进行中"),
    # Added for the remedy rule ([rules] remedy_grace_days = 3 in site.toml): the longest overdue receivables
    # got their plans, so that the list left is the few owners still to be pushed.
    ("回款", "HK2026-009", 20, True, "客户称资金紧张，十二月前无法付款", 7,
     "分两期付款：11月30日前付一半，余款12月20日前；由营业部经理出面与客户财务总监确认", "已逾期"),
    ("回款", "HK2026-012", 9, False, "客户财务换人，付款申请需重新提交", 5,
     "本周内重新提交付款申请并附对账单，督办每两天电话跟进一次", "跟进中"),
)
_REGISTER_ROWS = {"回款": make_receivables, "售后": make_aftersales, "销线": make_leads, "项目": make_projects,
                  "督办事项": make_followups}


def make_followup_log(cast: Cast) -> list[list[Any]]:
    """The log's rows, by the item's owner (from its register) or by the tracker of the branch."""
    owners = {row[0]: row[1 if register == "销线" else 2]  # the owner's column of each register's rows
              for register, make in _REGISTER_ROWS.items() for row in make(cast)}
    rows = []
    for register, item, ago, by_tracker, note, next_in, plan, status in FOLLOWUP_LOG:
        day = _ago(ago)
        assert day is not None
        rows.append([register, item, day, cast.trackers[0].id if by_tracker else owners[item], note,
                     date.fromordinal(day.toordinal() + next_in), plan, status])
    return rows


# New projects' indicators (新项目的日、周、月指标): (project number, indicator, period, target, pace). Each
# working day of November the project's owner reports the day's figure and the week's and month's so far; `pace`
# is the share of the target's working-day rate the project keeps. Planted: XM-007 (store staff, started 8 October)
# behind on all three; XM-003 on track; XM-001 ahead; XM-010 a little behind on its month; XM-006 (started in
# August, no longer new) behind on its month: shown on the register, never warned about.
PROJECT_INDICATORS = (
    (1, "客户沟通次数", "day", 3, 1.2),
    (1, "投保意向确认人数", "week", 60, 1.15),
    (1, "投保单签署份数", "month", 120, 1.1),
    (3, "客户沟通次数", "day", 4, 1.0),
    (3, "高管需求访谈", "week", 5, 1.0),
    (3, "需求问卷回收", "month", 40, 1.05),
    (6, "比价材料补充", "month", 6, 0.5),
    (7, "门店走访", "day", 2, 0.5),
    (7, "花名册收集门店数", "week", 8, 0.45),
    (7, "花名册收集门店数", "month", 30, 0.5),
    (10, "船队走访", "week", 3, 1.0),
    (10, "船员信息登记人数", "month", 150, 0.8),
)
_PERIOD_NAMES = {"day": "日", "week": "周", "month": "月"}


def make_project_indicators() -> list[list[Any]]:
    """Each working day of November up to the as-of date: per indicator, the day's figure (day indicators) or the
    week's or month's total so far, as reported that day."""
    rng = random.Random("example-project-indicators")  # its own stream: the other files stay as they were
    days = [date(2026, 11, d) for d in range(1, AS_OF.day + 1) if date(2026, 11, d).weekday() < 5]
    rows = []
    for number, indicator, period, target, pace in PROJECT_INDICATORS:
        start = PROJECTS[number - 1][1]
        week_total = month_total = 0
        for day in days:
            if day < start:
                continue
            if day.weekday() == 0:
                week_total = 0
            share = {"day": 1, "week": 5, "month": 21}[period]  # working days in the period
            done = max(0, round(target / share * pace * rng.uniform(0.7, 1.3) + rng.uniform(-0.4, 0.4)))
            week_total += done
            month_total += done
            actual = {"day": done, "week": week_total, "month": month_total}[period]
            rows.append([f"XM2026-{number:03d}", indicator, _PERIOD_NAMES[period], day, target, actual])
    rows.sort(key=lambda r: (r[3], r[0], list(_PERIOD_NAMES.values()).index(r[2]), r[1]))
    return rows


# ---------------------------------------------------------------------------------------------
# Meetings and debriefs
# ---------------------------------------------------------------------------------------------


def _decisions(items: list[tuple[str, Any, str | None]], done: int = 0) -> str:
    lines = ["## 决议", ""]
    for n, (text, person, due) in enumerate(items):
        mark = "[x] " if n < done else ""
        tail = f"（截止 {due}）" if due else ""
        lines.append(f"- {mark}{text} — 负责人：{person.name}{tail}")
    return "\n".join(lines)


def make_meetings(cast: Cast) -> list[tuple[str, dict[str, object], str]]:
    boss = cast.branch.head
    d1, d2, d3, d4 = (cast.head(d.id) for d in cast.divisions[:4])
    div = {d.id: d for d in cast.divisions}
    team1, team2 = cast.units["HD03-1"], cast.units["HD02-2"]
    t1, t2 = team1.head, team2.head
    tracker = cast.trackers[0]
    cadres = "、".join(p.name for p in (boss, d1, d2, d3, d4, tracker))
    entries: list[tuple[str, dict[str, object], str]] = []

    def add(name: str, title: str, day: date, time: str, level: str, kind: str, unit: str, host: Any,
            attendees: str, body: str, agenda: str | None = None, material: str | None = None,
            evaluation: str | None = None) -> None:
        entries.append((f"{day.isoformat()}-{name}.md", {
            "title": title, "date": day, "time": time, "level": level, "kind": kind, "unit": unit,
            "host": host.name, "attendees": attendees, "agenda": agenda, "material": material,
            "evaluation": evaluation}, body))

    add("q4-kickoff", "四季度“决胜冬季”冲刺启动大会", date(2026, 10, 8), "09:00", "branch", "kick-off", "HD", boss,
        cadres + "、全体主管", f"""
## 会议要点

{boss.name}总经理宣布四季度冲刺方案：目标保费较三季度提升两成，十月、十一月两个月为冲刺期。
  各营业部签订目标责任书。

- 营造氛围：职场悬挂“同心协力、共创佳绩”条幅，每周一战报
- 日新追踪：督办每天“三电三信”，日报次日早会前发布
- 十大问题手册：新人早会逐条通关

{_decisions([("各营业部十月十日前上报分周目标", d1, "10月10日"),
             ("督办组建立每日追踪台账，日报次日 8:30 前发布", tracker, "10月9日"),
             ("十大问题手册印发到每位伙伴", d2, "10月15日")], done=3)}
""", agenda="宣布四季度冲刺方案；各营业部签订目标责任书；日新追踪与十大问题通关安排",
    material="四季度冲刺方案、目标责任书",
    evaluation="目标责任书全部签订，三项决议均按期完成；会议超时 20 分钟，下次控制发言时间")
    add("div1-analysis", f"{div['HD01'].name}九月经营分析会", date(2026, 10, 12), "14:00", "division", "analysis",
        "HD01", d1, f"{d1.name}、{div['HD01'].name}全体主管、{tracker.name}", f"""
## 会议要点

九月保费达成率 96%，差距主要在两个组的新人产能。各组长按述职模板汇报成绩、问题、原因和改进。

{_decisions([("新人每周陪访两次，主管记录陪访结果", d1, "10月31日"),
             ("未破零伙伴名单每周一报督办", tracker, None)], done=1)}
""", agenda="九月经营数据；各组长按模板述职；新人辅导安排",
    material="九月经营分析表、各组述职材料",
    evaluation="述职材料齐全，问题找得准；新人陪访已落实到组长，未破零名单报送仍需督办催促")
    add("team-training", f"{cast.units['HD01-2'].name}产品培训会", date(2026, 10, 21), "18:30", "team", "training",
        "HD01-2", cast.head("HD01-2"), f"{cast.units['HD01-2'].name}全体伙伴", """
## 培训内容

康宁终身重疾产品要点、“我没钱”异议处理演练。参训 8 人，实到 8 人，课后通关 7 人。

## 决议

- 未通关的一位伙伴周五前补考 — 负责人：""" + cast.head("HD01-2").name + """（截止 10月23日）
""", material="康宁终身产品要点讲义、异议处理演练脚本",
    evaluation="参训 8 人全部到场，课后通关 7 人；演练时间偏短，下次增加角色扮演")
    add("october-celebration", "十月业绩表彰会", date(2026, 10, 30), "16:00", "branch", "celebration", "HD", boss,
        cadres + "、获奖伙伴", """
## 表彰

表彰十月保费前十名和月度之星，分享签单故事。现场气氛热烈，各营业部喊出十一月口号。
""", agenda="表彰十月前十名和月度之星；签单故事分享；十一月口号",
    evaluation="气氛热烈，获奖伙伴的分享具体可学；表彰名单提前一天公布效果更好")
    add("october-analysis", "十月经营分析会", date(2026, 11, 4), "09:00", "branch", "analysis", "HD", boss,
        cadres, f"""
## 会议要点

十月分公司保费达成率 104%。四位营业部经理按述职模板汇报（材料须提前一天提交），
  营业二部、营业四部的材料晚交，会上提出批评，要求下次提前一天提交。

数据说话：营业三部活动率下降 6 个百分点，原因是两位主管外出培训；营业四部新人转正率偏低。

{_decisions([("营业三部恢复每日早会点名，活动率回到 70% 以上", d3, "11月15日"),
             ("营业四部新人转正风险名单逐一制定辅导计划", d4, "11月10日"),
             ("团险回款台账每月两次更新，大额款项每周跟进", tracker, "11月30日"),
             ("述职材料统一按模板提前一天提交", d2, None)], done=1)}
""", agenda="十月经营数据；四位营业部经理述职；活动率与新人转正问题",
    material="十月经营分析表、四份述职材料",
    evaluation="数据说话，问题定位清楚；两个营业部述职材料晚交，营业二部述职退回重做")
    add("div2-morning", f"{div['HD02'].name}周一晨会", date(2026, 11, 16), "08:45", "division", "morning", "HD02",
        d2, f"{div['HD02'].name}全体伙伴", """
## 晨会流程

1. 早操和口号
2. 上周战报：两位伙伴签下年金大单
3. 十大问题通关：第三问“我再考虑考虑”
4. 个人汇报：今日拜访计划
""", agenda="早操口号；上周战报；十大问题通关第三问；今日拜访计划")
    add("team-daily", f"{team1.name}日新追踪会", date(2026, 11, 19), "17:30", "team", "daily", team1.id, t1,
        f"{t1.name}、{team1.name}全体伙伴、{tracker.name}", f"""
## 当日情况

当日保费 3.2 万，明日预测 4 万。问题：两位伙伴客户约访改期。

{_decisions([("改期客户明日上午重新约访并报结果", t1, "11月20日")])}
""", agenda="当日保费与明日预测；约访改期问题")
    add("november-midterm", "十一月冲刺中期经营分析会", date(2026, 11, 24), "09:00", "branch", "analysis", "HD",
        boss, cadres, """
## 议程

1. 十一月前三周业绩与月末预测
2. 各营业部述职：成绩、问题、原因、改进（材料 11月23日 9:00 前提交）
3. 团险回款与售后台账逾期事项
""", agenda="十一月前三周业绩与月末预测；各营业部述职；回款与售后逾期事项",
    material="十一月中期经营分析表、各营业部述职材料（11月23日 9:00 前提交）、督办台账逾期清单")
    add("div2-sharing", f"{team2.name}经验分享会", date(2026, 11, 26), "19:00", "team", "sharing", team2.id, t2,
        f"{team2.name}全体伙伴", """
## 议程

绩优伙伴分享“转介绍名单”的做法，专家门诊解答伙伴问题。
""", material="转介绍名单模板")
    add("december-kickoff", "岁末冲刺·开门红启动会", date(2026, 12, 1), "09:00", "branch", "kick-off", "HD", boss,
        cadres + "、全体主管", """
## 议程

1. 十二月冲刺方案和开门红准备
2. 各营业部签订目标责任书
3. 表彰十一月绩优团队
""", agenda="十二月冲刺方案和开门红准备；签订目标责任书；表彰十一月绩优团队", material="开门红方案（征求意见稿）")
    add("div4-training", f"{div['HD04'].name}未破零伙伴专题培训", date(2026, 12, 3), "14:00", "division", "training",
        "HD04", d4, "本月未破零伙伴、各组主管", """
## 议程

“敢开口”训练：电话约访话术、异议处理演练，主管一对一陪练。
""", agenda="“敢开口”电话约访训练；异议处理演练；主管一对一陪练", material="电话约访话术卡、十大问题手册")
    return entries


Entry = tuple[str, dict[str, object], str]  # a Markdown file: name, front matter, body


def make_debriefs(cast: Cast, meetings: list[Entry]) -> list[Entry]:
    slug = {front["title"]: name.removesuffix(".md") for name, front, _ in meetings}
    analysis = next(s for t, s in slug.items() if t == "十月经营分析会")
    div1 = next(s for t, s in slug.items() if t.endswith("九月经营分析会"))
    entries = []
    # (unit, submitted, status, redo by) for the October analysis meeting of 4 November 09:00: due by 3 November
    # 09:00. Planted: HD02's debrief was sent back to be redone by 10 November and is still not redone (a late
    # redo); HD04's is to be redone by 25 November (not late yet).
    plan = (("HD01", "2026-11-02 16:30", "通过", None), ("HD02", "2026-11-03 10:30", "重做", date(2026, 11, 10)),
            ("HD03", "2026-11-03 08:40", "通过", None), ("HD04", "2026-11-03 21:15", "重做", date(2026, 11, 25)))
    texts = {
        "HD01": ("达成率 112%，两位新人首月破零。", "高端客户储备不足。", "转介绍名单来源单一。",
                 "每周组织一次客户答谢会，拓展转介绍。"),
        "HD02": ("年金险件数环比增长 18%。", "两个组活动率低于 60%。", "主管陪访时间被事务挤占。",
                 "主管每周陪访不少于两次，内勤分担报表工作。"),
        "HD03": ("大单三件，均为年金险。", "活动率下降 6 个百分点。", "两位主管外出培训，早会由组训代主持。",
                 "恢复每日早会点名，督办每日电话追踪。"),
        "HD04": ("新人招募 4 人。", "新人转正率偏低。", "新人辅导计划不落地。",
                 "逐一制定新人辅导计划，主管每周汇报进度。"),
    }
    for unit, submitted, status, redo_by in plan:
        division = cast.units[unit]
        good, problem, reason, improve = texts[unit]
        entries.append((f"2026-11-04-{unit.lower()}.md", {
            "title": f"{division.name}十月述职", "meeting": analysis, "unit": unit,
            "presenter": division.head.name, "submitted": submitted, "status": status, "redo_by": redo_by,
        }, f"## 成绩\n\n{good}\n\n## 问题\n\n{problem}\n\n## 原因\n\n{reason}\n\n## 改进\n\n{improve}\n"))
    team = cast.units["HD01-1"]
    entries.append(("2026-10-12-hd01-1.md", {
        "title": f"{team.name}九月述职", "meeting": div1, "unit": team.id, "presenter": team.head.name,
        "submitted": "2026-10-10 17:00", "status": "通过",
    }, "## 成绩\n\n九月达成率 101%。\n\n## 问题\n\n新人产能偏低。\n\n## 原因\n\n新人名单准备不足。\n\n"
       "## 改进\n\n新人每人列出一百人名单，主管逐一过目。\n"))
    return entries


# ---------------------------------------------------------------------------------------------
# Scripts
# ---------------------------------------------------------------------------------------------

PHONE_SCRIPTS = (
    ("phone-daily-tracking", "督办日常追踪电话", "日常追踪", """
电话追踪要快、要直接，事先准备好话术。四个要点：问候、近况、支持、鼓励。

1. **问候**：王经理您好，我是分公司督办小李，耽误您两分钟。
2. **近况如何**：今天部里业绩怎么样？明天预计能做多少？有没有什么亮点或者卡住的地方？
3. **需要什么支持**：有什么需要分公司协调的吗？资料、讲师、专家门诊我来安排。
4. **鼓励**：您辛苦了！今天的亮点我写进日报，明天继续加油！

**技巧**：先赞美再提问；多听少说，听出对方的情绪和环境；对方在忙就约好回电时间。
"""),
    ("phone-newcomer-care", "新人关怀电话", "新人", """
1. **问候**：小张你好，我是督办小李，入司第二周感觉怎么样？
2. **近况如何**：这周拜访了几位客户？名单列了多少？有没有遇到不好回答的问题？
3. **需要什么支持**：十大问题手册背到第几问了？需要的话我请主管陪你去见客户。
4. **鼓励**：刚开始都不容易，坚持每天三访，首单很快就来！
"""),
    ("phone-zero-encourage", "未破零伙伴鼓励电话", "未破零", """
1. **问候**：刘姐您好，我是督办小李，最近身体好吗？
2. **近况如何**：这个月跟进的客户有几位？哪位最有希望？
3. **需要什么支持**：要不要周四参加专家门诊，请绩优伙伴帮您分析一下？
4. **鼓励**：您的老客户基础好，破零就差临门一脚，我们一起加油！
"""),
)

SMS_TEMPLATES = (
    ("sms-incentive", "激励类：冲刺日", "激励", "【华东分公司】决胜冬季冲刺日！祝您和团队FYC节节高、人人破零！"
     "今天每签一单都离目标更近一步，分公司为每一位奋斗的伙伴喝彩，月底表彰会见！回复1报名冲刺营。"),
    ("sms-care", "关怀类：降温提醒", "关怀", "【华东分公司】强冷空气来袭，此刻您可能还在拜访路上。"
     "请添衣保暖、注意安全。伙伴们，辛苦了！"),
    ("sms-battle", "战报类：大单喜报", "战报", "【喜报】{营业部}{姓名}签下{险种}大单，保费{金额}元！向榜样学习！"),
    ("sms-notice", "通知类：启动会", "通知", "【通知】12月1日9:00在三楼会议室召开开门红启动会，"
     "请各部经理、主管准时参加。"),
    ("sms-notice-en", "通知类：英文版（外籍伙伴）", "通知", "Kick-off meeting on 1 Dec at 9:00, 3rd floor. "
     "Please be on time."),
)


def make_scripts() -> list[tuple[str, dict[str, object], str]]:
    entries = [(f"{slug}.md", {"title": title, "channel": "phone", "category": category}, body)
               for slug, title, category, body in PHONE_SCRIPTS]
    entries += [(f"{slug}.md", {"title": title, "channel": "sms", "category": category}, text)
                for slug, title, category, text in SMS_TEMPLATES]
    return entries


# ---------------------------------------------------------------------------------------------


def write_all(root: Path, org: Any, sales: list[Any], rng: random.Random) -> dict[str, int]:
    """Write the registers, meetings, debriefs and scripts of the example site; return counts by file."""
    cast = Cast(org, rng)
    meetings = make_meetings(cast)
    return {
        "data/receivables.csv": _write_csv(root / "data/receivables.csv",
                                           ["编号", "客户", "负责人", "类型", "开票日期", "到期日", "金额", "已回款",
                                            "最近跟进"], make_receivables(cast), "utf-8-sig"),
        "data/aftersales.csv": _write_csv(root / "data/aftersales.csv",
                                          ["编号", "客户", "负责人", "登记日期", "原因", "状态", "解决日期",
                                           "责任判定", "最近跟进"], make_aftersales(cast)),
        "data/leads.csv": _write_csv(root / "data/leads.csv",
                                     ["编号", "负责人", "阶段", "创建日期", "更新日期", "下一步", "节点日期",
                                      "预计金额"], make_leads(cast)),
        "data/projects.csv": _write_csv(root / "data/projects.csv",
                                        ["编号", "项目名称", "负责人", "开始日期", "预计结束", "阶段", "下一节点",
                                         "节点日期", "更新日期"], make_projects(cast)),
        "data/followups.csv": _write_csv(root / "data/followups.csv",
                                         ["编号", "事项", "负责人", "截止日期", "状态", "最近跟进"],
                                         make_followups(cast)),
        "data/project_indicators.csv": _write_csv(root / "data/project_indicators.csv",
                                                  ["项目编号", "指标", "周期", "日期", "目标", "完成"],
                                                  make_project_indicators()),
        "data/followup_log.csv": _write_csv(root / "data/followup_log.csv",
                                            ["台账", "编号", "跟进日期", "跟进人", "跟进情况", "下次跟进", "补救措施",
                                             "状态"], make_followup_log(cast)),
        "content/meetings": _write_collection(root, "meetings", meetings),
        "content/debriefs": _write_collection(root, "debriefs", make_debriefs(cast, meetings)),
        "content/scripts": _write_collection(root, "scripts", make_scripts()),
    }
