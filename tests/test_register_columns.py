"""The registers' optional columns from the seed: receivables' collection plan and fixed-term partners, after-sales
handling and the monthly return (一月一返), leads' probability and quota, projects' hand-off, follow-ups' line,
priority and agreed times with overdue by line. Without the columns, the pages are as before.

The register files are test_registers.py's (as of 2026-03-05) with the columns added; expected figures by hand.
"""

from __future__ import annotations

import csv
import io

import pytest
from conftest import AS_OF, BASELINE, texts, write_files
from test_registers import AFTERSALES, FILES, FOLLOWUPS, LEADS, PROJECTS, RECEIVABLES

from generator.commands.build import template_globals
from generator.model import load_site
from generator.pages import plan_site
from generator.render import Renderer


def with_column(text: str, header: str, values: list[str]) -> str:
    lines = text.strip("\n").split("\n")
    assert len(lines) == len(values) + 1
    return "\n".join([f"{lines[0]},{header}", *(f"{line},{value}" for line, value in zip(lines[1:], values,
                                                                                         strict=True))]) + "\n"


EXTENDED = {
    # R2 has a plan, R4 a risk and a remedy; R8 is a fixed-term partner
    "data/receivables.csv": with_column(RECEIVABLES, "回款计划,可行性,客户风险,补救方案", [
        ",,,", "3月底前分两笔,高,,", ",,,", ",,停产整顿,法务函告", ",,,", ",,,", ",,,"])
    + "R8,舟山辛渔业有限公司,P003,固定合作,2026-02-01,2026-05-01,20000,0,2026-03-01,,,,\n",
    "data/aftersales.csv": with_column(AFTERSALES, "处理办法", ["", "", "", "补开发票", "加急理赔", ""]),
    "data/leads.csv": with_column(LEADS, "成交概率", ["60", "", "100", "20", "50"]),
    "data/projects.csv": with_column(PROJECTS, "移交日期,移交后目标",
                                     ["2026-03-01,3月底前出单", ",", ",", ",", ",", ","]),
    "data/followups.csv": with_column(FOLLOWUPS, "条线,优先级,约定沟通时间",
                                      ["资源,高,每周二10:00", "资源,中,", "培训,,", "培训,低,"]),
}


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _files(tmp_path, files: dict[str, str], quota: int = 0) -> dict[str, bytes]:
    toml = BASELINE["site.toml"] + f"lead_quota = {quota}\n"
    write_files(tmp_path, {**BASELINE, **files, "site.toml": toml})
    site = load_site(tmp_path, today=AS_OF)
    assert site.errors == []
    plan = plan_site(site)
    renderer = Renderer(site.root, site.locale, template_globals(site, plan))
    out = {f.path: f.data for f in plan.files}
    out.update({p.path: renderer.render(p).data for p in plan.pages if p.path.endswith("/index.html")
                and p.path.split("/")[0] in ("receivables", "aftersales", "leads", "projects", "followups")})
    return out


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _files(tmp_path_factory.mktemp("columns"), EXTENDED, quota=2)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _files(tmp_path_factory.mktemp("plain"), FILES)


def test_receivables_plan_columns_and_fixed_term_partners(extended, plain) -> None:
    rows = {r["id"]: r for r in read_csv(extended["receivables/all-table.csv"])}
    assert (rows["R2"]["plan"], rows["R2"]["feasibility"]) == ("3月底前分两笔", "高")
    assert (rows["R4"]["customer_risk"], rows["R4"]["remedy"]) == ("停产整顿", "法务函告")
    assert rows["R8"]["kind"] == "固定合作有账期"
    ageing = {r["kind"]: r for r in read_csv(extended["receivables/ageing-table.csv"])}
    assert ageing["固定合作有账期"]["outstanding"] == "20000"
    # without the columns, the table is as before
    assert "plan" not in read_csv(plain["receivables/all-table.csv"])[0]


def test_aftersales_handling_and_monthly_return(extended, plain) -> None:
    open_cases = {r["id"]: r["method"] for r in read_csv(extended["aftersales/open-cases-table.csv"])}
    assert open_cases == {"A4": "补开发票", "A5": "加急理赔"}
    # 2026-03: A5 registered, none resolved, A4 and A5 open at 03-05; 2026-02: A1–A4 registered, A1–A3 resolved
    # (10, 4 and 1 days: 5.0), A4 open at 02-28; 2026-01: A6 registered, closed without a date (resolved, no time)
    months = [(r["month"], r["registered"], r["resolved"], r["open_at_end"], r["average"])
              for r in read_csv(extended["aftersales/monthly-return-table.csv"])]
    assert months == [("2026-03", "1", "0", "2", ""), ("2026-02", "4", "3", "1", "5"), ("2026-01", "1", "0", "0", "")]
    assert "method" not in read_csv(plain["aftersales/open-cases-table.csv"])[0]


def test_lead_quota_fill_and_quality(extended, plain) -> None:
    # quota 2: P001 has L5, P003 L4 (one each: half filled, short 1), P002 L1 and L2 (filled); L3 is won
    rows = [(r["owner"], r["open"], r["fill"], r["short"], r["probability"], r["weighted"])
            for r in read_csv(extended["leads/quota-table.csv"])]
    assert rows == [("P001", "1", "0.5", "1", "50", "5000"), ("P003", "1", "0.5", "1", "20", "2000"),
                    ("P002", "2", "1", "0", "60", "30000")]
    active = {r["id"]: r["weighted"] for r in read_csv(extended["leads/active-table.csv"])}
    assert active == {"L1": "30000", "L2": "", "L4": "2000", "L5": "5000"}
    assert "leads/quota-table.csv" not in plain  # no quota, no probability: as before


def test_project_hand_off_and_next_target(extended, plain) -> None:
    rows = {r["id"]: r for r in read_csv(extended["projects/cycle-short-table.csv"])}
    assert (rows["J1"]["handoff"], rows["J1"]["next_target"]) == ("2026-03-01", "3月底前出单")
    assert "handoff" not in read_csv(plain["projects/cycle-short-table.csv"])[0]


def test_follow_ups_by_line_with_priority_and_times(extended, plain) -> None:
    rows = {r["id"]: r for r in read_csv(extended["followups/open-items-table.csv"])}
    assert (rows["F1"]["line"], rows["F1"]["priority"], rows["F1"]["contact_times"]) == ("资源", "重要紧急",
                                                                                         "每周二10:00")
    # overdue (weekly): F2 (资源, 8 days) and F3 (培训, never); no follow-up log, so no plan for either
    lines = [(r["line"], r["open"], r["overdue"], r["no_plan"])
             for r in read_csv(extended["followups/by-line-table.csv"])]
    assert lines == [("培训", "1", "1", "1"), ("资源", "2", "1", "1")]
    page = texts(_tree(extended["followups/index.html"]), "#by-line-h")
    assert page and page[0].startswith("按条线")
    assert "followups/by-line-table.csv" not in plain


def _tree(data: bytes):
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(data.decode("utf-8"))
