"""The example site's supervision data (督办): mass texts and texting groups, and (later) the registers.

Called by make_example_site.py as ``write_all(root, org, sales, rng)``; ``org`` and ``sales`` are that
script's organisation and orders. Each part draws from a random stream of its own, derived from the
part's name, so adding a part (or changing one) never changes the files of the others.

- ``data/sms_groups.csv`` (UTF-8): who is in each texting group as the platform lists them. The
  list has not been cleaned for a while: three people who have left are still in 全员群, and one
  number in it belongs to no one on file.
- ``data/sms.csv`` (UTF-8): the mass texts from 1 September to the as-of date, four categories in
  Chinese (激励/关怀/战报/通知), mostly at office hours; a few sent at 22:30 or 07:10 (quiet hours),
  and some weeks with more than three texts to the same group (the month-end pushes).
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 20)
SMS_START = date(2026, 9, 1)
BIG_ORDER = 50_000

# ---------------------------------------------------------------------------------------------
# Texting groups
# ---------------------------------------------------------------------------------------------

ALL, CADRES, SUPERVISORS, TRAINING = "全员群", "干部群", "主管群", "培训群"
GROUPS = (ALL, CADRES, SUPERVISORS, TRAINING)
NEWCOMER_DAYS = 90
# Leavers who are still in 全员群 (the list was last cleaned at the start of September).
STILL_LISTED_AFTER = SMS_START
STALE_PHONE = "13912345678"  # a number that belongs to no one on file (a partner who changed numbers)


def _stream(seed: int, part: str) -> random.Random:
    return random.Random(f"{seed}:{part}")


def group_members(org: Any) -> dict[str, list[tuple[str, str, str]]]:
    """Each group's members as (person id, name, phone), by person id; 全员群 ends with the stale number."""
    def row(p: Any) -> tuple[str, str, str]:
        return (p.id, p.name, p.phone)

    listed_leaver = [p for p in org.people if p.leave is not None and p.leave > STILL_LISTED_AFTER]
    sellers = [p for p in org.people if p.role in ("agent", "supervisor")
               and (p.leave is None or p in listed_leaver) and p.join <= AS_OF]
    cadres = [p for p in org.people if p.role in ("manager", "supervisor", "tracker", "staff") and p.leave is None]
    supervisors = [p for p in org.people if p.role in ("manager", "supervisor") and p.leave is None]
    newcomers = [p for p in org.people if p.role == "agent" and p.leave is None
                 and 0 <= (AS_OF - p.join).days < NEWCOMER_DAYS]
    team_heads = {u.head.id for u in org.units if u.level == "team" and u.head is not None
                  and any(n.unit == u.id for n in newcomers)}
    trainers = [p for p in org.people if p.id in team_heads or p.role == "staff"]
    members = {
        ALL: [*sorted(map(row, sellers)), ("", "", STALE_PHONE)],
        CADRES: sorted(map(row, cadres)),
        SUPERVISORS: sorted(map(row, supervisors)),
        TRAINING: sorted(map(row, newcomers + [p for p in trainers if p not in newcomers])),
    }
    return members


def write_sms_groups(root: Path, org: Any) -> int:
    """Write data/sms_groups.csv: 群组, 工号, 姓名, 手机 (the platform's export keeps the name)."""
    rows = [(group, person, name, phone) for group, members in group_members(org).items()
            for person, name, phone in members]
    _write_csv(root / "data/sms_groups.csv", ["群组", "工号", "姓名", "手机"], rows)
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Mass texts
# ---------------------------------------------------------------------------------------------

INCENTIVE = (
    "“决胜冬季”第{week}周，全员冲刺！愿大家FYC节节高，开单大吉，功德无量！",
    "本月已过{elapsed}天，分公司已完成目标的{achieved}成，距月度目标还差{short}万，伙伴们加油！",
    "没有比脚更长的路，没有比人更高的山。今天三访，明天开单！",
    "祝您和您的团队在“惊天动地”行动中出手快、FYC丰厚，过个肥年！开心！",
    "破零从今天开始！本周尚未出单的伙伴，主管陪访已安排好，一起加油！",
)
CARE = (
    "灯亮了，强冷空气今晚到达本市。此刻您也许还在展业路上，请记得添衣保暖。伙伴们，辛苦了！",
    "明天有雨，出门拜访请带好雨具，注意交通安全。感谢大家的付出！",
    "秋燥天干，多喝水，注意休息。身体是展业的本钱，伙伴们辛苦了！",
    "今天是重阳节，祝伙伴们和家中老人节日快乐、身体健康！",
    "最近流感多发，早会请大家戴好口罩，不舒服及时就医。",
)
NOTICE = (
    "明早8:30分公司三楼大会议室召开早会，请准时参加，着正装。",
    "本周六上午9:00新人训练营开课，请所属主管督促新人准时报到。",
    "月末最后一周，核保截止时间为每日16:00，请提前准备资料。",
    "今天是第一个作战日，我们0点集合，等待希望、等待温暖、等待祝福，祝各位伙伴亮剑出彩、前程似锦！",
    "请各组主管于今天18:00前上报本周活动量及下周出单计划。",
    "本月述职会定于下周二下午2:00召开，述职材料请按模板提前一天提交。",
)
CADRE_NOTICE = (
    "今晚19:00召开日新追踪会，请各部经理、主管携本部当日数据参会。",
    "请各主管本周内完成与未破零伙伴的一对一谈话，结果报督办。",
    "本周经营分析会改在周四下午3:00，请按述职模板准备：成绩、问题、原因、改进。",
)
REPLY_RATES = {"激励": (0.01, 0.05), "关怀": (0.05, 0.14), "战报": (0.02, 0.08), "通知": (0.01, 0.04)}
OFFICE_TIMES = (time(8, 20), time(8, 40), time(9, 10), time(12, 5), time(17, 45), time(18, 30), time(19, 15),
                time(20, 10))
# Texts sent in quiet hours: a battle report sent late, an early "good morning" push.
LATE, EARLY = time(22, 30), time(7, 10)


def _wan(amount: float) -> str:
    return f"{amount / 10_000:.1f}".removesuffix(".0") + "万"


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def make_sms(org: Any, sales: list[Any], rng: random.Random) -> list[tuple[object, ...]]:
    """Return one row per mass text: (sent at, group, category, recipients, delivered, failed, replies, text)."""
    members = {group: len(rows) for group, rows in group_members(org).items()}
    units = {u.id: u for u in org.units}
    day_premium: dict[date, float] = defaultdict(float)
    big: dict[date, list[Any]] = defaultdict(list)
    for sale in sales:
        day_premium[sale.day] += sale.premium
        if sale.premium >= BIG_ORDER and SMS_START <= sale.day <= AS_OF:
            big[sale.day].append(sale)
    plan: list[tuple[datetime, str, str, str]] = []  # (when, group, category, text)
    quiet_left = {"late": 2, "early": 2}
    for day in _days(SMS_START, AS_OF):
        week = (day - SMS_START).days // 7 + 1
        weekday = day.weekday()
        month_end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        push = (month_end - day).days < 7  # the last week of a month: more texts to everyone
        for sale in sorted(big[day], key=lambda s: (s.premium, s.order), reverse=True)[:1]:
            team = units[sale.person.unit]
            text = (f"喜报：{team.name}{sale.person.name}签单{sale.product}{_wan(sale.premium)}元！"
                    "向伙伴学习，向伙伴致敬！")
            late = quiet_left["late"] and weekday in (1, 3) and rng.random() < 0.25
            at = LATE if late else rng.choice((time(18, 30), time(19, 15), time(20, 10)))
            if late:
                quiet_left["late"] -= 1
            plan.append((datetime.combine(day, at), ALL, "战报", text))
        if weekday == 0 or (push and weekday in (2, 4)):
            early = quiet_left["early"] and push and rng.random() < 0.5
            at = EARLY if early else rng.choice(OFFICE_TIMES[:3])
            if early:
                quiet_left["early"] -= 1
            plan.append((datetime.combine(day, at), ALL, "激励", _incentive(rng, day, week, day_premium)))
        if weekday == 3 and rng.random() < 0.7:
            plan.append((datetime.combine(day, rng.choice(OFFICE_TIMES[3:6])), ALL, "通知", rng.choice(NOTICE)))
        if weekday == 4 and rng.random() < 0.35:
            plan.append((datetime.combine(day, rng.choice(OFFICE_TIMES[4:])), ALL, "关怀", rng.choice(CARE)))
        if weekday in (0, 3):
            plan.append((datetime.combine(day, rng.choice(OFFICE_TIMES[4:7])), CADRES, "通知",
                         rng.choice(CADRE_NOTICE)))
        if weekday == 1 or (push and weekday in (0, 2, 4) and rng.random() < 0.6):
            text = rng.choice(CADRE_NOTICE[1:] + INCENTIVE[1:2]) if push else rng.choice(CADRE_NOTICE)
            category = "激励" if text in INCENTIVE else "通知"
            if category == "激励":
                text = _incentive(rng, day, week, day_premium, INCENTIVE[1])
            plan.append((datetime.combine(day, rng.choice(OFFICE_TIMES[:3])), SUPERVISORS, category, text))
        if weekday == 2:
            plan.append((datetime.combine(day, rng.choice(OFFICE_TIMES[3:6])), TRAINING,
                         rng.choice(("激励", "通知")), rng.choice((INCENTIVE[4], NOTICE[1], INCENTIVE[2]))))
        if weekday == 5 and rng.random() < 0.5:
            plan.append((datetime.combine(day, rng.choice(OFFICE_TIMES[5:])), TRAINING, "关怀", rng.choice(CARE)))
    plan.sort(key=lambda item: (item[0], GROUPS.index(item[1])))
    rows = []
    for when, group, category, text in plan:
        recipients = members[group]
        failed = sum(rng.random() < 0.012 for _ in range(recipients))
        if group == ALL:
            failed = max(failed, 1)  # the stale number never receives anything
        delivered = recipients - failed
        low, high = REPLY_RATES[category]
        replies = round(delivered * rng.uniform(low, high))
        rows.append((when.strftime("%Y-%m-%d %H:%M"), group, category, recipients, delivered, failed, replies, text))
    return rows


def _incentive(rng: random.Random, day: date, week: int, day_premium: dict[date, float],
               template: str | None = None) -> str:
    text = template or rng.choice(INCENTIVE)
    # The month so far against last month's premium plus 5%, as a tracker would put it in a text.
    first = day.replace(day=1)
    previous_first = (first - timedelta(days=1)).replace(day=1)
    target = sum(v for d, v in day_premium.items() if previous_first <= d < first) * 1.05 or 1.0
    so_far = sum(v for d, v in day_premium.items() if first <= d < day)
    achieved = min(9, max(1, round(so_far / target * 10)))
    short = _wan(max(0.0, target - so_far)).removesuffix("万")
    return text.format(week=week, elapsed=day.day - 1, achieved=achieved, short=short)


def write_sms(root: Path, org: Any, sales: list[Any], rng: random.Random) -> int:
    """Write data/sms.csv with the platform's Chinese headers."""
    rows = make_sms(org, sales, rng)
    header = ["发送时间", "群组", "类别", "接收人数", "成功", "失败", "回复", "内容"]
    _write_csv(root / "data/sms.csv", header, rows)
    return len(rows)


# ---------------------------------------------------------------------------------------------


def _write_csv(path: Path, header: list[str], rows: list[tuple[object, ...]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_all(root: Path, org: Any, sales: list[Any], rng: random.Random) -> dict[str, int]:
    """Write every supervision file; return the number of rows of each."""
    seed = rng.getrandbits(64)  # drawn once: each part has its own stream, independent of the others
    return {
        "data/sms_groups.csv": write_sms_groups(root, org),
        "data/sms.csv": write_sms(root, org, sales, _stream(seed, "sms")),
        # Further parts (receivables, aftersales, leads, projects, followups, meetings, scripts) go here,
        # each with `_stream(seed, "<part>")`.
    }
