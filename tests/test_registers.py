"""The supervision registers: receivables ageing, watch list, overdue payments; after-sales times; projects by
cycle; follow-up cadence (what is overdue and what is not, at the boundaries); the warning rule and the pages.

Expected values are worked out by hand from the fixture rows below (as of 2026-03-05, the baseline's as-of).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import AS_OF, texts

from generator.commands.build import template_globals
from generator.config.load import parse_config
from generator.metrics import registers as reg
from generator.model import load_site
from generator.pages import plan_site
from generator.render import Renderer

D = dt.date
# As of 2026-03-05: 3 calendar months back is 2025-12-05, 6 months back 2025-09-05.
RECEIVABLES = """\
编号,客户,负责人,类型,开票日期,到期日,金额,已回款,最近跟进
R1,杭州甲科技有限公司,P002,已开票,2025-12-05,2026-03-04,"¥120,000.00",20000,2026-02-18
R2,宁波乙物流有限公司,P002,已开票,2025-12-04,2026-04-01,50000,0,2026-02-17
R3,绍兴丙纺织有限公司,P003,质保,2025-09-05,2026-03-05,30000,5000,
R4,嘉兴丁食品有限公司,P003,预付款,,2025-09-04,80000,0,2026-03-01
R5,湖州戊家居有限公司,P001,售中,2026-01-10,2026-02-10,99999,0,2026-03-05
R6,温州己电器有限公司,P001,已开票,2025-06-01,2025-09-01,40000,40000,2025-10-01
R7,义乌庚贸易有限公司,P002,售中,,,10000,0,2026-03-05
"""
# outstanding: R1 100000 (within 3: exactly 3 months old), R2 50000 (3–6: one day older), R3 25000 (3–6: exactly
# 6 months), R4 80000 (over 6, aged by its due date 2025-09-04), R5 99999 (within 3), R6 0 (paid), R7 10000 (no date).

AFTERSALES = """\
编号,客户,负责人,登记日期,原因,状态,解决日期,责任判定,最近跟进
A1,甲公司,P002,2026-02-01,理赔时效,已解决,2026-02-11,内勤,
A2,乙公司,P002,2026-02-10,理赔时效,已解决,2026-02-14,业务员,
A3,丙公司,P003,2026-02-20,发票错误,已解决,2026-02-21,内勤,
A4,丁公司,P003,2026-02-25,发票错误,处理中,,,2026-03-01
A5,戊公司,P001,2026-03-01,理赔时效,处理中,,,2026-02-28
A6,己公司,P001,2026-01-05,名单变更,已解决,,客户,
"""
# closed with times: A1 10 days, A2 4, A3 1; A6 closed without a date. Open: A4 (4 days since follow-up: at the
# 2/week limit of 4, not overdue), A5 (5 days: overdue by 1).

PROJECTS = """\
编号,项目名称,负责人,开始日期,预计结束,阶段,下一节点,节点日期,更新日期
J1,甲团险项目,P002,2026-01-10,2026-04-10,方案,签约,2026-03-10,2026-03-01
J2,乙团险项目,P002,2026-01-10,2026-04-11,方案,签约,2026-03-10,2026-02-27
J3,丙年金项目,P003,2026-01-10,2026-07-10,报价,报价,2026-03-20,2026-02-26
J4,丁年金项目,P003,2026-01-10,2026-07-11,报价,报价,2026-03-20,2026-02-01
J5,戊保障项目,P001,2025-12-01,,调研,走访,2026-03-02,2026-02-01
J6,己完成项目,P001,2025-10-01,2025-12-01,已完成,,,2025-12-01
"""
# cycles: J1 exactly 3 months -> short; J2 one day more -> medium; J3 exactly 6 -> medium; J4 -> long; J5 unknown.
# J1 short (2/week: 4 days) last 03-01: 4 days, not overdue. J2 medium (weekly: 7) last 02-27: 6 days, not overdue.
# J3 medium last 02-26: 7 days, at the limit. J4 long (monthly: 31) last 02-01: 32 days, overdue by 1.
# J5 unknown (long cadence) last 02-01: overdue by 1. J6 closed: never listed.

LEADS = """\
编号,负责人,阶段,创建日期,更新日期,下一步,节点日期,预计金额
L1,P002,需求调研,2026-02-01,2026-03-04,约访,2026-03-06,50000
L2,P002,方案制作,2026-02-01,2026-03-03,出方案,2026-03-01,80000
L3,P003,已成交,2026-01-01,2026-01-15,出单,,30000
L4,P003,初次接触,2026-03-05,,确认联系人,2026-03-07,10000
L5,P001,初次接触,2026-03-03,,寄资料,2026-03-08,10000
"""
# daily (1 day): L1 1 day, at the limit; L2 2 days, overdue by 1; L3 won: not followed; L4 created today, never
# followed up, 0 days; L5 never followed up, 2 days since creation: overdue by 1.

FOLLOWUPS = """\
编号,事项,负责人,截止日期,状态,最近跟进
F1,资源大表更新,P005,2026-03-10,进行中,2026-02-26
F2,场地预订,P005,2026-03-01,进行中,2026-02-25
F3,名单清理,P002,2026-03-20,进行中,
F4,报告提交,P002,2026-02-20,已完成,2026-01-01
"""
# weekly (7): F1 7 days, at the limit; F2 8 days, overdue by 1 and past due by 4; F3 never, overdue without a count;
# F4 done: never listed.

FILES = {
    "data/receivables.csv": RECEIVABLES, "data/aftersales.csv": AFTERSALES, "data/projects.csv": PROJECTS,
    "data/leads.csv": LEADS, "data/followups.csv": FOLLOWUPS,
}


@pytest.fixture(scope="module")
def registers_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import BASELINE, write_files

    root = tmp_path_factory.mktemp("registers")
    write_files(root, {**BASELINE, **FILES})
    return root


@pytest.fixture(scope="module")
def loaded(registers_site: Path):
    site = load_site(registers_site, today=AS_OF)
    assert site.errors == []
    return site


@pytest.fixture(scope="module")
def rendered(loaded) -> dict[str, bytes]:
    """The register pages, their CSVs and the warnings page, rendered (without the rest of the build)."""
    plan = plan_site(loaded)
    renderer = Renderer(loaded.root, loaded.locale, template_globals(loaded, plan))
    wanted = ("receivables/", "aftersales/", "leads/", "projects/", "followups/", "warnings/")
    out = {p.path: renderer.render(p).data for p in plan.pages if p.path.startswith(wanted)}
    out.update({f.path: f.data for f in plan.files if f.path.startswith(wanted)})
    out["index.html"] = renderer.render(plan.pages[0]).data
    return out


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def tree(data: bytes):
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(data.decode("utf-8"))


# --- pure rules -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2026, 3, 5), -3, D(2025, 12, 5)), (D(2026, 5, 31), -3, D(2026, 2, 28)), (D(2024, 5, 31), -3, D(2024, 2, 29)),
    (D(2026, 1, 31), 1, D(2026, 2, 28)), (D(2025, 11, 30), 3, D(2026, 2, 28)), (D(2026, 3, 5), 6, D(2026, 9, 5)),
])
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected) -> None:
    assert reg.add_months(day, months) == expected


def test_age_buckets_at_their_boundaries() -> None:
    assert reg.age_bucket(D(2025, 12, 5), AS_OF) == "within_3"  # exactly 3 months old
    assert reg.age_bucket(D(2025, 12, 4), AS_OF) == "3_to_6"
    assert reg.age_bucket(D(2025, 9, 5), AS_OF) == "3_to_6"  # exactly 6 months old
    assert reg.age_bucket(D(2025, 9, 4), AS_OF) == "over_6"
    assert reg.age_bucket(None, AS_OF) == "no_date"


def test_cadence_days_and_the_limit_itself_is_not_overdue() -> None:
    assert reg.CADENCE_DAYS == {"daily": 1, "2/week": 4, "weekly": 7, "2/month": 15, "monthly": 31}
    at_limit = reg.follow_up("leads", "X", "x", "P1", AS_OF - dt.timedelta(days=15), None, "2/month", AS_OF)
    past = reg.follow_up("leads", "Y", "y", "P1", AS_OF - dt.timedelta(days=16), None, "2/month", AS_OF)
    assert (at_limit.overdue, at_limit.days_overdue) == (False, 0)
    assert (past.overdue, past.days_overdue) == (True, 1)


def test_cadence_config_defaults_and_validation() -> None:
    config, problems = parse_config("")
    assert config["cadence"] == {"receivables": "2/month", "receivables_invoiced": "2/week",
                                 "receivables_large": "weekly", "aftersales": "2/week", "leads": "daily",
                                 "projects_short": "2/week", "projects_medium": "weekly", "projects_long": "monthly",
                                 "followups": "weekly"}
    assert config["rules"]["receivable_large"] == 100000
    config, problems = parse_config('[cadence]\nleads = "2/weeks"\n')
    assert [p.column for p in problems] == ["cadence.leads"]
    assert '"2/weeks" is not allowed' in problems[0].message and 'did you mean "2/week"' in problems[0].message
    assert config["cadence"]["leads"] == "daily"  # falls back to the default


def test_every_register_is_declared_once_and_whole() -> None:
    """The one table (metrics/registers.py REGISTERS) names a dataset, [cadence] options, wording and a page
    builder that all exist; the configuration and the site's sections take their register parts from it."""
    from generator import pages
    from generator.config.schema import SCHEMA, SECTIONS
    from generator.i18n import translator
    from generator.inputs.schemas import DATASETS
    from generator.pages import registers as register_pages

    names = [r.name for r in reg.REGISTERS]
    assert len(set(names)) == len(names) and set(names) <= set(SECTIONS)
    keys = [c.key for r in reg.REGISTERS for c in r.cadences]
    assert list(SCHEMA.options["cadence"].options) == keys
    assert all(c.default in reg.CADENCE_DAYS for r in reg.REGISTERS for c in r.cadences)
    assert all(r.dataset in DATASETS for r in reg.REGISTERS)
    builders = register_pages.builders()
    assert [pages.builder_name(b) for b in builders] == [
        f"generator.pages.registers.{r.page}" for r in reg.REGISTERS]
    assert all(b in pages.SECTIONS for b in builders)
    for locale in ("zh-CN", "en"):
        t = translator(locale)
        for r in reg.REGISTERS:
            assert t(r.label) and t(r.title) and t(r.intro, cadence="-", short="-", medium="-", long="-")


# --- receivables ------------------------------------------------------------------------------------------------


def test_ageing_by_kind_and_the_buckets_sum_to_the_outstanding(loaded) -> None:
    rows = reg.receivable_rows(loaded.tables["receivables"], loaded.as_of)
    ageing = {(a["kind"] if not a["total_row"] else "total"): a for a in reg.ageing(rows)}
    total = ageing["total"]
    assert (total["within_3"], total["3_to_6"], total["over_6"], total["no_date"]) == (199999, 75000, 80000, 10000)
    assert total["outstanding"] == 100000 + 50000 + 25000 + 80000 + 99999 + 10000
    for entry in ageing.values():
        assert sum(entry[b] for b in reg.BUCKETS) == entry["outstanding"]
    assert ageing["invoiced"]["within_3"] == 100000 and ageing["invoiced"]["3_to_6"] == 50000
    assert ageing["prepayment"]["over_6"] == 80000  # aged by its due date: no invoice date
    assert ageing["warranty"]["3_to_6"] == 25000
    assert ageing["in-sale"]["within_3"] == 99999 and ageing["in-sale"]["no_date"] == 10000
    assert ageing["invoiced"]["count"] == 2  # R6 is paid in full and counts for nothing


def test_watch_list_overdue_payments_and_totals(loaded) -> None:
    rows = reg.receivable_rows(loaded.tables["receivables"], loaded.as_of)
    assert [r["id"] for r in reg.large_receivables(rows, 100000)] == ["R1"]  # R5 is 99,999: below
    assert [r["id"] for r in reg.large_receivables(rows, 80000)] == ["R1", "R5", "R4"]
    # past due: R1 (03-04), R5 (02-10), R4 (2025-09-04); R3 is due today, R6 is paid, R7 has no due date
    assert [(r["id"], r["days_past_due"]) for r in reg.overdue_payments(rows)] == [
        ("R4", 182), ("R5", 23), ("R1", 1)]
    totals = reg.receivable_totals(rows)
    assert totals["outstanding"] == 364999 and totals["overdue"] == 80000 + 99999 + 100000
    assert totals["open"] == 6


def test_receivables_overdue_for_follow_up(loaded) -> None:
    rows = reg.receivable_rows(loaded.tables["receivables"], loaded.as_of)
    same = {"receivables": "2/month", "receivables_invoiced": "2/month", "receivables_large": "2/month",
            "receivable_large": 100000}
    found = {f.id: f for f in reg.receivable_followups(rows, same, loaded.as_of)}
    assert "R6" not in found  # paid: nothing to follow up
    assert found["R1"].days_since == 15 and not found["R1"].overdue  # exactly at the limit
    assert found["R2"].days_overdue == 1
    # never followed up: counts from the invoice date (2025-09-05), 181 days
    assert found["R3"].never and found["R3"].days_since == 181 and found["R3"].overdue
    assert [f.id for f in reg.overdue_only(found.values())] == ["R2", "R3"]


@pytest.mark.parametrize(("large", "expected"), [
    # R1 (invoiced, 100,000 outstanding, 15 days) and R2 (invoiced, 50,000, 16 days) on the invoiced 2/week (4 days);
    # R5 (in-sale, 99,999, followed up today) and R4 (prepayment, 80,000, 4 days) are within any cadence
    (100000, {"R1": ("2/week", 11), "R2": ("2/week", 12), "R3": ("2/month", 166)}),
    # at 25,000 R3 (warranty, 25,000 outstanding, never followed up) is a large amount: weekly
    (25000, {"R1": ("2/week", 11), "R2": ("2/week", 12), "R3": ("weekly", 174)}),
    # just above it, R3 is not
    (25000.01, {"R1": ("2/week", 11), "R2": ("2/week", 12), "R3": ("2/month", 166)}),
])
def test_receivables_on_the_shortest_cadence_that_applies(loaded, large, expected) -> None:
    rows = reg.receivable_rows(loaded.tables["receivables"], loaded.as_of)
    settings = {**reg.REGISTER["receivables"].cadence(loaded.config["cadence"], {"receivable_large": large})}
    found = reg.overdue_only(reg.receivable_followups(rows, settings, loaded.as_of))
    assert {f.id: (f.cadence, f.days_overdue) for f in found} == expected


# --- after-sales, projects, leads, follow-ups -------------------------------------------------------------------


def test_time_to_resolution_by_reason_and_responsibility(loaded) -> None:
    rows = reg.aftersales_rows(loaded.tables["aftersales"], loaded.as_of)
    by_reason = {r["reason"]: r for r in reg.resolution_by(rows, "reason")}
    assert by_reason["理赔时效"] == {"reason": "理赔时效", "open": 1, "closed": 2, "average": 7.0, "longest": 10,
                                  "no_time": 0}
    assert by_reason["发票错误"]["average"] == 1.0 and by_reason["发票错误"]["open"] == 1
    assert by_reason["名单变更"]["average"] is None and by_reason["名单变更"]["no_time"] == 1
    by_resp = {r["responsibility"]: r for r in reg.resolution_by(rows, "responsibility")}
    assert by_resp["内勤"]["average"] == 5.5 and by_resp["内勤"]["longest"] == 10
    assert by_resp[None]["open"] == 2
    found = reg.overdue_only(reg.aftersales_followups(rows, "2/week", loaded.as_of))
    assert [(f.id, f.days_overdue) for f in found] == [("A5", 1)]  # A4 is at the limit of 4 days


def test_projects_grouped_by_cycle_and_their_cadence(loaded) -> None:
    rows = {r["id"]: r for r in reg.project_rows(loaded.tables["projects"], loaded.as_of)}
    assert {k: r["cycle"] for k, r in rows.items()} == {
        "J1": "short", "J2": "medium", "J3": "medium", "J4": "long", "J5": "unknown", "J6": "short"}
    found = reg.project_followups(list(rows.values()), loaded.config["cadence"], loaded.as_of)
    assert {f.id: f.cadence for f in found} == {"J1": "2/week", "J2": "weekly", "J3": "weekly", "J4": "monthly",
                                               "J5": "monthly"}
    assert [(f.id, f.days_overdue) for f in reg.overdue_only(found)] == [("J5", 1), ("J4", 1)]


def test_leads_and_one_off_items_overdue(loaded) -> None:
    leads = reg.lead_rows(loaded.tables["leads"], loaded.as_of)
    found = reg.overdue_only(reg.lead_followups(leads, "daily", loaded.as_of))
    assert [(f.id, f.days_overdue, f.never) for f in found] == [("L5", 1, True), ("L2", 1, False)]
    assert [r["id"] for r in leads if r["node_passed"]] == ["L2"]
    items = reg.followup_rows(loaded.tables["followups"], loaded.as_of)
    found = reg.overdue_only(reg.item_followups(items, "weekly", loaded.as_of))
    assert [(f.id, f.days_overdue) for f in found] == [("F3", None), ("F2", 1)]
    assert [(r["id"], r["past_due"]) for r in items if r["past_due"] is not None] == [("F2", 4)]


# --- pages ------------------------------------------------------------------------------------------------------


EXPECTED_OVERDUE = {  # (register label, item id) -> days overdue, across every register
    ("回款", "R1"): "11", ("回款", "R2"): "12", ("回款", "R3"): "166", ("售后", "A5"): "1", ("项目", "J4"): "1",
    ("项目", "J5"): "1", ("销线", "L2"): "1", ("销线", "L5"): "1", ("单件事项", "F2"): "1", ("单件事项", "F3"): "",
}


def test_warning_rule_lists_every_overdue_item_and_nothing_else(rendered) -> None:
    rows = read_csv(rendered["warnings/register-followups.csv"])
    assert {(r["register"], r["id"]): r["days_overdue"] for r in rows} == EXPECTED_OVERDUE
    assert [r["owner"] for r in rows] == sorted(r["owner"] for r in rows)  # by owner
    page = tree(rendered["warnings/index.html"])
    assert any("督办台账逾期未跟进" in text for text in texts(page, "h2"))


def test_receivables_page_shows_the_numbers_and_its_csvs(rendered) -> None:
    page = tree(rendered["receivables/index.html"])
    tiles = dict(zip(texts(page, ".tile dt"), texts(page, ".tile dd"), strict=True))
    assert tiles["总欠款"] == "36.5万" and tiles["大额款项"] == "1"
    assert [r["id"] for r in read_csv(rendered["receivables/large-table.csv"])] == ["R1"]
    ageing = read_csv(rendered["receivables/ageing-table.csv"])
    assert ageing[-1]["outstanding"] == "364999" and ageing[-1]["no_date"] == "10000"
    overdue = read_csv(rendered["receivables/overdue-followups.csv"])
    assert [(r["owner"], r["id"]) for r in overdue] == [("P002", "R2"), ("P002", "R1"), ("P003", "R3")]
    # the shared sub-navigation links every register and marks this one
    assert texts(page, "nav.subnav a") == ["回款", "售后", "销线", "项目", "单件事项"]
    assert texts(page, "nav.subnav a[aria-current=page]") == ["回款"]


def test_one_navigation_entry_for_the_registers(rendered) -> None:
    page = tree(rendered["projects/index.html"])
    entries = texts(page, "header nav a")
    assert entries.count("督办台账") == 1 and "回款" not in entries
    assert texts(page, "header nav a[aria-current=page]") == ["督办台账"]
    assert [node.attributes["href"] for node in page.css("header nav a") if node.text() == "督办台账"] == [
        "../receivables/index.html"]


def test_register_pages_left_out_when_their_data_is_absent(tmp_path, make_site) -> None:
    site = load_site(make_site(tmp_path / "s", files={"data/leads.csv": LEADS}), today=AS_OF)
    plan = plan_site(site)
    paths = {p.path for p in plan.pages}
    assert "leads/index.html" in paths and "receivables/index.html" not in paths
    assert ("registers", "leads/") in plan.nav


def test_profile_that_excludes_receivables_keeps_them_out_of_the_warning(registers_site) -> None:
    site = load_site(registers_site, today=AS_OF, profile="screen")  # excludes people and receivables
    plan = plan_site(site)
    assert not any(p.path.startswith("receivables/") for p in plan.pages)
    files = {f.path: f.data for f in plan.files}
    rows = read_csv(files["warnings/register-followups.csv"])
    assert rows and all(r["register"] != "回款" for r in rows)
    assert ("registers", "aftersales/") in plan.nav
