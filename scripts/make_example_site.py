"""Make the example site's input files: ``data/`` and ``content/`` at the repository root.

The example is a fictional branch, 华东分公司 (``HD``), of a life-insurance company: four divisions
(营业部), thirteen teams (组) and about 120 people, with order-level sales from 2026-07-01 to
2026-11-20 (a Friday, the default as-of date), monthly targets, the trackers' daily log, notices,
battle reports and the "top ten problems" booklet. Everything is invented.

The files imitate what an office really keeps: ``people.csv`` is UTF-8 with a BOM as Excel writes
"CSV UTF-8", ``sales.csv`` is GB18030 with ``YYYY/MM/DD`` dates and ``¥12,300.00`` amounts as a
Chinese Excel exports it, ``targets.xlsx`` is a workbook with a sheet named 目标.

The output is deterministic: one ``random.Random(20261120)`` drives every choice, nothing reads the
clock or the network, and the workbook's timestamps are fixed, so two runs give byte-identical
files. The script owns ``content/notices``, ``content/battle`` and ``content/faq``: it removes the
Markdown files it finds there before writing its own.

Usage: ``python scripts/make_example_site.py [--root DIR]`` (default: the repository root).
"""

from __future__ import annotations

import argparse
import csv
import importlib
import io
import math
import random
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
from openpyxl.writer.excel import ExcelWriter

SEED = 20261120
REPO_ROOT = Path(__file__).resolve().parent.parent

DATA_START = date(2026, 7, 1)
AS_OF = date(2026, 11, 20)  # the last sales date, a Friday
TRACKING_START = date(2026, 9, 1)
NEWCOMER_DAYS = 90  # "joined within the last three months"
TARGET_MONTHS = ("2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12")
BIG_ORDER = 50_000  # site.toml rules.big_order: such orders become battle reports on their own

# Fixed timestamps of the workbook, so that it is byte-identical from run to run.
XLSX_TIMESTAMP = datetime(2026, 1, 1, 0, 0, 0)
ZIP_DATE_TIME = (2026, 1, 1, 0, 0, 0)

# ---------------------------------------------------------------------------------------------
# Organisation
# ---------------------------------------------------------------------------------------------

BRANCH_ID, BRANCH_NAME = "HD", "华东分公司"
# (id, name, number of teams)
DIVISIONS = (("HD01", "营业一部", 3), ("HD02", "营业二部", 4), ("HD03", "营业三部", 3),
             ("HD04", "营业四部", 3))
NUMERALS = "一二三四五六七八九十"
AGENTS_PER_TEAM = (6, 9)
HEADCOUNT_RANGE = (100, 130)

# Trackers (督办): the unit each sits in and the divisions each follows (the first is also the
# tracker named in units.csv for the branch). The second follows two divisions and often falls
# below the daily standard of three calls and three messages.
TRACKER_PLAN = (("HD", ("HD01",)), ("HD", ("HD02", "HD03")), ("HD04", ("HD04",)))
OVERLOADED_TRACKER = 1
STAFF_UNITS = ("HD", "HD02")
PERSONAL_TARGET_DIVISION = "HD01"

# Newcomers' join dates: within three months of the as-of date, two of them in November.
NEWCOMER_JOIN_DATES = (
    date(2026, 8, 24), date(2026, 9, 1), date(2026, 9, 7), date(2026, 9, 15), date(2026, 9, 21),
    date(2026, 10, 8), date(2026, 10, 12), date(2026, 10, 19), date(2026, 11, 2), date(2026, 11, 9),
)
# Leavers: their sales stop the day before they leave.
LEAVE_DATES = (date(2026, 8, 14), date(2026, 9, 4), date(2026, 9, 30), date(2026, 10, 23), date(2026, 11, 13))
NOVEMBER_IDLE = 3  # agents who have made no sale since 1 November
STARS, LAGGARDS = 5, 8

SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵赵吴周周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
    "袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶"
    "黎贺顾毛郝龚邵万钱严武戴孔汤"
)
GIVEN_FEMALE = (
    "娜", "芳", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "琳", "颖", "慧", "倩", "红梅",
    "秀英", "桂英", "玉兰", "晓燕", "丽华", "海燕", "雅琴", "春梅", "美玲", "欣怡", "思雨", "佳慧", "雨婷",
    "淑珍", "凤英", "晓红", "建华", "文静", "丹丹", "梦瑶", "诗涵", "晓丽", "彩霞", "秋菊", "亚楠",
)
GIVEN_MALE = (
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "鹏", "浩", "明", "建国", "志强", "建平", "海波",
    "晓东", "国华", "文斌", "志勇", "俊杰", "宇航", "子豪", "振华", "立新", "永刚", "德明", "家豪", "天宇",
    "博文", "晨阳", "国庆",
)
FEMALE_SHARE = 0.7  # most agents of a Chinese life-insurance agency are women
PHONE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "180", "186",
                  "187", "188", "189")

ROLE_NAMES = {"agent": "业务员", "supervisor": "主管", "manager": "经理", "tracker": "督办", "staff": "内勤"}

# ---------------------------------------------------------------------------------------------
# Sales
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    name: str
    weight: float
    median: float  # typical premium (yuan)
    low: float
    high: float  # below BIG_ORDER: big orders are drawn separately
    fyc_rates: tuple[float, float]
    step: int  # premiums are multiples of this


PRODUCTS = (
    Product("金福年金", 0.24, 16_000, 5_000, 48_000, (0.25, 0.30), 100),
    Product("康宁终身重疾", 0.30, 7_000, 2_500, 24_000, (0.35, 0.40), 10),
    Product("鑫享两全", 0.16, 11_000, 3_000, 45_000, (0.28, 0.33), 100),
    Product("金宝贝少儿年金", 0.10, 9_000, 3_000, 30_000, (0.26, 0.31), 100),
    Product("尊享医疗", 0.13, 2_600, 1_200, 6_000, (0.30, 0.35), 10),
    Product("安心意外", 0.07, 1_500, 600, 3_000, (0.35, 0.40), 10),
)
BIG_ORDER_PRODUCTS = (("金福年金", 0.65), ("鑫享两全", 0.25), ("金宝贝少儿年金", 0.10))
PREMIUM_SIGMA = 0.55
BASE_RATE = 0.2  # chance that an average seller signs an order on an ordinary weekday
SECOND_ORDER = 0.12  # chance of a second order the same day
TWO_CASES = 0.03  # a family policy counted as two cases
WEEKDAY_FACTOR = (1.0, 1.0, 1.0, 1.0, 1.05, 0.75, 0.25)  # Monday … Sunday
MONTH_END_DAYS, MONTH_END_FACTOR = 5, 1.8
HOLIDAYS = (date(2026, 10, 1), date(2026, 10, 7), 0.5)  # National Day: quieter
MONTH_FACTOR = {7: 1.0, 8: 0.95, 9: 1.0, 10: 1.08, 11: 1.15}  # the push towards the year end
TRAINING_DAYS = 5  # a newcomer's first days: no sales
RAMP_DAYS = 60  # a newcomer reaches full productivity after this
BIG_ORDERS_PER_WEEK = (1, 1, 2, 2, 2, 3)

# ---------------------------------------------------------------------------------------------
# Tracking log
# ---------------------------------------------------------------------------------------------

GENERIC_HIGHLIGHTS = (
    "早会出勤率100%，全员参加话术演练",
    "{team}本周人均拜访{n}户，活动量达标",
    "主管陪访{n}户，当场促成{m}件",
    "新人{newcomer}完成首次独立拜访",
    "下午产说会到场客户{n}位，预约面谈{m}位",
    "{team}晚会复盘，分享“我没钱”异议处理经验",
    "专家门诊解答伙伴问题{n}个",
    "老客户转介绍名单新增{n}个",
)
GENERIC_PROBLEMS = (
    "早会迟到{n}人，已提醒主管落实考勤",
    "{team}拜访量不足，人均日拜访仅{m}户，已倒逼主管出活动量方案",
    "客户对重疾险价格有顾虑，需加强产品培训",
    "部分伙伴转介绍名单不足，需组织名单整理",
    "{team}主管外出培训，早会由组训代主持，效果一般",
    "年金险客户等待年底资金到位，预计下周集中签单",
    "两位伙伴反映“怕被拒绝”，已约专家门诊",
)

# ---------------------------------------------------------------------------------------------
# Data structures
# ---------------------------------------------------------------------------------------------


Entry = tuple[str, dict[str, object], str]  # a Markdown file: name, front matter, body


@dataclass
class Unit:
    id: str
    name: str
    parent: str
    level: str  # branch, division, team
    head: Person | None = None
    tracker: Person | None = None
    short: str = ""  # the name used inside its division, e.g. 二组


@dataclass
class Person:
    key: int  # order of creation; ids are given later by join date
    name: str
    female: bool
    unit: str
    role: str
    grade: str
    join: date
    phone: str
    id: str = ""
    leave: date | None = None
    factor: float = 1.0  # productivity
    idle_from: date | None = None  # no sales from this date (not yet broken zero in November)

    @property
    def sells(self) -> bool:
        return self.role in ("agent", "supervisor")

    def employed(self, day: date) -> bool:
        return self.join <= day and (self.leave is None or day < self.leave)


@dataclass
class Sale:
    day: date
    person: Person
    product: str
    premium: float
    fyc: float
    cases: int
    customer: str
    order: str = ""


@dataclass
class Org:
    units: list[Unit]
    people: list[Person]

    def unit(self, unit_id: str) -> Unit:
        return next(u for u in self.units if u.id == unit_id)

    def division_of(self, person: Person) -> str:
        unit = self.unit(person.unit)
        while unit.level not in ("division", "branch"):
            unit = self.unit(unit.parent)
        return unit.id

    def sellers(self) -> list[Person]:
        return [p for p in self.people if p.sells]


# ---------------------------------------------------------------------------------------------
# Organisation and people
# ---------------------------------------------------------------------------------------------


def random_date(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def make_name(rng: random.Random, female: bool) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)


def make_phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        if phone not in taken:
            taken.add(phone)
            return phone


def build_org(rng: random.Random) -> Org:
    """Return the units and people, ids given by join date (the longest-serving person is P0001)."""
    units = [Unit(BRANCH_ID, BRANCH_NAME, "", "branch")]
    people: list[Person] = []
    phones: set[str] = set()

    def add(unit: str, role: str, grade: str, join: date, female_share: float = FEMALE_SHARE) -> Person:
        female = rng.random() < female_share
        name, phone = make_name(rng, female), make_phone(rng, phones)
        person = Person(len(people), name, female, unit, role, grade, join, phone)
        people.append(person)
        return person

    join = random_date(rng, date(2008, 3, 1), date(2010, 12, 31))
    branch_head = add(BRANCH_ID, "manager", "高级经理", join, 0.5)
    units[0].head = branch_head
    for div_id, div_name, teams in DIVISIONS:
        manager = add(div_id, "manager", "经理", random_date(rng, date(2011, 1, 1), date(2016, 12, 31)), 0.6)
        units.append(Unit(div_id, div_name, BRANCH_ID, "division", head=manager, short=div_name))
        for t in range(teams):
            team_id = f"{div_id}-{t + 1}"
            short = f"{NUMERALS[t]}组"
            join = random_date(rng, date(2013, 1, 1), date(2022, 6, 30))
            supervisor = add(team_id, "supervisor", "高级主任" if join.year < 2019 else "业务主任", join)
            units.append(Unit(team_id, div_name[2:] + short, div_id, "team", head=supervisor, short=short))
            for _ in range(rng.randint(*AGENTS_PER_TEAM)):
                if rng.random() < 0.25:
                    join = random_date(rng, date(2025, 6, 1), date(2026, 8, 15))
                else:
                    join = random_date(rng, date(2015, 3, 1), date(2025, 5, 31))
                add(team_id, "agent", "", join)
    for unit, divisions in TRACKER_PLAN:
        tracker = add(unit, "tracker", "专员", random_date(rng, date(2016, 1, 1), date(2024, 6, 30)))
        for div_id in divisions:
            for u in units:
                if u.id == div_id or u.parent == div_id:
                    u.tracker = tracker
        if not units[0].tracker:
            units[0].tracker = tracker
    for unit in STAFF_UNITS:
        add(unit, "staff", "专员", random_date(rng, date(2014, 1, 1), date(2025, 6, 30)), 0.8)

    agents = [p for p in people if p.role == "agent"]
    shape_agents(rng, units, agents)
    for p in agents:
        p.grade = "资深业务员" if (AS_OF - p.join).days >= 2 * 365 else "业务员"
    for p in people:
        if p.role == "supervisor":
            p.factor = 0.8 * math.exp(rng.gauss(0, 0.35))

    for number, person in enumerate(sorted(people, key=lambda p: (p.join, p.key)), start=1):
        person.id = f"P{number:04d}"
    low, high = HEADCOUNT_RANGE
    assert low <= len(people) <= high, f"{len(people)} people: change the seed or AGENTS_PER_TEAM"
    return Org(units, sorted(people, key=lambda p: p.id))


def shape_agents(rng: random.Random, units: list[Unit], agents: list[Person]) -> None:
    """Give agents their productivity and pick the newcomers, leavers, stars, laggards and idlers."""
    for p in agents:
        p.factor = max(0.55, math.exp(rng.gauss(0, 0.4)))
    teams = [u.id for u in units if u.level == "team"]
    newcomer_teams = rng.sample(teams, len(NEWCOMER_JOIN_DATES))
    for team, join in zip(newcomer_teams, NEWCOMER_JOIN_DATES, strict=True):
        newcomer = rng.choice([p for p in agents if p.unit == team])
        newcomer.join = join
    veterans = [p for p in agents if p.join < date(2026, 6, 1)]
    # one leaver in each division first, then one more anywhere; one of them a recent recruit
    leavers: list[Person] = []
    for div_id, _, _ in DIVISIONS:
        leavers.append(rng.choice([p for p in veterans if p.unit.startswith(div_id + "-")]))
    recruits = [p for p in agents if date(2025, 6, 1) <= p.join < date(2026, 6, 1) and p not in leavers]
    leavers.append(rng.choice(recruits))
    rng.shuffle(leavers)
    for person, leave in zip(leavers, LEAVE_DATES, strict=True):
        person.leave = leave
    candidates = [p for p in veterans if p.leave is None]
    picked = rng.sample(candidates, STARS + LAGGARDS + NOVEMBER_IDLE)
    for p in picked[:STARS]:
        p.factor = 2.4 + rng.random()
    for p in picked[STARS:STARS + LAGGARDS]:
        p.factor = 0.45 + 0.15 * rng.random()
    for p in picked[STARS + LAGGARDS:]:
        p.factor = 0.45 + 0.2 * rng.random()
        p.idle_from = date(2026, 11, 1)


# ---------------------------------------------------------------------------------------------
# Sales
# ---------------------------------------------------------------------------------------------


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def day_factor(day: date) -> float:
    factor = WEEKDAY_FACTOR[day.weekday()] * MONTH_FACTOR.get(day.month, 1.0)
    if (month_end(day) - day).days < MONTH_END_DAYS:
        factor *= MONTH_END_FACTOR
    first, last, holiday = HOLIDAYS
    if first <= day <= last:
        factor *= holiday
    return factor


def seller_factor(person: Person, day: date) -> float:
    """Return how likely the person is to sell on the day, relative to an average seller (0: not at all)."""
    if not person.employed(day) or (person.idle_from and day >= person.idle_from):
        return 0.0
    tenure = (day - person.join).days
    if tenure < TRAINING_DAYS:
        return 0.0
    factor = person.factor * min(1.0, max(0.15, (tenure - TRAINING_DAYS) / RAMP_DAYS))
    if person.leave and (person.leave - day).days < 30:
        factor *= 0.5  # winding down before leaving
    return factor


def customer_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(("先生", "女士", "女士"))


def draw_premium(rng: random.Random, product: Product, scale: float) -> float:
    while True:
        value = product.median * scale * math.exp(rng.gauss(0, PREMIUM_SIGMA))
        if product.low <= value <= product.high:
            return round(value / product.step) * product.step


def make_sale(rng: random.Random, day: date, person: Person, product: Product, premium: float) -> Sale:
    fyc = round(premium * rng.uniform(*product.fyc_rates), 2)
    cases = 2 if rng.random() < TWO_CASES else 1
    return Sale(day, person, product.name, float(premium), fyc, cases, customer_name(rng))


def make_sales(rng: random.Random, org: Org) -> list[Sale]:
    """Return one sale per policy, with policy numbers, in date order."""
    sellers = org.sellers()
    weights = [p.weight for p in PRODUCTS]
    sales: list[Sale] = []
    for day in days(DATA_START, AS_OF):
        today = day_factor(day)
        for person in sellers:
            chance = BASE_RATE * today * seller_factor(person, day)
            if chance == 0 or rng.random() >= min(chance, 0.9):
                continue
            for _ in range(2 if rng.random() < SECOND_ORDER else 1):
                product = rng.choices(PRODUCTS, weights)[0]
                premium = draw_premium(rng, product, person.factor ** 0.25)
                sales.append(make_sale(rng, day, person, product, premium))
    sales.extend(make_big_orders(rng, sellers))
    sales.sort(key=lambda s: (s.day, s.person.id, s.product, s.premium))
    counter: dict[date, int] = defaultdict(int)
    for sale in sales:
        counter[sale.day] += 1
        sale.order = f"8860{sale.day:%Y%m%d}{counter[sale.day]:04d}"
    return sales


def make_big_orders(rng: random.Random, sellers: list[Person]) -> list[Sale]:
    """Return one to three orders of 50,000 and more a week, mostly annuities, to productive sellers."""
    products = {p.name: p for p in PRODUCTS}
    names = [name for name, _ in BIG_ORDER_PRODUCTS]
    weights = [weight for _, weight in BIG_ORDER_PRODUCTS]
    orders = []
    monday = DATA_START - timedelta(days=DATA_START.weekday())
    while monday <= AS_OF:
        week = [d for d in days(monday, monday + timedelta(days=5)) if DATA_START <= d <= AS_OF]
        for _ in range(rng.choice(BIG_ORDERS_PER_WEEK)):
            day = rng.choice(week)
            candidates = [p for p in sellers if seller_factor(p, day) > 0]
            person = rng.choices(candidates, [seller_factor(p, day) ** 1.5 for p in candidates])[0]
            tier = rng.random()
            if tier < 0.6:
                premium = rng.randint(50, 90) * 1000
            elif tier < 0.9:
                premium = rng.randint(91, 140) * 1000
            else:
                premium = rng.randint(141, 200) * 1000
            product = products[rng.choices(names, weights)[0]]
            orders.append(make_sale(rng, day, person, product, premium))
        monday += timedelta(days=7)
    return orders


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def round_to(value: float, step: int) -> int:
    return int(round(value / step) * step)


def make_targets(rng: random.Random, org: Org, sales: list[Sale]) -> list[tuple[str, str, str, str, int]]:
    """Return rows (month, unit, person, metric, target): every unit, and the agents of one division.

    A team's target is its month's premium divided by an achievement drawn around 100%; for November
    and December, still to come, its average month of July to October stands in for the premium.
    """
    team_month: dict[tuple[str, str], float] = defaultdict(float)
    person_month: dict[tuple[str, str], float] = defaultdict(float)
    for s in sales:
        team_month[s.person.unit, month_of(s.day)] += s.premium
        person_month[s.person.id, month_of(s.day)] += s.premium
    past = TARGET_MONTHS[:4]
    outlook = {"2026-11": 1.05, "2026-12": 1.2}  # year-end push
    rows = []
    targets: dict[tuple[str, str], int] = {}
    teams = [u for u in org.units if u.level == "team"]
    for month in TARGET_MONTHS:
        for team in teams:
            premium = team_month[team.id, month] if month in past else (
                sum(team_month[team.id, m] for m in past) / len(past) * outlook[month])
            achievement = min(1.3, max(0.72, rng.gauss(1.0, 0.12)))
            targets[team.id, month] = max(50_000, round_to(premium / achievement, 5_000))
        for level, step in (("division", 10_000), ("branch", 10_000)):
            for unit in (u for u in org.units if u.level == level):
                children = [u.id for u in org.units if u.parent == unit.id]
                targets[unit.id, month] = round_to(sum(targets[c, month] for c in children) + step / 2, step)
    for month in TARGET_MONTHS:
        for unit in org.units:
            rows.append((month, unit.id, "", "保费", targets[unit.id, month]))
    prefix = PERSONAL_TARGET_DIVISION + "-"
    agents = [p for p in org.people if p.role == "agent" and p.unit.startswith(prefix)]
    for person in agents:
        history = [person_month[person.id, m] for m in past if month_of(person.join) < m
                   and (person.leave is None or m < month_of(person.leave))]
        typical = sum(history) / len(history) if history else 0.0
        for month in TARGET_MONTHS:
            first_month = month_of(person.join + timedelta(days=20))  # a recruit's first target month
            if month < first_month or (person.leave and month > month_of(person.leave)):
                continue
            if typical < 8_000:
                target = 8_000  # the newcomer's (and the laggard's) floor
            else:
                push = 1.1 if month >= "2026-11" else 1.0
                target = round_to(typical * push / rng.uniform(0.85, 1.1), 1_000)
            rows.append((month, "", person.id, "保费", target))
    # Targets of the other kinds, drawn from nothing random: each division's headcount for the year-end months
    # (its sales force on 1 November and two recruits more), and its cases in the week of 16–22 November.
    parent = {u.id: u.parent for u in org.units}
    start = date(2026, 11, 1)
    for unit in (u for u in org.units if u.level == "division"):
        force = [p for p in org.people if p.role in ("agent", "supervisor") and unit.id in (p.unit, parent[p.unit])
                 and p.join <= start and (p.leave is None or p.leave > start)]
        for month in TARGET_MONTHS[4:]:
            rows.append((month, unit.id, "", "人力", len(force) + 2))
        rows.append(("2026-W47", unit.id, "", "件数", 50))
    return rows


# ---------------------------------------------------------------------------------------------
# Tracking log
# ---------------------------------------------------------------------------------------------


def wan(amount: float) -> str:
    """Return an amount in 万 as a tracker writes it: 9.4万."""
    return f"{amount / 10_000:.1f}".removesuffix(".0") + "万"


def fill(rng: random.Random, template: str, team: str, newcomer: str) -> str:
    return template.format(team=team, newcomer=newcomer, n=rng.randint(2, 6), m=rng.randint(1, 2))


def make_tracking(rng: random.Random, org: Org, sales: list[Sale]) -> list[tuple[object, ...]]:
    """Return one log row per tracker, per division followed, per working day (Monday to Saturday)."""
    division_day: dict[tuple[str, date], float] = defaultdict(float)
    by_division_day: dict[tuple[str, date], list[Sale]] = defaultdict(list)
    for s in sales:
        division = org.division_of(s.person)
        division_day[division, s.day] += s.premium
        by_division_day[division, s.day].append(s)
    sales_by_person: dict[str, list[date]] = defaultdict(list)
    for s in sales:
        sales_by_person[s.person.id].append(s.day)
    trackers = [p for p in org.people if p.role == "tracker"]
    trackers.sort(key=lambda p: p.key)
    rows = []
    for day in days(TRACKING_START, AS_OF):
        if day.weekday() == 6:
            continue
        for index, (tracker, (_, divisions)) in enumerate(zip(trackers, TRACKER_PLAN, strict=True)):
            below = 0.3 if index == OVERLOADED_TRACKER else 0.06
            for div_id in divisions:
                calls = rng.randint(0, 2) if rng.random() < below else rng.randint(3, 6)
                sms = rng.randint(0, 2) if rng.random() < below else rng.randint(3, 6)
                members = [p for p in org.sellers() if p.unit.startswith(div_id + "-") and p.employed(day)]
                highlight = make_highlight(rng, org, by_division_day[div_id, day], members, day)
                problem = make_problem(rng, org, members, sales_by_person, day)
                forecast = make_forecast(rng, division_day, div_id, day)
                rows.append((day.isoformat(), tracker.id, div_id, calls, sms, highlight, problem, forecast))
    return rows


def newcomers(members: list[Person], day: date) -> list[Person]:
    return [p for p in members if p.role == "agent" and 0 <= (day - p.join).days < NEWCOMER_DAYS]


def make_highlight(rng: random.Random, org: Org, today: list[Sale], members: list[Person], day: date) -> str:
    best = max(today, key=lambda s: (s.premium, s.order), default=None)
    if best and best.premium >= 15_000 and rng.random() < 0.8:
        team = org.unit(best.person.unit).short
        return f"{team}{best.person.name}签单{best.product}{wan(best.premium)}"
    if rng.random() < 0.45:
        return ""
    fresh = newcomers(members, day)
    team = org.unit(rng.choice(members).unit).short
    template = rng.choice([t for t in GENERIC_HIGHLIGHTS if fresh or "{newcomer}" not in t])
    return fill(rng, template, team, rng.choice(fresh).name if fresh else "")


def make_problem(
    rng: random.Random, org: Org, members: list[Person], sales_by_person: dict[str, list[date]], day: date
) -> str:
    if rng.random() < 0.4:
        return ""
    candidates = []
    for p in newcomers(members, day):
        recent = [d for d in sales_by_person[p.id] if day - timedelta(days=2) <= d <= day]
        if (day - p.join).days >= 3 and not recent:
            candidates.append(f"新人{p.name}连续三天未出单，需主管陪访")
    if day.day >= 10:
        for p in members:
            if p.role == "agent" and (day - p.join).days >= 30 and not any(
                d.month == day.month and d <= day for d in sales_by_person[p.id]
            ):
                candidates.append(f"{org.unit(p.unit).short}{p.name}本月尚未破零，已约主管面谈")
    if candidates and rng.random() < 0.6:
        return rng.choice(candidates)
    team = org.unit(rng.choice(members).unit).short
    return fill(rng, rng.choice(GENERIC_PROBLEMS), team, "")


def make_forecast(
    rng: random.Random, division_day: dict[tuple[str, date], float], div_id: str, day: date
) -> str:
    """Return the tracker's forecast of tomorrow's premium: a guess near the truth, or nothing."""
    if rng.random() < 0.1:
        return ""
    tomorrow = day + timedelta(days=1)
    recent = [division_day[div_id, day - timedelta(days=i)] for i in range(7)]
    usual = sum(recent) / len(recent) * day_factor(tomorrow)
    actual = division_day[div_id, tomorrow] if tomorrow <= AS_OF else usual
    guess = (0.6 * actual + 0.4 * usual) * rng.gauss(1.0, 0.15)
    return str(max(0, round_to(guess, 1_000)))


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: list, encoding: str, crlf: bool) -> None:
    """Write a CSV file; Excel writes CRLF line ends, a text editor LF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n" if crlf else "\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_units(root: Path, org: Org) -> int:
    rows = [(u.id, u.name, u.parent, u.head.id if u.head else "", u.tracker.id if u.tracker else "")
            for u in org.units]
    header = ["单位编码", "单位名称", "上级单位", "负责人", "督办人"]
    write_csv(root / "data/units.csv", header, rows, "utf-8", False)
    return len(rows)


def write_people(root: Path, org: Org) -> int:
    rows = [
        (p.id, p.name, p.unit, ROLE_NAMES[p.role], p.grade, p.join.isoformat(),
         p.leave.isoformat() if p.leave else "", p.phone)
        for p in org.people
    ]
    header = ["工号", "姓名", "所属单位", "岗位", "职级", "入司日期", "离司日期", "手机"]
    write_csv(root / "data/people.csv", header, rows, "utf-8-sig", True)
    return len(rows)


def write_sales(root: Path, sales: list[Sale]) -> int:
    rows = [
        (f"{s.day:%Y/%m/%d}", s.person.id, s.person.name, f"¥{s.premium:,.2f}", f"{s.fyc:.2f}", s.cases,
         s.product, s.order, s.customer)
        for s in sales
    ]
    header = ["日期", "工号", "姓名", "标准保费", "FYC", "件数", "险种", "保单号", "客户"]
    write_csv(root / "data/sales.csv", header, rows, "gb18030", True)
    return len(rows)


def write_tracking(root: Path, rows: list[tuple[object, ...]]) -> int:
    header = ["日期", "督办人", "单位编码", "电话", "短信", "亮点", "问题", "明日预测"]
    write_csv(root / "data/tracking.csv", header, rows, "utf-8", False)
    return len(rows)


def write_targets(root: Path, rows: list[tuple[str, str, str, str, int]]) -> int:
    """Write the workbook, byte-identical from run to run (fixed timestamps, fixed zip entries)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "目标"
    ws.append(["月份", "单位编码", "工号", "指标", "目标"])
    for month, unit, person, metric, target in rows:
        ws.append([month, unit or None, person or None, metric, target])
    for column, width in zip("ABCDE", (10, 10, 10, 8, 12), strict=True):
        ws.column_dimensions[column].width = width
    wb.properties.creator = "Trackboard"
    wb.properties.lastModifiedBy = "Trackboard"
    wb.properties.created = XLSX_TIMESTAMP
    wb.properties.modified = XLSX_TIMESTAMP
    buffer = io.BytesIO()
    # ExcelWriter rather than wb.save(), which stamps the modified time with the clock
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    path = root / "data/targets.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(fixed_zip(buffer.getvalue()))
    return len(rows)


def fixed_zip(data: bytes) -> bytes:
    """Return the zip archive rewritten with a fixed date on every entry, entries in the same order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def yaml_value(value: object) -> str:
    if isinstance(value, list):  # a flow sequence: [HD01, HD02], [{name: 铜牌, threshold: 30000}]
        return "[" + ", ".join(yaml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {yaml_value(item)}" for key, item in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, date)):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


BLOCK_START = re.compile(r"^(#|[-*+] |\d+\. |\||>\s*$|```)")


def unwrap(markdown: str) -> str:
    """Join the lines of each paragraph (and of each paragraph of a quote).

    The texts are wrapped in this file to keep its lines short, but Markdown renders a line break
    inside a paragraph as a space, which shows between Chinese characters.
    """
    lines: list[str] = []
    for line in markdown.strip().split("\n"):
        previous = lines[-1] if lines else ""
        quoted = line.startswith("> ") and previous.startswith("> ")
        text = line[2:] if quoted else line
        joinable = previous.strip() not in ("", ">") and not previous.startswith(("#", "|"))
        if joinable and text.strip() and not BLOCK_START.match(text) and (quoted or not line.startswith(">")):
            lines[-1] = previous + text
        else:
            lines.append(line)
    return "\n".join(lines)


def write_markdown(path: Path, front: dict[str, object], body: str) -> None:
    fields = [f"{key}: {yaml_value(value)}" for key, value in front.items() if value is not None]
    lines = ["---", *fields, "---"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n\n" + unwrap(body) + "\n", encoding="utf-8")


def write_collection(root: Path, name: str, entries: list[Entry]) -> int:
    """Replace the Markdown files of one content folder with the given (file name, front matter, body)."""
    folder = root / "content" / name
    if folder.is_dir():
        for old in sorted(folder.glob("*.md")):
            old.unlink()
    for filename, front, body in entries:
        write_markdown(folder / filename, front, body)
    return len(entries)


# ---------------------------------------------------------------------------------------------
# Battle reports
# ---------------------------------------------------------------------------------------------


def cn_date(day: date) -> str:
    return f"{day.month}月{day.day}日"


def money_text(amount: float) -> str:
    return f"{amount:,.0f}"


def cn_number(n: int) -> str:
    """Return a small number in Chinese: 一, 二 … 十 (larger ones in digits)."""
    return NUMERALS[n - 1] if 1 <= n <= 10 else str(n)


def cn_count(n: int) -> str:
    """Return a count in Chinese, as before a measure word: 两单, 三单."""
    return "两" if n == 2 else cn_number(n)


class BattleReports:
    """Battle reports drawn from the sales: achievements other than single big orders.

    Orders of BIG_ORDER and more become battle reports on their own, so none is repeated here, and
    no person is celebrated twice.
    """

    def __init__(self, org: Org, sales: list[Sale], targets: list[tuple[str, str, str, str, int]]) -> None:
        self.org, self.sales, self.targets = org, sales, targets
        self.people = {p.id: p for p in org.people}
        self.used: set[str] = set()
        self.entries: list[Entry] = []

    def make(self) -> list[Entry]:
        self.milestone()
        self.big_deal()
        self.busy_day()
        self.month_end()
        self.first_orders()
        self.team_target()
        return sorted(self.entries, key=lambda e: e[0])

    def place(self, person: Person) -> str:
        team = self.org.unit(person.unit)
        return self.org.unit(team.parent).name + team.short

    @staticmethod
    def her(person: Person) -> str:
        return "她" if person.female else "他"

    def add(
        self, slug: str, day: date, person: Person, unit: str, amount: float, title: str, body: str
    ) -> None:
        self.used.add(person.id)
        front = {"title": title, "date": day, "person": person.id, "unit": unit, "amount": round(amount)}
        self.entries.append((f"{day.isoformat()}-{slug}-{person.id.lower()}.md", front, body))

    def milestone(self) -> None:
        """The leading seller since July, on the day their premium passed a round figure (100,000s)."""
        running: dict[str, float] = defaultdict(float)
        crossed: dict[str, tuple[int, date]] = {}
        for s in self.sales:
            before = running[s.person.id]
            running[s.person.id] += s.premium
            mark = int(running[s.person.id] // 100_000) * 100_000
            if mark > before:
                crossed[s.person.id] = (mark, s.day)
        star_id = max(running, key=lambda k: (running[k], k))  # the leader, so 领跑 is true
        mark, day = crossed[star_id]
        p = self.people[star_id]
        self.add("milestone", day, p, p.unit, mark, f"{p.name}下半年累计保费突破{mark // 10_000}万", f"""
## 里程碑

截至{cn_date(day)}，{self.place(p)}**{p.name}**自7月以来累计标准保费突破{mark // 10_000}万元，
领跑全分公司！

{p.name}的秘诀只有三条：每天三访不打折扣，每位客户建档跟进，每月做一次老客户回访。
{self.her(p)}说，保险是“一辈子的服务”，签单只是开始。

榜样就在身边，让我们为{self.her(p)}点赞！""")

    def big_deal(self) -> None:
        """The largest order in October below the big-order threshold."""
        october = [s for s in self.sales if s.day.month == 10 and s.premium < BIG_ORDER
                   and s.person.id not in self.used]
        s = max(october, key=lambda s: (s.premium, s.order))
        p = s.person
        self.add("big-deal", s.day, p, p.unit, s.premium, f"{p.name}签下{s.product}{wan(s.premium)}保单", f"""
## 喜报

{cn_date(s.day)}，{self.place(p)}**{p.name}**签下{s.product}，标准保费{money_text(s.premium)}元！

这位客户是{p.name}跟进了三个月的老客户。{self.her(p)}先帮客户做了一次完整的保单检视，
找出养老规划上的缺口，再把方案逐项讲清楚，客户当场拍板。

专业赢得信任，让我们为{self.her(p)}点赞！""")

    def busy_day(self) -> None:
        """The most orders one person signed on one day of November (days with a big order left out)."""
        per_day: dict[tuple[str, date], list[Sale]] = defaultdict(list)
        for s in self.sales:
            if s.day.month == 11 and s.person.id not in self.used:
                per_day[s.person.id, s.day].append(s)
        days_ = [g for g in per_day.values() if all(s.premium < BIG_ORDER for s in g)]
        orders = max(days_, key=lambda g: (len(g), sum(s.premium for s in g), g[0].order))
        p, day, total = orders[0].person, orders[0].day, sum(s.premium for s in orders)
        count = cn_count(len(orders))
        products = "、".join(dict.fromkeys(s.product for s in orders))
        self.add("busy-day", day, p, p.unit, total, f"{p.name}单日连签{count}单", f"""
## 单日连签{count}单

{cn_date(day)}，{self.place(p)}**{p.name}**一天之内连签{count}单（{products}），
合计标准保费{money_text(total)}元！

上午产说会邀约的客户当场签约，下午又趁热打铁拜访了转介绍客户。
{p.name}说：“准客户名单每天更新，拜访量上去了，单子自然就来了。”

让我们为{self.her(p)}点赞！""")

    def month_end(self) -> None:
        """The best seller of October's last five days not yet celebrated, with their true rank."""
        last = date(2026, 10, 31)
        first = last - timedelta(days=MONTH_END_DAYS - 1)
        total: dict[str, float] = defaultdict(float)
        cases: dict[str, int] = defaultdict(int)
        for s in self.sales:
            if first <= s.day <= last:
                total[s.person.id] += s.premium
                cases[s.person.id] += s.cases
        ranking = sorted(total, key=lambda k: (-total[k], k))
        best = next(k for k in ranking if k not in self.used)
        rank = cn_number(ranking.index(best) + 1)
        p = self.people[best]
        self.add("month-end", last, p, p.unit, total[best], f"十月冲刺五天，{p.name}签单{cases[best]}件", f"""
## 收官战报

十月最后五天，{self.place(p)}**{p.name}**签单{cases[best]}件，标准保费{money_text(total[best])}元，
位居全分公司月末冲刺第{rank}！

月底冲刺不靠运气：{p.name}月中就把意向客户逐一梳理，约好了签约时间，
收官阶段按计划一一落地。

为收官的拼搏者喝彩，让我们为{self.her(p)}点赞！""")

    def first_orders(self) -> None:
        """Newcomers' first orders: the first in October and the latest."""
        first: dict[str, Sale] = {}
        for s in self.sales:
            first.setdefault(s.person.id, s)
        fresh = sorted(
            (
                s for s in first.values()
                if s.person.role == "agent" and (AS_OF - s.person.join).days < NEWCOMER_DAYS
                and s.day.month >= 10 and s.premium < BIG_ORDER and s.person.id not in self.used
            ),
            key=lambda s: (s.day, s.order),
        )
        for s in (fresh[0], fresh[-1]) if len(fresh) > 1 else fresh:
            p = s.person
            supervisor = self.org.unit(p.unit).head
            tenure = (s.day - p.join).days
            self.add("first-order", s.day, p, p.unit, s.premium, f"新人{p.name}入司{tenure}天斩获首单！", f"""
## 喜报：新人破零

{cn_date(s.day)}，{self.place(p)}新人**{p.name}**成功签下{s.product}，标准保费{money_text(s.premium)}元，
实现入司后的首单突破！

入司仅{tenure}天，{p.name}每天坚持“三访”，早会认真演练话术，在主管{supervisor.name}的陪访下，
用一份清晰的家庭保障方案打动了客户。

好的开始是成功的一半，让我们为{self.her(p)}点赞！""")

    def team_target(self) -> None:
        """The team with the best achievement of its October target."""
        premium: dict[str, float] = defaultdict(float)
        for s in self.sales:
            if s.day.month == 10:
                premium[s.person.unit] += s.premium
        target = {unit: value for month, unit, _, _, value in self.targets if month == "2026-10" and unit}
        team_id = max(premium, key=lambda t: (premium[t] / target[t], t))
        team = self.org.unit(team_id)
        head = team.head
        name = self.org.unit(team.parent).name + team.short
        rate = premium[team_id] / target[team_id]
        title = f"{name}十月目标达成{rate:.0%}"
        self.add("team-target", date(2026, 11, 2), head, team_id, premium[team_id], title, f"""
## 团队捷报

十月，主管**{head.name}**带领的{name}实现标准保费{money_text(premium[team_id])}元，
目标达成率{rate:.0%}，位列全分公司各组第一！

- 每天早会过目标、过名单、过话术；
- 主管每周陪访不少于五户；
- 晚会复盘，当天的问题当天解决。

团结一心，其利断金，让我们为{team.short}全体伙伴点赞！""")


# ---------------------------------------------------------------------------------------------
# Notices
# ---------------------------------------------------------------------------------------------

# The campaigns: the winter push of the notice below, ranked by premium with prize tiers, and a monthly
# break-zero contest (people with a case) that starts again each month without a new file.
CAMPAIGNS: tuple[Entry, ...] = (
    (
        "决胜冬季.md",
        {"title": "决胜冬季", "start": date(2026, 11, 10), "end": date(2026, 12, 31), "metric": "premium",
         "target": 18000000, "tiers": [{"name": "铜牌", "threshold": 30000}, {"name": "银牌", "threshold": 60000},
                                       {"name": "金牌", "threshold": 100000}]},
        """
全分公司11—12月冲刺年度目标。个人累计保费达到3万、6万、10万分别获得铜牌、银牌、金牌，
年终总结会上颁奖。详见通知《“决胜冬季”年终冲刺方案》。
""",
    ),
    (
        "月度破零赛.md",
        {"title": "月度破零赛", "start": date(2026, 7, 1), "metric": "active", "repeat": "monthly"},
        """
每月一期：比一比哪个团队出单的人最多。每位伙伴当月至少签一件，团队全员破零的，主管在晨会上分享经验。
""",
    ),
)


NOTICES = (
    (
        "2026-11-10-年终冲刺方案.md",
        {"title": "“决胜冬季”年终冲刺方案", "date": date(2026, 11, 10), "expires": date(2026, 12, 31),
         "pinned": True, "category": "活动", "audience": "全体业务伙伴"},
        """
## 活动时间

2026年11月10日至12月31日。

## 活动目标

全分公司11—12月标准保费达成年度目标的100%，各营业部、各组同步分解到人、到周。

## 个人奖励标准

| 档位 | 期间累计标准保费 | 奖励 |
|---|---|---|
| 铜牌 | 5万元 | 保温杯礼盒 + 荣誉证书 |
| 银牌 | 10万元 | 千元购物卡 + 分公司表彰 |
| 金牌 | 20万元 | 三亚四天研修之旅 |
| 钻石 | 50万元 | 年度“业务之星”提名 + 总公司峰会名额 |

## 冲刺节奏

1. **11月第三周**：名单整理周，每人梳理不少于30位准客户；
2. **11月第四周**：产说会周，各部至少举办一场产说会；
3. **11月最后五天**：月末冲刺，每日日新追踪会通报进度；
4. **12月**：开门红预热，年金类产品集中签约。

## 工作要求

- 各部经理每周一将分解目标报分公司督办；
- 督办每日“三电三信”跟进，亮点与问题当日反馈；
- 大单（5万元及以上）当日出战报，全员共享经验。
""",
    ),
    (
        "2026-09-01-daily-tracking-rules.md",
        {"title": "日新追踪与“三电三信”督办制度", "date": date(2026, 9, 1), "pinned": True,
         "category": "制度", "audience": "督办及各级主管"},
        """
为把业绩追踪落到每一天，自9月1日起全分公司执行日新追踪制度。

## 督办职责

1. 每天对所追踪的营业部至少**三个电话、三条短信**；
2. 每天填写《日新追踪表》：电话数、短信数、当日亮点、存在问题、明日业绩预测；
3. 与所追踪单位同荣辱，业绩达成情况纳入督办考核；
4. 当天的亮点和问题当天反馈分公司，重大问题即时上报。

## 电话追踪四步法

- 问候：今天情况怎么样？
- 了解：有什么困难、需要什么支持？
- 鼓励：肯定成绩，继续加油；
- 记录：要点写进追踪表。

## 考核

追踪表于每日18:00前提交；连续三天低于“三电三信”标准的，由分公司经理约谈。
""",
    ),
    (
        "2026-09-25-national-day-duty.md",
        {"title": "国庆假期值班及出单安排", "date": date(2026, 9, 25), "expires": date(2026, 10, 8),
         "pinned": False, "category": "通知", "audience": "全体人员"},
        """
## 放假时间

10月1日至10月7日放假调休，共7天。

## 值班安排

- 分公司值班：每日一名内勤、一名督办在岗，负责出单咨询；
- 各营业部值班由部经理安排，名单于9月28日前报内勤。

## 温馨提示

假期走亲访友正是讲保障的好时机，出单请提前与值班内勤确认核保资料。祝大家节日快乐！
""",
    ),
    (
        "2026-10-28-october-awards.md",
        {"title": "十月业绩表彰大会通知", "date": date(2026, 10, 28), "expires": date(2026, 11, 3),
         "pinned": False, "category": "会议", "audience": "全体业务伙伴"},
        """
兹定于**11月3日（周二）上午9:00**在分公司三楼大会议室召开十月业绩表彰大会。

## 议程

1. 分公司经理通报十月业绩；
2. 表彰十月“业务之星”“新人之星”“最佳团队”；
3. 优秀伙伴经验分享（每人10分钟）；
4. 部署“决胜冬季”冲刺任务。

请各部经理组织本部伙伴准时参会，着正装。
""",
    ),
    (
        "2026-11-25-annual-awards-signup.md",
        {"title": "2026年度表彰大会报名通知", "date": date(2026, 11, 25), "expires": date(2026, 12, 15),
         "pinned": False, "category": "会议", "audience": "全体业务伙伴"},
        """
2026年度表彰大会定于12月下旬举行，现开始报名。

## 报名方式

- 各组主管汇总本组名单，12月10日前报所在营业部；
- 营业部汇总后报分公司内勤。

## 评选项目

- 年度业务之星、年度新人王、年度最佳主管、年度最佳团队；
- 评选以1月1日至12月20日的标准保费与活动量为依据。
""",
    ),
    (
        "2026-11-18-q4-kickoff.md",
        {"title": "十二月“开门红”预备启动会通知", "date": date(2026, 11, 18), "expires": date(2026, 11, 28),
         "pinned": False, "category": "会议", "audience": "各部经理、主管"},
        """
为提前布局明年“开门红”，分公司定于**11月24日（周二）下午2:00**召开预备启动会。

## 参会人员

各营业部经理、各组主管、督办、内勤。

## 会前准备

1. 各组梳理年金类意向客户名单，注明预计签约时间和金额；
2. 各部准备一页纸的“开门红”作战计划：目标、举措、责任人、时间节点；
3. 督办汇总各部11月以来的亮点与问题。

会上各部按统一的述职模板汇报，请于会前一天提交。
""",
    ),
    (
        "2026-11-12-newcomer-camp.md",
        {"title": "新人“飞凤训练营”第四期开班通知", "date": date(2026, 11, 12), "expires": date(2026, 11, 30),
         "pinned": False, "category": "培训", "audience": "新人及所属主管"},
        """
第四期“飞凤训练营”将于11月16日开班，为期两周。

## 培训内容

- 保险基础知识与主力产品；
- 准客户名单整理与电话约访；
- 《业务伙伴最常见的十大问题》话术通关；
- 主管陪访实战。

## 要求

1. 入司三个月内、尚未转正的新人全员参加；
2. 所属主管每周至少陪访两次，结业前帮助新人实现破零；
3. 结业考核未通过者参加下一期复训。
""",
    ),
    (
        "2026-11-05-sms-quiet-hours.md",
        {"title": "关于规范群发短信时间与频次的通知", "date": date(2026, 11, 5), "pinned": False,
         "category": "制度", "audience": "督办、内勤"},
        """
近期有伙伴反映夜间收到群发短信。为避免追踪短信变成“骚扰短信”，现规定如下：

1. 群发短信只在**8:00—21:00**之间发送；
2. 同一群组每周群发不超过五条，战报类短信可合并发送；
3. 每月初清理群组名单，已离司人员的号码及时删除；
4. 伙伴回复的问题和拒绝信息，督办须当天处理。
""",
    ),
    (
        "2026-11-16-kangning-upgrade.md",
        {"title": "康宁终身重疾（升级版）上线说明", "date": date(2026, 11, 16), "expires": date(2026, 12, 31),
         "pinned": False, "category": "产品", "audience": "全体业务伙伴"},
        """
康宁终身重疾（升级版）自11月16日起上线销售。

## 主要变化

- 重疾保障病种扩展，新增特定心脑血管疾病额外给付；
- 轻症、中症保障不占用重疾保额；
- 投保年龄放宽至60周岁。

## 销售提示

- 老客户可做保单检视，按需加保；
- 产品培训资料已上传内网，请各组在早会上组织学习。
""",
    ),
)

# ---------------------------------------------------------------------------------------------
# The "top ten problems" booklet
# ---------------------------------------------------------------------------------------------

FAQ = (
    (
        "01-no-money.md", "客户说“我没钱”怎么办？", "客户异议",
        """
“没钱”多半不是真的没有钱，而是还没看到保险的必要，或者担心占用预算。不要争辩，先认同，
再把保费化整为零，把话题拉回保障缺口。

**话术示范**

> 客户：最近手头紧，没钱买保险。
>
> 伙伴：理解，现在哪家开销都不小。正因为这样，才更怕一场大病把积蓄一下子掏空。
> 这份保障一天不到一杯奶茶钱，我们先看看您家最担心哪一块，好吗？

**处理步骤**

1. 认同感受，不反驳、不说教；
2. 了解家庭收支，找出真正的顾虑；
3. 把年缴保费换算成每月、每天的金额；
4. 先从重疾、意外等基础保障做起，预算宽裕了再加年金；
5. 当场约好下次见面的时间。
""",
    ),
    (
        "02-no-need.md", "客户说“我不需要保险”怎么办？", "客户异议",
        """
说“不需要”的客户，往往是没想过风险会落到自己头上。用提问代替推销，让客户自己说出需要。

**话术示范**

> 客户：我身体好，单位也有医保，不需要。
>
> 伙伴：您身体好真让人羡慕。想请教一下，万一住院，医保报销以后自费的部分、
> 住院期间少拿的收入，家里打算怎么安排？
>
> 客户：这个……还真没想过。

**处理步骤**

1. 先肯定客户的判断，不制造对立；
2. 用三个问题引导：收入中断怎么办？大病自费谁来出？孩子教育金准备好了吗？
3. 讲一个身边真实的理赔案例（隐去姓名）；
4. 留下一页纸的保障缺口分析，约定三天后回访。
""",
    ),
    (
        "03-ask-family.md", "客户说“我要和家人商量商量”怎么办？", "客户异议",
        """
这是最常见的拖延。客户愿意和家人商量，说明已有意向；要做的是帮客户把“商量”变成一次
有准备的家庭沟通，而不是无限期等待。

**话术示范**

> 客户：这么大的事，我得回去和爱人商量一下。
>
> 伙伴：应该的，家里的事一起拿主意最好。您看这样行不行：我把方案整理成一页纸，
> 周六上午我到府上，十五分钟给您和爱人讲清楚，有疑问当面解答。

**处理步骤**

1. 肯定客户重视家庭的态度；
2. 问清楚家人最可能关心什么：保费、保障还是收益；
3. 准备一页纸方案，突出家人关心的要点；
4. 争取和决策人当面沟通，不让客户一个人去“转述”；
5. 当场约定时间，前一天再电话确认。
""",
    ),
    (
        "04-scam.md", "客户说“保险都是骗人的”怎么办？", "客户异议",
        """
这句话背后通常有一段不愉快的经历：自己或亲友理赔不顺、被夸大收益误导过。先倾听，
再用合同和事实说话，千万不要急着辩解。

**话术示范**

> 客户：保险都是骗人的，买的时候说得好听，理赔的时候什么都不赔。
>
> 伙伴：听您这么说，以前一定遇到过不愉快的事，能和我说说吗？……确实，
> 有些销售没把条款讲清楚。我给您讲保单，每一条都对着合同念，哪些赔、哪些不赔，
> 白纸黑字写清楚。

**处理步骤**

1. 耐心倾听，承认行业里确实有不规范的做法；
2. 逐条讲解责任免除和等待期，不夸大收益；
3. 出示公司公开的理赔数据和身边的理赔案例；
4. 告诉客户犹豫期内可以全额退保，打消顾虑。
""",
    ),
    (
        "05-already-bought.md", "客户说“我已经买过了”怎么办？", "客户异议",
        """
买过保险的客户认同保险，是最好的客户。不要否定客户已有的保单，而是主动提供保单检视服务，
帮客户看清“买了什么、还缺什么”。

**话术示范**

> 客户：我已经在别人那里买过了。
>
> 伙伴：太好了，说明您很有保障意识。很多客户买了好几份，却说不清保了什么。
> 我免费帮您做一次保单整理，做成一张表，哪些保障足、哪些有缺口，一目了然。

**处理步骤**

1. 肯定客户的保障意识，绝不贬低同业；
2. 收集保单，整理成“家庭保障一览表”；
3. 对照检查：重疾保额是否覆盖三到五年收入？家人是否都有保障？
4. 针对缺口提出补充建议；
5. 每年提醒一次保单检视，把服务做成长期关系。
""",
    ),
    (
        "06-not-moving.md", "不想出门拜访，提不起劲怎么办？", "展业心态",
        """
“不想动”是伙伴意愿上的问题，单靠说教解决不了。可以组织“专家门诊”，请绩优伙伴现身说法，
当场答疑解惑；也可以用“爱问工作法”，先收集一位伙伴的困惑，再请多位伙伴从不同角度解答。

**处理步骤**

1. 和伙伴一起定一个小目标：每天三访，先坚持一周；
2. 早会上当众承诺，晚会上当众回顾；
3. 安排结伴拜访，由绩优伙伴带一带；
4. 每完成一次拜访就在追踪表上打勾，让进步看得见；
5. 主管每周一次一对一谈话，了解家庭和情绪上的难处。

**一句话提醒**

> 行动治愈焦虑。先出门，状态会在路上找回来。
""",
    ),
    (
        "07-fear-rejection.md", "害怕被拒绝，不敢开口促成怎么办？", "展业心态",
        """
不敢开口，根子在于把客户的拒绝当成对自己的否定。其实拒绝的是方案和时机，不是你这个人。

**话术示范**

> 伙伴：王姐，方案您也看了，保障和保费都合适，我们今天就把手续办了，好吗？
>
> 客户：我再想想。
>
> 伙伴：好的。您还在犹豫的是保费，还是保障的内容？我再给您讲清楚。

**处理步骤**

1. 在早会上两人一组做角色扮演，把促成话术练到脱口而出；
2. 把每次拒绝的原因记下来，到“专家门诊”请绩优伙伴支招；
3. 给自己定“一百次拒绝”计划，把拒绝当成积累；
4. 每次面谈都至少提一次促成，不提就没有机会。
""",
    ),
    (
        "08-newcomer-start.md", "新人不知道从哪里开始怎么办？", "展业心态",
        """
新人最怕“没有方向”。第一个月的目标只有一个：在主管的陪伴下实现破零，养成每天拜访的习惯。

**第一个月路线图**

1. **第一周**：参加新人训练营，背熟十大问题话术，早会通关；
2. **第二周**：列出不少于一百人的准客户名单，按亲疏分成三类；
3. **第三周**：每天三访，主管每周陪访两次；
4. **第四周**：复盘名单和面谈记录，争取首单。

**话术示范（约访）**

> 新人：李阿姨，我最近加入了保险公司，正在学习做家庭保障规划，
> 想请您给我二十分钟，帮我提提意见，可以吗？

**提醒**

- 先从熟人开始练胆，不求一次成交；
- 每天晚上把当天的情况告诉主管，遇到问题马上问。
""",
    ),
    (
        "09-hard-work-poor-results.md", "“我做了很多细致工作，为什么业绩还是差？”", "管理方法",
        """
这是营销主管最常见的困惑。工作多不等于工作对，要用数据找出卡在哪个环节。

**诊断步骤**

1. 拿出本月的追踪表，按“拜访—面谈—方案—成交”逐级核对数字，找出断点；
2. 检查时间用在哪里：事务性工作是否挤占了陪访和辅导；
3. 抓关键少数：团队八成业绩往往来自两成伙伴，先帮他们冲刺；
4. 对尚未破零的伙伴逐一谈话，定下本周的拜访计划；
5. 每周按述职模板向上级汇报：成绩、问题、原因、改进。

**怎么提升**

- 参加管理技能培训，学习目标分解和辅导面谈；
- 在经验分享会上请绩优主管讲方法，把好做法复制到本组。

> 勤奋是前提，方法才是放大器。
""",
    ),
    (
        "10-nail-house.md", "团队里总有人跟不上节奏、还带负面情绪，怎么办？", "管理方法",
        """
几乎每个团队都有“钉子户”：资历老、有过功劳，却总跟不上节奏，还影响他人。直接处理不合适，
放任不管又会拖累团队。有效的办法是请上级领导出面做“越级谈话”。

**越级谈话四讲**

1. **讲道理**：团队目标和个人发展的关系；
2. **讲原则**：基本法的考核标准，对谁都一样；
3. **讲纪律**：早会考勤、活动量是底线；
4. **讲关怀**：了解家庭和情绪上的难处，给予具体支持。

**谈话之后**

- 和本人一起定下一个月的改进计划，写明目标和时间节点；
- 主管每周跟进一次，有进步及时在早会上表扬；
- 连续三个月仍无改善，按基本法办理。

> 谈话的目的不是“整人”，而是把人留在队伍里、拉回节奏上。
""",
    ),
)


def faq_entries() -> list[Entry]:
    return [
        (filename, {"question": question, "rank": rank, "category": category}, body)
        for rank, (filename, question, category, body) in enumerate(FAQ, start=1)
    ]


# ---------------------------------------------------------------------------------------------


# Modules beside this script that write more of the example site: write_all(root, org, sales, rng) -> counts.
EXTRA_MODULES = [name for name in ("example_supervision", "example_development", "example_registers")
                 if (Path(__file__).parent / f"{name}.py").exists()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="where to write data/ and content/")
    root = parser.parse_args(argv).root

    rng = random.Random(SEED)
    org = build_org(rng)
    sales = make_sales(rng, org)
    targets = make_targets(rng, org, sales)
    tracking = make_tracking(rng, org, sales)

    counts = {
        "data/units.csv": write_units(root, org),
        "data/people.csv": write_people(root, org),
        "data/sales.csv": write_sales(root, sales),
        "data/targets.xlsx": write_targets(root, targets),
        "data/tracking.csv": write_tracking(root, tracking),
        "content/notices": write_collection(root, "notices", list(NOTICES)),
        "content/battle": write_collection(root, "battle", BattleReports(org, sales, targets).make()),
        "content/faq": write_collection(root, "faq", faq_entries()),
        "content/campaigns": write_collection(root, "campaigns", list(CAMPAIGNS)),
    }
    # Further datasets come from modules of their own, each with its own random stream so that adding
    # one never changes the files above.
    for offset, module in enumerate(EXTRA_MODULES, start=1):
        extra = importlib.import_module(module)
        counts.update(extra.write_all(root, org, sales, random.Random(SEED + offset)))
    for name, count in counts.items():
        print(f"{name}: {count}")


if __name__ == "__main__":
    main()
