"""Training, performance talks, awards and resource flow: pages, warning lists, board, person pages and screens.

One fixture site (the baseline plus the four datasets) is planned and its pages rendered once; the
expected lists are worked out by hand below from the fixture rows, each with the rows that sit just
inside and just outside a threshold.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import AS_OF, BASELINE, html, texts, write_files
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.commands.build import template_globals
from generator.metrics.development import (
    current_awards,
    resource_batches,
    stale_resource_tables,
    talk_coverage,
    talk_period,
    teams_to_train,
    training_by_unit,
    training_sessions,
)
from generator.metrics.kpis import unit_tree
from generator.model import Site, load_site
from generator.pages import plan_site
from generator.render import Renderer

# The baseline's people: P001 manager (head of HQ), P002 supervisor (head of T1), P003 agent T1,
# P004 agent T2 (T2 has no head), P005 tracker. Added: P006 left T1 on 1 March, P007 joins T2 after the
# as-of date (5 March 2026), P008 agent T1.
PEOPLE = BASELINE["data/people.csv"] + """\
P006,孙离职,T1,业务员,业务员,2021-05-01,2026-03-01,13800000006
P007,周未到,T2,业务员,见习,2026-03-10,,13800000007
P008,吴业务,T1,业务员,业务员,2022-07-01,,13800000008
"""

# Standard: 2 sessions a month, low under 3.5. March: T1 holds 2 (meets, boundary), T2 holds 1 (below);
# T2's 6 March session is after the as-of date. HQ's session has no standard. February: T1 1, T2 0.
TRAINING = """\
日期,单位编码,讲师,主题,实到,应到,评分,后续计划
2026-02-10,T1,P002,二月产品复训,4,5,4.5,
2026-03-01,HQ,P001,三月开门红动员,9,10,4.8,
2026-03-02,T1,P002,异议处理,5,6,3.5,
2026-03-04,T1,P003,签单案例分享,3,4,3.4,下周三二次培训
2026-03-03,T2,P002,电话约访话术,1,1,4,
2026-03-06,T2,P002,未来的培训,1,1,2,
"""

# Monthly cadence: the period is 1–31 March, counted to 5 March.
TALKS = """\
日期,主管,员工,主题,记录
2026-02-28,P002,P008,二月回顾,上月的谈话
2026-03-01,P002,P003,月度业绩回顾,本月第一天
2026-03-05,P002,P004,新人辅导,由一组主管代谈
2026-03-06,P001,P002,主管谈话,在截止日之后
2026-02-15,P002,P006,离职前谈话,
"""
# (supervisor, person); supervisors in the order of the units they head: P001 (HQ) before P002 (T1)
EXPECTED_MISSING = [("张经理", "李主管"), ("李主管", "吴业务")]
NOT_MISSING = {"王业务", "赵新人", "孙离职", "周未到", "张经理", "钱督办"}

# Receipt within 2 days; tables updated within 7 days.
RESOURCES = """\
编号,类型,数量,移交人,接收人,分配日期,接收日期,状态,更新日期
R1,电销名单,10,P005,P003,2026-03-03,,待接收,
R2,电销名单,20,P005,P008,2026-03-02,,待接收,
R3,转介绍名单,30,P002,P003,2026-02-20,2026-02-21,跟进中,2026-02-26
R4,孤儿单客户,40,P006,P008,2026-02-10,2026-02-11,跟进中,2026-02-25
R5,电销名单,50,P005,P004,2026-03-06,,待接收,
R6,电销名单,60,P005,P006,2026-01-20,2026-02-01,跟进中,
R7,续期客户,70,P002,P004,2026-03-01,2026-03-06,已接收,
"""
EXPECTED_UNRECEIVED = ["R7", "R2"]  # waited 4 and 3 days; R1 waited 2 (the limit), R5 is after the as-of date
EXPECTED_STALE = [("吴业务", "R4", "8")]  # R3 last updated 7 days ago (the limit); R6's owner has left

AWARDS = """\
月份,工号,奖项
2026-03,P003,最佳业务员
2026-02,P002,月度之星
2026-01,P004,最佳新人
2026-04,P008,未来之星
"""

SCREENS = """
[[screens]]
name = "hall"
slides = ["awards"]
"""

FILES = {
    "site.toml": BASELINE["site.toml"] + SCREENS,
    "data/people.csv": PEOPLE,
    "data/training.csv": TRAINING,
    "data/talks.csv": TALKS,
    "data/resources.csv": RESOURCES,
    "data/awards.csv": AWARDS,
}


def render(site: Path, folder: Path) -> Path:
    """Plan the site and render the pages these tests read, with their CSVs, into folder (no charts, no full build)."""
    loaded = load_site(site, today=AS_OF, as_of=AS_OF)
    plan = plan_site(loaded)
    renderer = Renderer(loaded.root, loaded.locale, template_globals(loaded, plan))
    wanted = ("index.html", "training/", "talks/", "resources/", "warnings/", "people/", "screen/hall/")
    outputs = [renderer.render(p) for p in plan.pages if p.path.startswith(wanted)]
    outputs += [f for f in plan.files if f.path.startswith(wanted)]
    for item in outputs:
        path = folder / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(item.data)
    return folder


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("development")
    write_files(site, {**BASELINE, **FILES})
    return render(site, site / "output")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The fixture site read and checked, without building it: for the metrics alone."""
    site = tmp_path_factory.mktemp("development-inputs")
    write_files(site, {**BASELINE, **FILES})
    return load_site(site, today=AS_OF, as_of=AS_OF)


def rows(tree: HTMLParser, selector: str) -> list[list[str]]:
    """The cells of each body row of a table, as text."""
    return [[" ".join(cell.text(separator=" ").split()) for cell in tr.css("th, td")]
            for tr in tree.css(f"{selector} tbody tr")]


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


# --- metrics (no build) ---------------------------------------------------------------------


def test_fixture_inputs_are_clean(loaded: Site) -> None:
    assert [p.message for p in loaded.problems] == []


def test_training_metrics(loaded: Site) -> None:
    tables = loaded.tables
    tree = unit_tree(tables["units"])
    sessions = training_sessions(tables["training"], AS_OF, 3.5)
    assert list(sessions["topic"][sessions["low"]]) == ["签单案例分享"]
    assert teams_to_train(tables["units"], tables["people"], tree, AS_OF) == ["T1", "T2"]
    by_unit = training_by_unit(sessions, ["T1", "T2"], tree, AS_OF, 2)
    below = by_unit[by_unit["below"]]
    assert sorted(zip(below["month"], below["unit"])) == [("2026-02", "T1"), ("2026-02", "T2"), ("2026-03", "T2")]
    # with a standard of 1, T2's single March session meets it
    by_unit = training_by_unit(sessions, ["T1", "T2"], tree, AS_OF, 1)
    below = by_unit[by_unit["below"]]
    assert sorted(zip(below["month"], below["unit"])) == [("2026-02", "T2")]


def test_talk_coverage_metrics(loaded: Site) -> None:
    tables = loaded.tables
    tree = unit_tree(tables["units"])
    coverage = talk_coverage(tables["people"], tables["units"], tree, tables["talks"], AS_OF, "monthly")
    assert dict(zip(coverage["person"], coverage["supervisor"])) == {
        "P002": "P001", "P003": "P002", "P004": "P001", "P008": "P002"}
    assert sorted(coverage["person"][~coverage["talked"]]) == ["P002", "P008"]
    # a day later the 6 March talk counts
    later = talk_coverage(tables["people"], tables["units"], tree, tables["talks"], dt.date(2026, 3, 6), "monthly")
    assert sorted(later["person"][~later["talked"]]) == ["P008"]


def test_resource_metrics(loaded: Site) -> None:
    resources, people = loaded.tables["resources"], loaded.tables["people"]
    batches = resource_batches(resources, AS_OF, 2)
    assert dict(zip(batches["id"], batches["state"])) == {
        "R1": "pending", "R2": "overdue", "R3": "received", "R4": "received", "R6": "received", "R7": "overdue"}
    assert [(s.owner, s.batches, s.days) for s in stale_resource_tables(batches, people, AS_OF, 7)] == \
        [("P008", ["R4"], 8)]
    # one day looser on each rule: R2 waited 3 days and R4 was updated 8 days ago
    looser = resource_batches(resources, AS_OF, 3)
    assert list(looser["id"][looser["state"] == "overdue"]) == ["R7"]
    assert stale_resource_tables(looser, people, AS_OF, 8) == []


def test_current_awards(loaded: Site) -> None:
    awards = current_awards(loaded.tables["awards"], AS_OF)
    assert list(zip(awards["month"], awards["person"])) == [("2026-03", "P003"), ("2026-02", "P002")]
    # in January, only January's award (and none from December) is current
    january = current_awards(loaded.tables["awards"], dt.date(2026, 1, 31))
    assert list(january["person"]) == ["P004"]


# --- training -------------------------------------------------------------------------------


def test_training_units_below_the_standard_are_flagged(out: Path) -> None:
    page = html(out / "training/index.html")
    by_unit = {(r[0], r[1]): r for r in rows(page, "#training-units")}
    # (unit, month): sessions, standard, status
    assert by_unit["一组", "2026-03"][2:4] == ["2", "2"]
    assert by_unit["一组", "2026-03"][-1] == "达标"
    assert by_unit["二组", "2026-03"][2:4] == ["1", "2"]
    assert by_unit["二组", "2026-03"][-1] == "未达标（差 1 场）"
    assert by_unit["二组", "2026-02"][2] == "0" and by_unit["二组", "2026-02"][-1] == "未达标（差 2 场）"
    assert by_unit["一组", "2026-02"][-1] == "未达标（差 1 场）"
    # HQ is not a team: shown with its session, held to no standard
    assert by_unit["测试分公司", "2026-03"][2:4] == ["1", "—"]
    flagged = [" ".join(" ".join(tr.text(separator=" ").split()).split()[:2])
               for tr in page.css("#training-units tbody tr.flag")]
    assert sorted(flagged) == ["一组 2026-02", "二组 2026-02", "二组 2026-03"]
    # attendance 8 of 10 = 80%, average score (3.5 + 3.4) / 2 = 3.45
    assert by_unit["一组", "2026-03"][4:8] == ["8", "10", "80.0%", "3.45"]


def test_training_low_sessions_and_plans(out: Path) -> None:
    page = html(out / "training/index.html")
    low = rows(page, "#training-low")
    assert [r[3] for r in low] == ["签单案例分享"]  # 3.4 is under 3.5; 3.5 itself is not
    assert low[0][-1] == "下周三二次培训"
    sessions = rows(page, "#training-sessions")
    topics = [r[3] for r in sessions]
    assert "未来的培训" not in topics  # after the as-of date
    assert sorted(topics) == sorted(["二月产品复训", "三月开门红动员", "异议处理", "签单案例分享", "电话约访话术"])
    by_topic = {r[3]: r for r in sessions}
    assert by_topic["异议处理"][-1] == "—" and by_topic["异议处理"][-2] == "—"
    assert by_topic["签单案例分享"][2] == "王业务"  # the trainer by name
    table = read_csv(out / "training/training-sessions.csv")
    assert {r["topic"]: r["score"] for r in table}["签单案例分享"] == "3.4"


def test_training_by_trainer(out: Path) -> None:
    page = html(out / "training/index.html")
    march = [r for r in rows(page, "#training-trainers") if r[1] == "2026-03"]
    # P002 trained T1 once and T2 once in March (the 6 March session is after the as-of date)
    assert march[0][:4] == ["李主管", "2026-03", "一组、二组", "2"]
    assert {r[0] for r in march} == {"李主管", "张经理", "王业务"}


def test_board_counts_training(out: Path) -> None:
    items = texts(html(out / "index.html"), ".alert-list li")
    assert "本月培训场次 4" in items
    assert "培训场次未达标团队 1" in items
    assert "本月低分培训 1" in items


# --- talks ----------------------------------------------------------------------------------


def test_missing_talks_in_warnings(out: Path) -> None:
    page = html(out / "warnings/index.html")
    listed = [(r[0], r[1]) for r in rows(page, "#talks-missing")]
    assert listed == EXPECTED_MISSING
    assert not NOT_MISSING & {person for _, person in listed}
    # 吴业务's last talk was 28 February: 5 days before 5 March
    assert rows(page, "#talks-missing")[1][3:5] == ["2月28日", "5"]
    assert rows(page, "#talks-missing")[0][3:5] == ["—", "—"]  # 李主管 has had no talk up to 5 March
    table = read_csv(out / "warnings/talks-missing.csv")
    assert [(r["supervisor"], r["person"]) for r in table] == [("P001", "P002"), ("P002", "P008")]
    assert "本期未进行绩效谈话 2" in texts(html(out / "index.html"), ".alert-list li")


def test_talks_page_by_supervisor(out: Path) -> None:
    page = html(out / "talks/index.html")
    summary = {r[0]: r for r in rows(page, "#talks-supervisors")}
    # P001 heads HQ: P002 (head of T1) and P004 (T2 has no head); P002: P003 and P008
    assert summary["张经理"][2:6] == ["2", "1", "1", "50.0%"]
    assert summary["李主管"][2:6] == ["2", "1", "1", "50.0%"]
    group = {r[0]: r for r in rows(page, "#talks-sup-P002-people")}
    assert set(group) == {"王业务", "吴业务"}
    assert group["王业务"][2:4] == ["已谈", "3月1日"]  # the period's first day counts
    assert group["吴业务"][2] == "未谈"
    manager = {r[0]: r for r in rows(page, "#talks-sup-P001-people")}
    assert manager["赵新人"][2:5] == ["已谈", "3月5日", "李主管"]  # held by someone else: still counts
    assert manager["李主管"][2] == "未谈"  # the 6 March talk is after the as-of date
    everyone = read_csv(out / "talks/talks-people.csv")
    assert sorted(r["person"] for r in everyone) == ["P002", "P003", "P004", "P008"]
    log = [r[2] for r in rows(page, "#talks-log")]
    assert log == ["赵新人", "王业务"]


def test_talk_periods() -> None:
    thursday = dt.date(2026, 3, 5)
    assert talk_period(thursday, "monthly") == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert talk_period(thursday, "weekly") == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert talk_period(thursday, "2/month") == (dt.date(2026, 3, 1), dt.date(2026, 3, 15))
    assert talk_period(dt.date(2026, 2, 16), "2/month") == (dt.date(2026, 2, 16), dt.date(2026, 2, 28))
    assert talk_period(dt.date(2026, 3, 15), "2/month") == (dt.date(2026, 3, 1), dt.date(2026, 3, 15))


def test_weekly_cadence_and_absent_datasets(tmp_path: Path) -> None:
    # Weekly: the week of 5 March starts on Monday 2 March, so 王业务's Sunday 1 March talk no longer counts.
    # Without training, resources and awards files, their pages and lists are left out.
    site = tmp_path / "site"
    toml = BASELINE["site.toml"].replace("big_order = 50000", 'big_order = 50000\ntalk_cadence = "weekly"')
    write_files(site, {**BASELINE, "site.toml": toml, "data/people.csv": PEOPLE, "data/talks.csv": TALKS})
    out = render(site, tmp_path / "output")
    listed = [(r[0], r[1]) for r in rows(html(out / "warnings/index.html"), "#talks-missing")]
    assert listed == [("张经理", "李主管"), ("李主管", "王业务"), ("李主管", "吴业务")]
    assert not (out / "training").exists() and not (out / "resources").exists()
    board = html(out / "index.html")
    assert not board.css(".awards-panel")
    assert not [i for i in texts(board, ".alert-list li") if "资源" in i or "培训" in i]


# --- resources ------------------------------------------------------------------------------


def test_unreceived_and_stale_resources_in_warnings(out: Path) -> None:
    page = html(out / "warnings/index.html")
    unreceived = rows(page, "#resources-unreceived")
    assert [r[0] for r in unreceived] == EXPECTED_UNRECEIVED
    assert [r[6] for r in unreceived] == ["4", "3"]  # days waited
    stale = rows(page, "#resources-stale")
    assert [(r[0], r[2], r[5]) for r in stale] == EXPECTED_STALE
    items = texts(html(out / "index.html"), ".alert-list li")
    assert "资源超期未接收 2" in items and "资源表超期未更新 1" in items


def test_resources_by_owner_and_flow(out: Path) -> None:
    page = html(out / "resources/index.html")
    owners = read_csv(out / "resources/resources-owners.csv")
    by_owner = {r["owner"]: r for r in owners}
    # P003: R1 (10, pending) and R3 (30, received); P008: R2 (20, overdue) and R4 (40, received);
    # P004: R7 (70, received after the as-of date: outstanding, overdue); R5 is after the as-of date.
    assert {k: by_owner["P003"][k] for k in ("batches", "assigned", "received", "outstanding", "overdue")} == \
        {"batches": "2", "assigned": "40", "received": "30", "outstanding": "10", "overdue": "0"}
    assert {k: by_owner["P008"][k] for k in ("assigned", "received", "outstanding", "overdue")} == \
        {"assigned": "60", "received": "40", "outstanding": "20", "overdue": "1"}
    assert {k: by_owner["P004"][k] for k in ("assigned", "received", "outstanding", "overdue")} == \
        {"assigned": "70", "received": "0", "outstanding": "70", "overdue": "1"}
    assert by_owner["P005"]["handed_out"] == "90"  # R1 10 + R2 20 + R6 60 (R5 is after the as-of date)
    flow = {r[0]: r for r in rows(page, "#resources-flow")}
    assert sorted(flow) == ["R1", "R2", "R3", "R4", "R6", "R7"]
    assert flow["R4"][2:5] == ["孙离职", "吴业务", "40"]
    assert flow["R1"][8] == "待接收" and flow["R2"][8] == "超期未接收" and flow["R3"][8] == "已接收"
    assert texts(page, ".tile dd") == ["3", "100", "2", "1"]  # R1, R2, R7 not received: 10 + 20 + 70


# --- awards ---------------------------------------------------------------------------------


def test_awards_on_the_board(out: Path) -> None:
    panel = texts(html(out / "index.html"), ".awards-panel li")
    # current: March (the as-of month) and February; January's and April's are not
    assert panel == ["最佳业务员 王业务 一组 · 2026年3月", "月度之星 李主管 一组 · 2026年2月"]


def test_awards_on_person_pages(out: Path) -> None:
    assert texts(html(out / "people/P004/index.html"), ".awards-panel li") == ["最佳新人 2026年1月"]
    assert texts(html(out / "people/P003/index.html"), ".awards-panel li") == ["最佳业务员 2026年3月"]
    assert not html(out / "people/P008/index.html").css(".awards-panel")  # April is after the as-of month


def test_awards_on_the_screen(out: Path) -> None:
    slide = html(out / "screen/hall/index.html").css_first('.slide[data-kind="awards"]')
    assert slide is not None
    # the latest month's awards
    items = [" ".join(li.text(separator=" ").split()) for li in slide.css("li")]
    assert items == ["最佳业务员 · 王业务 一组 · 2026年3月"]
