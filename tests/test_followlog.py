"""The follow-up log (督办跟进记录): each register item's history and its own anchor, the last follow-up taken
from the log, the remedy plan required once an item is overdue (a warning rule, on both sides of its grace
days), the board's list by owner, and the errors of a log that points nowhere.

The register rows are test_registers.py's (as of 2026-03-05); the expected lists below are worked out by hand
from those rows and the log.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import AS_OF, texts
from test_registers import FILES

from generator.commands.build import template_globals
from generator.inputs.schemas import DATASETS, REGISTER_CHOICES
from generator.metrics import registers as reg
from generator.model import load_site
from generator.pages import plan_site
from generator.render import Renderer

LOG = """\
台账,编号,跟进日期,跟进人,跟进情况,下次跟进,补救措施,状态
回款,R2,2026-02-10,P005,客户称月底付款,2026-02-24,分部经理上门催收并发函确认金额,跟进中
回款,R1,2026-03-06,P005,明天的记录,2026-03-10,,跟进中
售后,A5,2026-03-03,P001,资料已补齐,2026-03-06,,处理中
销线,L2,2026-02-20,P002,方案初稿已发,2026-02-25,,跟进中
督办事项,F2,2026-02-20,P005,场地冲突,2026-02-24,改订B场地,进行中
督办事项,F2,2026-02-25,P005,B场地待确认,2026-03-01,,进行中
"""
# R2: its register date (02-17) is later than its entry, so still overdue (by 12 on the invoiced 2/week
# cadence), with a plan. R1: the entry is after the as-of date and ignored (overdue by 11, invoiced). A5: the
# register says 02-28 (overdue by 1 on 2/week), the log 03-03: 2 days, not overdue.
# L2: register 03-03 is later than the entry: overdue by 1, no plan. F2: overdue by
# 1; its plan is the 02-20 entry's (the latest entry that has one).

# Every overdue item with whether it has a plan: (register, id) -> (days overdue or None for no date, plan?).
OVERDUE = {
    ("receivables", "R1"): (11, False), ("receivables", "R2"): (12, True),
    ("receivables", "R3"): (166, False), ("leads", "L2"): (1, False), ("leads", "L5"): (1, False),
    ("projects", "J4"): (1, False), ("projects", "J5"): (1, False),
    ("followups", "F2"): (1, True), ("followups", "F3"): (None, False),
}
OWNERS = {"R1": "P002", "R2": "P002", "R3": "P003", "L2": "P002", "L5": "P001", "J4": "P003", "J5": "P001",
          "F2": "P005", "F3": "P002"}


def expected_missing(grace: int) -> set[str]:
    return {item for (_, item), (days, plan) in OVERDUE.items() if not plan and (days is None or days > grace)}


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def tree(data: bytes):
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(data.decode("utf-8"))


def _site(tmp_path: Path, make_site, grace: int | None = None, log: str = LOG):
    from conftest import BASELINE

    assert BASELINE["site.toml"].rstrip().endswith("big_order = 50000")  # [rules] is the last table
    toml = BASELINE["site.toml"] + (f"remedy_grace_days = {grace}\n" if grace is not None else "")
    site = load_site(make_site(tmp_path, files={**FILES, "data/followup_log.csv": log, "site.toml": toml}),
                     today=AS_OF)
    assert [p for p in site.errors if p.file != "data/followup_log.csv"] == []
    return site


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    from conftest import BASELINE, write_files

    root = tmp_path_factory.mktemp("followlog")
    write_files(root, {**BASELINE, **FILES, "data/followup_log.csv": LOG})
    site = load_site(root, today=AS_OF)
    assert site.errors == []
    plan = plan_site(site)
    renderer = Renderer(site.root, site.locale, template_globals(site, plan))
    wanted = ("receivables/", "aftersales/", "leads/", "projects/", "followups/", "warnings/")
    out = {p.path: renderer.render(p).data for p in plan.pages if p.path.startswith(wanted)}
    out.update({f.path: f.data for f in plan.files if f.path.startswith(wanted)})
    out["index.html"] = renderer.render(plan.pages[0]).data
    return out


def test_the_log_names_every_register_by_its_dataset() -> None:
    # The log's `register` values are the registers' names, which are their datasets' (the item check needs both).
    assert set(REGISTER_CHOICES) == {r.name for r in reg.REGISTERS} == {r.dataset for r in reg.REGISTERS}
    assert DATASETS["followup_log"].column("item").ref_by == "register"


def test_last_follow_up_is_the_later_of_register_and_log(tmp_path, make_site) -> None:
    site = _site(tmp_path, make_site)
    log = reg.log_entries(site.tables["followup_log"], site.as_of)
    assert ("receivables", "R1") not in log  # dated after the as-of date
    found = reg.register_followups(site.tables, [r.name for r in reg.REGISTERS], site.config["cadence"],
                                   site.config["rules"], site.as_of)
    items = {(i.register, i.id): i for v in found.values() for i in v}
    assert items[("aftersales", "A5")].last == AS_OF.replace(day=3) and not items[("aftersales", "A5")].overdue
    assert items[("receivables", "R2")].last == AS_OF.replace(month=2, day=17)
    assert items[("followups", "F2")].plan == "改订B场地"
    assert {key: (i.days_overdue, i.plan is not None) for key, i in items.items() if i.overdue} == OVERDUE


@pytest.mark.parametrize("grace", [0, 1, 165, 166])
def test_remedy_missing_on_both_sides_of_the_grace_days(tmp_path, make_site, grace) -> None:
    site = _site(tmp_path, make_site, grace)
    plan = plan_site(site)
    rows = read_csv(next(f.data for f in plan.files if f.path == "warnings/remedy-missing.csv"))
    assert {r["id"] for r in rows} == expected_missing(grace)
    assert [r["owner"] for r in rows] == sorted(OWNERS[r["id"]] for r in rows)  # by owner
    board = plan.pages[0].context["remedy_owners"]
    counts: dict[str, int] = {}
    for item in expected_missing(grace):
        counts[OWNERS[item]] = counts.get(OWNERS[item], 0) + 1
    assert {o["owner"]: o["count"] for o in board} == counts


def test_no_log_no_remedy_warning_and_no_timeline(tmp_path, make_site) -> None:
    site = load_site(make_site(tmp_path, files=FILES), today=AS_OF)
    plan = plan_site(site)
    assert not any(f.path == "warnings/remedy-missing.csv" for f in plan.files)
    page = next(p for p in plan.pages if p.path == "receivables/index.html")
    assert page.context["timeline"] is None and plan.pages[0].context["remedy_owners"] == []


def test_register_page_shows_each_items_timeline_under_its_anchor(rendered) -> None:
    page = tree(rendered["followups/index.html"])
    f2 = page.css_first("#item-F2")
    assert f2 is not None
    entries = texts(f2, "ol.followup-entries li")
    assert len(entries) == 2 and "改订B场地" in entries[0] and "B场地待确认" in entries[1]
    assert texts(page.css_first("#item-F3"), "p.empty") == ["跟进记录中还没有这一项。"]
    # every item of the register has its anchor, and its id in the tables links there
    assert {node.attributes["id"] for node in page.css("article.item-history")} == {
        "item-F1", "item-F2", "item-F3", "item-F4"}
    links = [a.attributes["href"] for a in page.css("#all th a, #closed th a, #open-items th a")]
    assert "../followups/index.html#item-F4" in links and "../followups/index.html#item-F2" in links
    log = read_csv(rendered["followups/followup-log.csv"])
    assert [(r["id"], r["date"], r["plan"]) for r in log] == [
        ("F2", "2026-02-20", "改订B场地"), ("F2", "2026-02-25", "")]


def test_overdue_list_shows_the_plan_and_the_log_date(rendered) -> None:
    overdue = read_csv(rendered["followups/overdue-followups.csv"])
    assert {r["id"]: r["plan"] for r in overdue} == {"F2": "改订B场地", "F3": "未提交"}
    cases = read_csv(rendered["aftersales/all-table.csv"])
    assert next(r for r in cases if r["id"] == "A5")["last_followup"] == "2026-03-03"


def test_warnings_page_and_board_show_the_remedy_list(rendered) -> None:
    rows = read_csv(rendered["warnings/remedy-missing.csv"])
    assert {r["id"] for r in rows} == expected_missing(0)
    warnings = tree(rendered["warnings/index.html"])
    assert any("逾期且无补救措施" in text for text in texts(warnings, "h2"))
    assert "../leads/index.html#item-L2" in [a.attributes["href"] for a in warnings.css("#remedy-missing th a")]
    board = tree(rendered["index.html"])
    owners = texts(board, ".remedy-missing li")
    # most items first (P002: R1, L2, F3 with no date), then by owner id (P001: L5, J5; P003: R3, J4); longest
    assert owners == ["李主管 3 最长逾期 11 天", "张经理 2 最长逾期 1 天", "王业务 2 最长逾期 166 天"]
    links = [a.attributes["href"] for a in board.css(".remedy-missing li a")]
    assert links == ["warnings/index.html#remedy-missing-h"] * 3


@pytest.mark.parametrize("grace", [0, 11])
def test_a_units_brief_marks_its_overdue_items_without_a_plan(tmp_path, make_site, grace) -> None:
    site = _site(tmp_path, make_site, grace)
    plan = plan_site(site)
    renderer = Renderer(site.root, site.locale, template_globals(site, plan))
    brief = tree(renderer.render(next(p for p in plan.pages if p.path == "daily/2026-03-05/units/T1/index.html"))
                 .data)
    # T1's people are P002 and P003: their overdue items, and those of them without a plan beyond the grace days
    items = {item for (_, item), _ in OVERDUE.items() if OWNERS[item] in ("P002", "P003")}
    names = {"R1": "杭州甲科技有限公司", "R2": "宁波乙物流有限公司", "R3": "绍兴丙纺织有限公司", "L2": "出方案",
             "J4": "丁年金项目", "F3": "名单清理"}
    shown = texts(brief, ".brief-lists section:last-child li")
    assert sorted(next(i for i, n in names.items() if f"· {n} ·" in line) for line in shown) == sorted(items)
    marked = {i for i, n in names.items() for line in shown if f"· {n} ·" in line and line.endswith("未报补救措施")}
    assert marked == expected_missing(grace) & items


@pytest.mark.parametrize(("row", "header", "expected"), [
    ("台账X,R1,2026-03-01,P005,,,,", "台账", "is not an allowed register"),
    ("回款,R99,2026-03-01,P005,,,,", "编号", 'unknown receivables "R99" (not in data/receivables.csv)'),
    ("售后,R1,2026-03-01,P005,,,,", "编号", 'unknown aftersales "R1" (not in data/aftersales.csv)'),
])
def test_a_log_row_pointing_nowhere_is_an_error_at_its_cell(tmp_path, make_site, row, header, expected) -> None:
    log = LOG + row + "\n"
    site = _site(tmp_path, make_site, log=log)
    found = [p for p in site.errors if p.file == "data/followup_log.csv"]
    assert [(p.row, p.column) for p in found] == [(LOG.count("\n") + 1, header)]
    assert expected in found[0].localized("en").message  # as an English site says it
    assert len(site.tables["followup_log"]) == LOG.count("\n") - 1  # the row is skipped, the others kept


def test_unknown_person_in_the_log_is_a_warning_and_the_entry_is_kept(tmp_path, make_site) -> None:
    site = _site(tmp_path, make_site, log=LOG + "回款,R3,2026-03-01,P999,电话未接通,,,\n")
    found = [p for p in site.problems if p.file == "data/followup_log.csv"]
    assert [(p.severity, p.column) for p in found] == [("warning", "跟进人")]
    assert len(site.tables["followup_log"]) == LOG.count("\n")
