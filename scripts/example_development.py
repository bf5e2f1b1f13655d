"""The example site's people-development data: training sessions, performance talks, resource batches, awards.

Called by make_example_site.py (``write_all``) with the organisation and the sales it made. Covers
September to November 2026 (the as-of date is 2026-11-20) and plants what the pages must show:

- training: every team should hold two sessions a month; a few teams fall short (one in October,
  three so far in November), one October session scores low and has a second-session plan, one
  November session scores low with no plan yet;
- talks: supervisors talk with each of their people once a month (绩效面谈); in November two team heads have
  not yet talked with several of their people, and one division head has missed a team head. Division heads
  hold leapfrog talks (越级谈话) with the weakest sellers of August to October: four in November, one only in
  October (so still listed, with that date), one not at all;
- resources: the office hands telesales lists to team heads, who pass parts on to their agents;
  a leaver's customers go to a teammate. One batch has waited a week to be received, one waits
  within the limit, and one team head's resource table has not been updated for two weeks;
- awards: 最佳业务员, 月度之星 and 最佳新人 for September, October and November, from the sales;
- clearance: the newcomers' attempts at the top-ten problems (通关), some failed once, a few stalled.

Deterministic: a random stream of its own (not the one passed in, whose seed depends on how many
other example modules exist), no clock.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 20)
MONTHS = ((2026, 9), (2026, 10), (2026, 11))
STREAM = "example-development-20261120"
NEWCOMER_DAYS = 90

TRAINING_TOPICS = (
    "异议处理：客户说“我没钱”", "康宁终身重疾产品要点", "金福年金销售逻辑与话术", "电话约访话术演练",
    "转介绍名单整理与约访", "保单检视服务流程", "产说会邀约技巧", "客户需求分析（家庭保障缺口）",
    "年底冲刺方案解读", "促成技巧：二择一与假设成交", "新人基础：从准客户名单开始", "客户经营与节日关怀",
)
DIVISION_TOPICS = ("部门月度经营分析会：活动量与产能", "主管辅导技能：陪访与追踪", "部门优秀案例分享")
PLANS = (
    "下周晨会复训，主管抽查话术", "安排一对一陪练，周五前完成", "整理课件发群，组员提交学习心得",
    "下月组织实战演练", "",
)
LOW_PLAN = "11月第一周二次培训：由部经理主讲，主管逐人通关，未通关者再训"
TALK_TOPICS = ("月度业绩回顾", "活动量与拜访计划", "目标设定与差距分析", "新人转正辅导", "心态调整与困难帮扶",
               "晋升规划沟通", "客户经营难点梳理")
TALK_NOTES = (
    "上月完成{done}万，本月目标{target}万，约定每日拜访3户", "近期拜访量下降，家中有事，主管协助安排时间",
    "状态积极，计划冲刺年底，需加强转介绍", "对产品掌握不熟，安排参加周三产品培训",
    "有晋升意向，约定下月活动量标准", "反映名单质量一般，已向督办反馈资源问题", "",
)
RESOURCE_KINDS = ("电销名单", "活动留资客户", "续期客户", "转介绍名单")


def write_csv(path: Path, header: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def month_days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return [first + timedelta(days=i) for i in range((following - first).days) if first + timedelta(days=i) <= AS_OF]


def workdays(year: int, month: int, first: int = 1, last: int = 31) -> list[date]:
    return [d for d in month_days(year, month) if d.weekday() < 5 and first <= d.day <= last]


def team_members(org: Any, team: str, day: date) -> list[Any]:
    return [p for p in org.people if p.unit == team and p.sells and p.employed(day)]


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


def make_training(rng: random.Random, org: Any) -> list[list[Any]]:
    teams = [u for u in org.units if u.level == "team"]
    divisions = [u for u in org.units if u.level == "division"]
    # Sessions per team and month: two or three, with planted shortfalls.
    short = {(2026, 10): {teams[4].id: 1}, (2026, 11): {teams[1].id: 1, teams[7].id: 0, teams[11].id: 1}}
    low_october = teams[2].id
    low_november = teams[9].id
    stars = {p.unit: p for p in sorted(org.people, key=lambda p: -p.factor) if p.role == "agent"}
    sessions: list[tuple[date, str, str, str, int, int, str, str]] = []
    for year, month in MONTHS:
        last_day = 20 if (year, month) == (AS_OF.year, AS_OF.month) else 31
        for team in teams:
            count = short.get((year, month), {}).get(team.id, rng.choice((2, 2, 3)))
            halves = [workdays(year, month, 1, 14), workdays(year, month, 15, last_day)]
            for n in range(count):
                day = rng.choice(halves[n % 2] or halves[0])
                members = team_members(org, team.id, day)
                expected = len(members)
                attendees = max(0, expected - rng.choice((0, 0, 0, 1, 1, 2)))
                trainer = team.head
                if n == 2 and team.id in stars:
                    trainer = stars[team.id]  # a strong agent shares a case
                score = round(rng.uniform(3.6, 4.8), 1)
                plan = rng.choice(PLANS)
                topic = rng.choice(TRAINING_TOPICS)
                if (team.id, year, month, n) == (low_october, 2026, 10, 0):
                    score, plan, topic = 2.9, LOW_PLAN, "康宁终身重疾产品要点"
                    attendees = max(0, expected - 3)
                if (team.id, year, month, n) == (low_november, 2026, 11, 0):
                    score, plan, topic = 3.2, "", "电话约访话术演练"
                sessions.append((day, team.id, trainer.id if trainer else "", topic, attendees, expected,
                                 f"{score:.1f}", plan))
        for division in divisions:
            day = rng.choice(workdays(year, month, 1, last_day))
            expected = sum(len(team_members(org, t.id, day)) for t in teams if t.parent == division.id)
            attendees = expected - rng.randint(1, 4)
            sessions.append((day, division.id, division.head.id, rng.choice(DIVISION_TOPICS), attendees, expected,
                             f"{rng.uniform(3.8, 4.7):.1f}", "各组主管会后组织复盘"))
    sessions.sort(key=lambda s: (s[0], s[1]))
    return [[d.isoformat(), unit, trainer, topic, att, exp, score, plan]
            for d, unit, trainer, topic, att, exp, score, plan in sessions]


# ---------------------------------------------------------------------------------------------
# Talks
# ---------------------------------------------------------------------------------------------


def supervisor_of(org: Any, person: Any) -> Any:
    unit = org.unit(person.unit)
    while True:
        if unit.head is not None and unit.head is not person:
            return unit.head
        if not unit.parent:
            return None
        unit = org.unit(unit.parent)


def make_talks(rng: random.Random, org: Any, monthly: dict[tuple[str, str], float]) -> list[list[Any]]:
    teams = [u for u in org.units if u.level == "team"]
    divisions = [u for u in org.units if u.level == "division"]
    # November: two team heads behind with several people, one division head behind with a team head.
    behind = {teams[3].id: 4, teams[8].id: 3}
    behind_division = divisions[2].id
    rows: list[tuple[date, str, str, str, str]] = []
    for year, month in MONTHS:
        current = (year, month) == (AS_OF.year, AS_OF.month)
        skipped_head = False
        for person in org.people:
            if not person.sells:
                continue
            supervisor = supervisor_of(org, person)
            if supervisor is None:
                continue
            window = workdays(year, month, 2, 20 if current else 28)
            window = [d for d in window if person.employed(d) and supervisor.employed(d)]
            if not window:
                continue
            if current and behind.get(person.unit, 0) > 0 and person is not org.unit(person.unit).head:
                behind[person.unit] -= 1
                continue
            if current and person.role == "supervisor" and org.division_of(person) == behind_division \
                    and not skipped_head:
                skipped_head = True
                continue
            if not current and rng.random() < 0.03:
                continue  # the odd talk forgotten in an earlier month
            day = rng.choice(window)
            done = monthly.get((person.id, f"{year:04d}-{month - 1:02d}"), 0.0)  # last month's premium
            target = max(2, round(done / 10_000 * 1.3 + rng.uniform(0, 2)))
            topic = "新人转正辅导" if (day - person.join).days < NEWCOMER_DAYS else rng.choice(TALK_TOPICS)
            notes = rng.choice(TALK_NOTES).format(target=target, done=round(done / 10_000, 1))
            rows.append((day, supervisor.id, person.id, topic, notes))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    talks = [[d.isoformat(), sup, person, topic, notes, "绩效面谈"] for d, sup, person, topic, notes in rows]
    talks += make_leapfrog_talks(org, monthly)
    talks.sort(key=lambda r: (r[0], r[1], r[2]))
    return talks


LEAPFROG_NOTES = (
    "讲道理、讲原则：连续三个月未达标，约定本月每日三访，周五向部经理汇报",
    "了解到家中老人住院，拜访时间不足，部里协调名单和陪访，月底再谈",
    "本人有畏难情绪，安排绩优伙伴一对一带教两周",
    "对基本法考核有误解，已讲清标准；约定十二月目标 2 万",
    "讲纪律：早会缺勤较多，约定按时参加早会，主管每周跟进",
)


def make_leapfrog_talks(org: Any, monthly: dict[tuple[str, str], float]) -> list[list[Any]]:
    """Leapfrog talks (越级谈话) of the division heads with the six sellers who made least from August to October
    (the likely chronic laggards): four talked to in November, one in October only, one not at all."""
    rng = random.Random(STREAM + "-leapfrog")  # its own stream: the other talks stay as they were
    sellers = [p for p in org.people if p.role == "agent" and p.join < date(2026, 8, 1) and p.employed(AS_OF)]
    weakest = sorted(sellers, key=lambda p: (sum(monthly.get((p.id, f"2026-{m:02d}"), 0.0) for m in (8, 9, 10)),
                                             p.id))[:6]
    rows = []
    for n, person in enumerate(weakest[:5]):
        senior = org.unit(org.division_of(person)).head
        day = date(2026, 10, 27) if n == 4 else date(2026, 11, 4 + 3 * n)
        rows.append([day.isoformat(), senior.id, person.id, "越级谈话：连续三个月未达标",
                     LEAPFROG_NOTES[n] if n < 4 else rng.choice(LEAPFROG_NOTES), "越级谈话"])
    return rows


# ---------------------------------------------------------------------------------------------
# Resources
# ---------------------------------------------------------------------------------------------


def make_resources(rng: random.Random, org: Any) -> list[list[Any]]:
    teams = [u for u in org.units if u.level == "team"]
    office = next(p for p in org.people if p.role == "staff")  # the branch's 内勤 hands out the lists
    stale_owner = teams[5].head  # a team head whose resource table goes stale
    batches: list[dict[str, Any]] = []

    def add(kind: str, size: int, source: Any, target: Any, assigned: date, received: date | None,
            status: str, updated: date | None) -> None:
        batches.append({"kind": kind, "size": size, "from": source.id if source else "", "to": target.id,
                        "assigned": assigned, "received": received, "status": status, "updated": updated})

    def last_update(owner: Any, received: date) -> date:
        latest = date(2026, 11, 5) if owner is stale_owner else AS_OF - timedelta(days=rng.randint(0, 6))
        if owner.leave is not None:
            latest = min(latest, owner.leave - timedelta(days=1))  # nobody updates a leaver's table
        return max(received, latest)

    # Every other Monday the office hands each team head a telesales list; heads pass part on to agents.
    monday = date(2026, 9, 7)
    while monday <= AS_OF:
        for team in teams:
            head = team.head
            if head is None or not head.employed(monday):
                continue
            size = rng.choice((60, 80, 100, 120))
            received = monday + timedelta(days=rng.choice((0, 0, 1, 1, 2)))
            if received > AS_OF:
                received = None
            add(rng.choice(RESOURCE_KINDS[:2]), size, office, head, monday, received,
                "已接收" if received else "待接收", last_update(head, received) if received else None)
            agents = [p for p in team_members(org, team.id, monday) if p is not head]
            if received and agents and received + timedelta(days=1) <= AS_OF:
                agent = rng.choice(agents)
                handed = received + timedelta(days=1)
                got = handed + timedelta(days=rng.choice((0, 1)))
                got = got if got <= AS_OF else None
                add(rng.choice(RESOURCE_KINDS[:2]), size // 2, head, agent, handed, got,
                    "跟进中" if got else "待接收", last_update(agent, got) if got else None)
        monday += timedelta(days=14)
    # A leaver's customers go to a teammate (孤儿单 reassignment) within days of leaving.
    for person in org.people:
        if person.leave is None or not date(2026, 9, 1) <= person.leave <= AS_OF:
            continue
        mates = [p for p in team_members(org, person.unit, person.leave) if p is not person]
        if not mates:
            continue
        mate = rng.choice(mates)
        assigned = person.leave + timedelta(days=rng.randint(1, 3))
        add("孤儿单客户", rng.randint(25, 70), person, mate, assigned, None, "", None)
    # The planted receipts: a week overdue, at the limit (two days) and within it (one day).
    waiting = [p for p in org.people if p.role == "agent" and p.employed(AS_OF)]
    picks = rng.sample(waiting, 3)
    add("续期客户", 45, office, picks[0], date(2026, 11, 13), None, "待接收", None)
    add("转介绍名单", 20, picks[0], picks[1], date(2026, 11, 18), None, "待接收", None)
    add("活动留资客户", 35, office, picks[2], date(2026, 11, 19), None, "待接收", None)
    batches.sort(key=lambda b: (b["assigned"], b["to"], b["kind"], b["size"]))
    # Reassignments of leavers' customers: received within a few days, except the latest (just assigned).
    for batch in batches:
        if batch["kind"] == "孤儿单客户":
            got = batch["assigned"] + timedelta(days=rng.choice((0, 1, 2)))
            if got <= AS_OF - timedelta(days=1):
                batch["received"], batch["status"] = got, "跟进中"
                batch["updated"] = max(got, AS_OF - timedelta(days=rng.randint(0, 6)))
            else:
                batch["status"] = "待接收"
    rows = []
    for number, b in enumerate(batches, start=1):
        rows.append([f"ZY{b['assigned']:%y%m}-{number:03d}", b["kind"], b["size"], b["from"], b["to"],
                     f"{b['assigned']:%Y/%m/%d}", f"{b['received']:%Y/%m/%d}" if b["received"] else "",
                     b["status"], f"{b['updated']:%Y/%m/%d}" if b["updated"] else ""])
    return rows


# ---------------------------------------------------------------------------------------------
# Awards
# ---------------------------------------------------------------------------------------------


def make_awards(org: Any, monthly: dict[tuple[str, str], float]) -> list[list[Any]]:
    """Return the awards of each month: 最佳业务员 the top agent by premium, 月度之星 the head of the team that
    grew most on the month before, 最佳新人 the top newcomer (joined within 90 days)."""
    rows = []
    teams = [u for u in org.units if u.level == "team"]
    team_month: dict[tuple[str, str], float] = defaultdict(float)
    for (person_id, month), premium in monthly.items():
        person = next(p for p in org.people if p.id == person_id)
        team_month[person.unit, month] += premium
    for year, month in MONTHS:
        key = f"{year:04d}-{month:02d}"
        previous = f"{year:04d}-{month - 1:02d}"
        first = date(year, month, 1)
        agents = [p for p in org.people if p.role == "agent" and p.employed(first)]
        best = max(agents, key=lambda p: (monthly.get((p.id, key), 0.0), p.id))
        rows.append([key, best.id, "最佳业务员"])
        growth = max((t for t in teams if t.head is not None),
                     key=lambda t: (team_month[t.id, key] - team_month[t.id, previous], t.id))
        rows.append([key, growth.head.id, "月度之星"])
        newcomers = [p for p in agents if (first - p.join).days < NEWCOMER_DAYS and p is not best]
        if newcomers:
            rookie = max(newcomers, key=lambda p: (monthly.get((p.id, key), 0.0), p.id))
            rows.append([key, rookie.id, "最佳新人"])
    return rows


def make_clearance(org: Any) -> list[list[Any]]:
    """Newcomers' attempts at the top-ten problems before their team head: most pass one every few days, some
    fail one before passing it, and a few stall well past thirty days (planted for the warning)."""
    rng = random.Random(STREAM + "-clearance")  # its own stream: the other files stay as they were
    cutoff = date(2026, 8, 20)  # three months before the as-of date
    newcomers = sorted((p for p in org.people if p.role in ("agent", "supervisor") and p.employed(AS_OF)
                        and p.join > cutoff), key=lambda p: p.id)
    rows: list[list[Any]] = []
    for n, person in enumerate(newcomers):
        examiner = supervisor_of(org, person)
        stall = n % 5 == 2  # every fifth newcomer stops after a few problems
        day = person.join + timedelta(days=4 + rng.randint(0, 3))
        for problem in range(1, 11):
            if day > AS_OF or (stall and problem > 3 + n % 3):
                break
            if rng.random() < 0.15:  # failed first, passed at the next session
                rows.append([person.id, problem, day, "未通过", examiner.id if examiner else ""])
                day += timedelta(days=2)
                if day > AS_OF:
                    break
            rows.append([person.id, problem, day, "通过", examiner.id if examiner else ""])
            day += timedelta(days=2 + rng.randint(0, 4))
    return rows


def write_all(root: Path, org: Any, sales: list[Any], rng: random.Random) -> dict[str, int]:
    """Write data/training.csv, talks.csv, resources.csv, awards.csv and clearance.csv; return their row counts."""
    del rng  # see the module docstring: a stream of our own keeps these files stable
    own = random.Random(STREAM)
    monthly: dict[tuple[str, str], float] = defaultdict(float)
    for sale in sales:
        monthly[sale.person.id, f"{sale.day:%Y-%m}"] += sale.premium
    training = make_training(own, org)
    talks = make_talks(own, org, monthly)
    resources = make_resources(own, org)
    awards = make_awards(org, monthly)
    write_csv(root / "data/training.csv", ["日期", "单位编码", "讲师", "主题", "实到", "应到", "评分", "后续计划"],
              training)
    write_csv(root / "data/talks.csv", ["日期", "主管", "员工", "主题", "记录", "类型"], talks, "utf-8-sig")
    write_csv(root / "data/resources.csv",
              ["编号", "类型", "数量", "移交人", "接收人", "分配日期", "接收日期", "状态", "更新日期"], resources)
    write_csv(root / "data/awards.csv", ["月份", "工号", "奖项"], awards)
    clearance = make_clearance(org)
    write_csv(root / "data/clearance.csv", ["工号", "问题序号", "通关日期", "结果", "考官"], clearance)
    return {"data/training.csv": len(training), "data/talks.csv": len(talks),
            "data/resources.csv": len(resources), "data/awards.csv": len(awards),
            "data/clearance.csv": len(clearance)}
