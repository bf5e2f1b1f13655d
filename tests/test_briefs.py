"""Morning briefs end to end: the figures on a unit's brief, the booklet's rota, and the PDFs read back.

Expected figures are computed here, plainly, from the fixture's rows — never with the code under test. The PDFs are
read back with poppler's pdftotext and pdfinfo (scripts/install-system-deps.sh installs poppler-utils).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import BASELINE, html, texts, write_files

from generator import formats
from generator.commands.build import build
from generator.metrics.briefs import of_the_day, ranked, working_day_number
from generator.progress import Progress

AS_OF = dt.date(2026, 3, 10)  # a Tuesday
UNITS = """\
单位编码,单位名称,上级单位,负责人,督办人
HQ,测试分公司,,P001,
D1,营业一部,HQ,P002,
T1,一部一组,D1,P010,
T2,一部二组,D1,,
"""
# A team of ten (P010–P019) in T1, one person in T2.
TEAM = [(f"P0{10 + i}", name) for i, name in enumerate(
    ["韩组长", "王一", "李二", "张三", "赵四", "钱五", "孙六", "周七", "吴八", "郑九"])]
PEOPLE = "工号,姓名,所属单位,岗位,职级,入司日期,离司日期,手机\n" + "".join(
    f"{pid},{name},T1,{'主管' if i == 0 else '业务员'},,2020-01-01,,1380000{i:04d}\n"
    for i, (pid, name) in enumerate(TEAM)) + """\
P001,张经理,HQ,经理,,2015-03-01,,13900000001
P002,刘部长,D1,经理,,2016-03-01,,13900000002
P020,冯新,T2,业务员,,2020-01-01,,13900000020
"""
# (date, person, premium)
SALES = [
    ("2026-01-15", "P011", 20000),
    ("2026-02-27", "P012", 5000),
    ("2026-03-02", "P011", 12000),
    ("2026-03-02", "P013", 8000),
    ("2026-03-06", "P014", 3000),
    ("2026-03-09", "P015", 7000),
    ("2026-03-10", "P011", 6000),
    ("2026-03-10", "P016", 10000),
    ("2026-03-10", "P017", 4000),
    ("2026-03-10", "P020", 2500),
    ("2026-03-11", "P017", 99999),  # after the as-of date: never counted
]
TARGETS = """\
月份,单位编码,工号,指标,目标
2026-01,T1,,保费,60000
2026-02,T1,,保费,60000
2026-03,T1,,保费,62000
"""
TRACKING = """\
日期,督办人,单位编码,电话,短信,亮点,问题,明日预测
2026-03-09,P001,T1,3,3,,,25000
"""
FAQ = {f"content/faq/{rank:02d}.md": f"---\nquestion: 第{rank}问怎么答？\nrank: {rank}\n---\n\n答{rank}。\n"
       for rank in range(1, 4)}


def _sales_csv() -> str:
    return "日期,工号,保费,件数,险种\n" + "".join(f"{d},{p},{v},1,金福年金\n" for d, p, v in SALES)


def _site(root: Path, locale: str, pdf_levels: int) -> Path:
    files = dict(BASELINE)
    files.update({"data/units.csv": UNITS, "data/people.csv": PEOPLE, "data/sales.csv": _sales_csv(),
                  "data/targets.csv": TARGETS, "data/tracking.csv": TRACKING, **FAQ})
    files["site.toml"] = (files["site.toml"].replace('locale = "zh-CN"', f'locale = "{locale}"')
                          + f"\n[briefs]\ndays = 3\npdf_levels = {pdf_levels}\n")
    write_files(root, files)
    return root


def _money(value: float, locale: str) -> str:
    return formats.money(value, locale)


def _percent(value: float) -> str:
    return formats.percent(value, "en")


@pytest.fixture(scope="module")
def en_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _site(tmp_path_factory.mktemp("briefs-en") / "site", "en", 0)
    result = build(root, as_of=AS_OF)
    assert not result.site.errors, result.site.errors
    return root / "output"


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The site (PDFs down to the teams) and its first build's output."""
    root = _site(tmp_path_factory.mktemp("briefs-zh") / "site", "zh-CN", 3)
    result = build(root, as_of=AS_OF)
    assert not result.site.errors, result.site.errors
    return root, root / "output"


def _poppler(tool: str, *args: str) -> str:
    assert shutil.which(tool), f"{tool} is missing: bash scripts/install-system-deps.sh installs poppler-utils"
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True).stdout


# -- the page -------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_brief_shows_the_units_figures_computed_from_the_sales_rows(en_out: Path) -> None:
    in_team = {pid for pid, _ in TEAM}
    day = sum(v for d, p, v in SALES if p in in_team and d == AS_OF.isoformat())
    month = sum(v for d, p, v in SALES if p in in_team and d[:7] == "2026-03" and d <= AS_OF.isoformat())
    year = sum(v for d, p, v in SALES if p in in_team and d[:4] == "2026" and d <= AS_OF.isoformat())
    page = html(en_out / "daily/2026-03-10/units/T1/index.html")
    rows = {r.css_first("th").text(): [td.text() for td in r.css("td")] for r in page.css("table.figures tbody tr")}
    def paced(rate: float, progress: float) -> str:
        """The rate with its cue in words, against the period's progress (the default tolerance, 5 points)."""
        cue = "behind" if rate < progress - 0.05 else "ahead" if rate > progress + 0.05 else "on track"
        return f"{_percent(rate)} {cue}"

    assert rows["Day"] == [_money(day, "en"), _money(62000 / 31, "en"), paced(day / (62000 / 31), 1), "100.0%"]
    assert rows["Month"] == [_money(month, "en"), _money(62000, "en"), paced(month / 62000, 10 / 31),
                             _percent(10 / 31)]
    assert rows["Year"] == [_money(year, "en"), _money(182000, "en"), paced(year / 182000, 69 / 365),
                            _percent(69 / 365)]
    # Yesterday's forecast (the tracker's 25,000 logged on 9 March) against the day.
    line = texts(page, ".forecast-line")[0]
    assert f"{_money(25000, 'en')} (tracker)" in line and f"made {_money(day, 'en')}" in line
    assert f"difference {_money(day - 25000, 'en')}" in line


@pytest.mark.slow
def test_the_members_are_ranked_by_the_months_premium_with_the_days(en_out: Path) -> None:
    names = dict(TEAM)
    month: dict[str, int] = {pid: 0 for pid in names}
    today: dict[str, int] = {pid: 0 for pid in names}
    for d, p, v in SALES:
        if p in names and "2026-03-01" <= d <= AS_OF.isoformat():
            month[p] += v
            today[p] += v if d == AS_OF.isoformat() else 0
    expected = sorted(names, key=lambda p: (-month[p], p))
    page = html(en_out / "daily/2026-03-10/units/T1/index.html")
    rows = page.css("#brief-people tbody tr")
    assert [r.css_first("th").text() for r in rows] == [names[p] for p in expected]
    first = [td.text() for td in rows[0].css("td")]
    assert first[:3] == ["1", _money(today[expected[0]], "en"), _money(month[expected[0]], "en")]


def test_ranking_puts_the_highest_first_ties_share_a_place_and_none_counts_as_nothing() -> None:
    rows = [("b", {"premium_mtd": 500.0}), ("a", {"premium_mtd": 900.0}), ("d", {"premium_mtd": None}),
            ("c", {"premium_mtd": 500.0}), ("e", {"premium_mtd": 0.0})]
    assert [(rank, key) for rank, key, _ in ranked(rows)] == [(1, "a"), (2, "b"), (2, "c"), (4, "d"), (4, "e")]


@pytest.mark.slow
def test_briefs_are_made_for_every_unit_for_the_last_days_and_linked(en_out: Path) -> None:
    days = ["2026-03-06", "2026-03-09", "2026-03-10"]  # the last three days with a daily report
    for day in days:
        for unit in ("HQ", "D1", "T1", "T2"):
            assert (en_out / f"daily/{day}/units/{unit}/index.html").is_file(), (day, unit)
    assert not (en_out / "daily/2026-03-02/units").exists()
    report = html(en_out / "daily/2026-03-10/index.html")
    assert "../../daily/2026-03-10/units/T1/index.html" in [a.attributes["href"] for a in report.css(".brief-links a")]
    unit_page = html(en_out / "units/T1/index.html")
    assert [a.attributes["href"] for a in unit_page.css(".brief-link a")] == [
        "../../daily/2026-03-10/units/T1/index.html"]
    assert not list(en_out.rglob("*.pdf"))  # pdf_levels = 0


# -- the booklet's rota ---------------------------------------------------------------------------------------------


def test_the_rota_gives_each_entry_once_over_as_many_working_days_then_starts_again() -> None:
    entries = ["a", "b", "c", "d"]
    monday = dt.date(2026, 3, 9)
    working = [d for d in (monday + dt.timedelta(days=i) for i in range(14)) if d.weekday() < 5]
    picked = [of_the_day(entries, d) for d in working]
    assert sorted(picked[:4]) == entries  # every entry once in four working days
    assert picked[4:8] == picked[:4]  # then the same order again
    assert [of_the_day(entries, d) for d in working] == picked  # the same date, the same entry
    saturday, sunday, friday = dt.date(2026, 3, 14), dt.date(2026, 3, 15), dt.date(2026, 3, 13)
    assert of_the_day(entries, saturday) == of_the_day(entries, sunday) == of_the_day(entries, friday)
    assert working_day_number(dt.date(2026, 3, 16)) == working_day_number(friday) + 1
    assert of_the_day([], monday) is None


@pytest.mark.slow
def test_the_brief_and_the_board_show_the_item_of_the_day(en_out: Path) -> None:
    def shown(path: str) -> str:
        return texts(html(en_out / path), ".faq-question a")[0]

    monday, tuesday = shown("daily/2026-03-09/units/T1/index.html"), shown("daily/2026-03-10/units/T1/index.html")
    ranks = {f"第{r}问怎么答？": r for r in range(1, 4)}
    assert ranks[tuesday] == ranks[monday] % 3 + 1  # the next entry, in rank order, the next working day
    assert shown("index.html") == tuesday
    assert shown("daily/2026-03-10/units/HQ/index.html") == tuesday


def test_a_machine_without_weasyprints_libraries_gets_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from generator.errors import TrackboardError
    from generator.pdfs import check_engine

    real_import = builtins.__import__

    def no_pango(name: str, *args: object, **kwargs: object) -> object:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(TrackboardError, match=r"install-system-deps.sh.*pdf_levels = 0"):
        check_engine()


# -- the PDFs -------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_brief_pdf_holds_the_pages_text_on_one_a4_sheet(zh_site: tuple[Path, Path]) -> None:
    _, out = zh_site
    page = html(out / "daily/2026-03-10/units/T1/index.html")
    premium_day = page.css("table.figures tbody tr")[0].css("td")[0].text()
    pdf = out / "daily/2026-03-10/units/T1.pdf"
    text = _poppler("pdftotext", str(pdf), "-")
    assert "一部一组" in text and "郑九" in text and premium_day in text, text
    info = _poppler("pdfinfo", str(pdf))
    assert re.search(r"^Pages:\s+1$", info, re.M), info  # a team of ten on one sheet
    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts", info, re.M), info
    fonts = _poppler("pdffonts", str(pdf))
    assert "Trackboard-CJK" in fonts and all(" yes yes " in line for line in fonts.splitlines()[2:]), fonts
    assert (out / "daily/2026-03-10/report.pdf").is_file()
    assert "测试分公司" in _poppler("pdftotext", str(out / "daily/2026-03-10/report.pdf"), "-")
    assert not (out / "daily/2026-03-09/units/T1.pdf").exists()  # the as-of day's only


@pytest.mark.slow
def test_an_english_brief_pdf_holds_the_pages_text_on_one_a4_sheet(tmp_path: Path) -> None:
    """The same in the English locale: its heading, and the figures as English prints them."""
    root = _site(tmp_path / "site", "en", 3)
    out = root / "output"
    build(root, as_of=AS_OF)
    page = html(out / "daily/2026-03-10/units/T1/index.html")
    heading = page.css_first("h1").text(strip=True)
    premium_day = page.css("table.figures tbody tr")[0].css("td")[0].text()
    assert premium_day == _money(20000, "en")  # 6,000 + 10,000 + 4,000 on the as-of day
    text = _poppler("pdftotext", str(out / "daily/2026-03-10/units/T1.pdf"), "-")
    flat = " ".join(text.split())
    assert " ".join(heading.split()) in flat and "郑九" in text and premium_day in text, text
    info = _poppler("pdfinfo", str(out / "daily/2026-03-10/units/T1.pdf"))
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts", info, re.M), info


@pytest.mark.slow
def test_pdfs_are_byte_identical_across_builds_and_reused_from_the_cache(zh_site: tuple[Path, Path],
                                                                        tmp_path: Path) -> None:
    root, out = zh_site
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.pdf")}
    assert len(first) == 5  # HQ, D1, T1, T2 and the daily report
    # Printed afresh: no cache at all, another output folder.
    fresh = tmp_path / "fresh"
    progress = Progress()
    build(root, out=fresh, as_of=AS_OF, cache=False, progress=progress)
    assert progress.notes["pdfs"].startswith("5 of 5 printed"), progress.notes
    assert {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*.pdf")} == first
    # A sale in T2: T1's brief is unchanged and its PDF is taken from the cache; the others are printed again.
    sales = root / "data/sales.csv"
    sales.write_text(sales.read_text(encoding="utf-8") + "2026-03-10,P020,1000,1,金福年金\n", encoding="utf-8")
    progress = Progress()
    build(root, out=tmp_path / "again", as_of=AS_OF, progress=progress)
    assert progress.notes["pdfs"].startswith("4 of 5 printed"), progress.notes
    team = Path("daily/2026-03-10/units/T1.pdf")
    assert (tmp_path / "again" / team).read_bytes() == first[team]


@pytest.mark.slow
def test_a_notice_meant_for_a_team_is_on_its_briefs_only(tmp_path: Path, make_site) -> None:
    """Front matter `units: [T2]`: on T2's brief and the branch's above it, never on T1's."""
    site = make_site(tmp_path / "site", {"content/notices/t2.md": "---\ntitle: 二组专场通知\ndate: 2026-03-02\n"
                                                                  "units: [T2]\n---\n\n只发二组。\n"})
    build(site, clock=lambda: dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC))
    day = site / "output" / "daily" / "2026-03-05" / "units"
    shown = {unit: "二组专场通知" in (day / unit / "index.html").read_text(encoding="utf-8")
             for unit in ("HQ", "T1", "T2")}
    assert shown == {"HQ": True, "T1": False, "T2": True}
    assert "三月开门红启动" in (day / "T1" / "index.html").read_text(encoding="utf-8")  # a notice for everyone
