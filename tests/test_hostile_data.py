"""Hostile data: a stray quote that swallows the rows after it, control characters, numbers and dates out of any
sane range, and as-of dates out of any sane window. Each is reported as file:row:column (by `trackboard check` and
on the build's quality page), never a traceback and never a silent drop."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BASELINE, FIXED_NOW

from generator.cli import main
from generator.commands.build import BuildResult, build
from generator.errors import TrackboardError
from generator.model import load_site


def _build(site: Path, as_of: dt.date | None = None) -> BuildResult:
    return build(site, out=site / "output", as_of=as_of, clock=lambda: FIXED_NOW, cache=False)


def _check(site: Path) -> str:
    result = CliRunner().invoke(main, ["check", str(site)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.output


def _quality(site: Path) -> str:
    return (site / "output" / "quality" / "index.html").read_text(encoding="utf-8")


def _messages(result: BuildResult) -> list[str]:
    """The problems as an English site shows them (the baseline site, whose check output is asserted, is Chinese)."""
    return [str(p.localized("en")) for p in result.site.problems]


@pytest.mark.parametrize("header", ["日期,工号,保费,件数,险种", "日期,工号,险种,保费,件数"])
def test_stray_quote_does_not_swallow_the_rows_after_it(tmp_path: Path, make_site: Callable[..., Path],
                                                        header: str) -> None:
    columns = header.split(",")
    lines = [header]
    for i in range(1000):
        product = '"年金 10"" 型' if i == 4 else "意外险"
        cells = {"日期": "2026-03-02", "工号": "P003", "保费": str(100 + i), "件数": "1", "险种": product}
        lines.append(",".join(cells[c] for c in columns))
    site = make_site(tmp_path / "site", {"data/sales.csv": "\n".join(lines) + "\n"})
    output = _check(site)
    assert "data/sales.csv 第 6 行「险种」：这一格的引号只有开头没有结尾" in output
    result = _build(site)
    assert result.site.sources["sales"].rows_kept == 1000  # the rows after the stray quote are read, not lost
    loaded = load_site(site, today=FIXED_NOW.date())
    assert sum(loaded.tables["sales"]["premium"]) == sum(100 + i for i in range(1000))
    assert "引号只有开头没有结尾" in _quality(site)


@pytest.mark.parametrize("bad", ["\x1b", "\x01", "\ufffe", "\x85"])
def test_control_characters_in_text_are_reported_and_dropped(tmp_path: Path, make_site: Callable[..., Path],
                                                           bad: str) -> None:
    people = BASELINE["data/people.csv"].replace("P003,王业务", f"P003,王{bad}业务")
    site = make_site(tmp_path / "site", {"data/people.csv": people})
    assert "data/people.csv 第 4 行「姓名」：" in _check(site)
    result = _build(site)
    assert any(m.startswith("data/people.csv:4:姓名: ") and "control character" in m for m in _messages(result))
    names = load_site(site, today=FIXED_NOW.date()).tables["people"].set_index("id")["name"]
    assert names["P003"] == "王业务"
    assert "控制字符" in _quality(site)


SALES = "日期,工号,保费,件数,险种\n2026-03-02,P003,1000,1,意外险\n"


@pytest.mark.parametrize(("row", "column"), [
    ("2026-03-03,P003,1e40,1,意外险", "保费"),
    ("2026-03-03,P003,1e308,1,意外险", "保费"),
    ("2026-03-03,P003,inf,1,意外险", "保费"),
    ("2026-03-03,P003,nan,1,意外险", "保费"),
    ("2026-03-03,P003,-2e12,1,意外险", "保费"),
    ("2026-03-03,P003,1000,1e19,意外险", "件数"),
    ("2026-03-03,P003,1000,2000000000,意外险", "件数"),
])
def test_numbers_out_of_range_are_errors_for_their_cell(tmp_path: Path, make_site: Callable[..., Path], row: str,
                                                        column: str) -> None:
    site = make_site(tmp_path / "site", {"data/sales.csv": SALES + row + "\n"})
    assert f"data/sales.csv 第 3 行「{column}」：" in _check(site)
    result = _build(site)
    assert any(m.startswith(f"data/sales.csv:3:{column}: ") for m in _messages(result))
    assert result.site.sources["sales"].rows_kept == 1
    assert f"{column}" in _quality(site)


@pytest.mark.parametrize("amount", ["1e40", "1e308", ".inf", "-1e13"])
def test_front_matter_amount_out_of_range_is_an_error(tmp_path: Path, make_site: Callable[..., Path],
                                                      amount: str) -> None:
    battle = BASELINE["content/battle/first-order.md"].replace("amount: 12000", f"amount: {amount}")
    site = make_site(tmp_path / "site", {"content/battle/first-order.md": battle})
    assert "content/battle/first-order.md" in _check(site)
    result = _build(site)
    assert any(m.startswith("content/battle/first-order.md") and "amount" in m for m in _messages(result))


@pytest.mark.parametrize("as_of", ["2300-01-01", "0001-01-01", "1999-12-31"])
def test_as_of_outside_a_sane_window_is_a_clear_error(site: Path, as_of: str) -> None:
    with pytest.raises(TrackboardError, match="--as-of"):
        _build(site, dt.date.fromisoformat(as_of))
    result = CliRunner().invoke(main, ["build", str(site), "--as-of", as_of])
    assert result.exit_code not in (0,), result.output
    assert isinstance(result.exception, SystemExit)
    assert "--as-of" in result.output
    assert "Traceback" not in result.output


def test_as_of_within_the_window_is_accepted(site: Path) -> None:
    assert _build(site, dt.date(2026, 2, 28)).site.as_of == dt.date(2026, 2, 28)


@pytest.mark.parametrize("day", ["2199-12-31", "2026-03-20", "1999-12-31", "1900-01-01"])
def test_sales_dates_beyond_today_or_before_2000_are_errors(tmp_path: Path, make_site: Callable[..., Path],
                                                           day: str) -> None:
    site = make_site(tmp_path / "site", {"data/sales.csv": BASELINE["data/sales.csv"]
                                         + f"{day},P003,1000,1,意外险\n"})
    result = _build(site)
    assert result.site.as_of == dt.date(2026, 3, 5)  # the latest real sale, not the typo
    assert any(m.startswith("data/sales.csv:5:日期: ") for m in _messages(result))
    assert result.site.sources["sales"].rows_kept == 3
    assert "data/sales.csv 第 5 行「日期」：" in _check(site) or day == "2026-03-20"  # check's clock is today's


def _xlsx_with_far_cell(row: int, column: int) -> bytes:
    """A small workbook of three sales and one more cell, far away (XFD1048576: 16384 columns, 1048576 rows)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in BASELINE["data/sales.csv"].splitlines():
        sheet.append(line.replace('"¥12,000.00"', "12000").replace('"¥94,000.00"', "94000").split(","))
    sheet.cell(row=row, column=column, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_a_huge_used_range_is_refused(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    data = _xlsx_with_far_cell(1_048_576, 16_384)
    assert len(data) < 10_000
    site = make_site(tmp_path / "site", {
        "site.toml": BASELINE["site.toml"].replace('file = "data/sales.csv"', 'file = "data/sales.xlsx"'),
        "data/sales.csv": None, "data/sales.xlsx": data})
    output = _check(site)
    assert "data/sales.xlsx：" in output and "XFD1048576" in output
    with pytest.raises(TrackboardError) as caught:
        _build(site)
    assert any("XFD1048576" in str(p) for p in caught.value.problems)


def test_xlsx_with_a_far_but_sane_cell_is_read(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {
        "site.toml": BASELINE["site.toml"].replace('file = "data/sales.csv"', 'file = "data/sales.xlsx"'),
        "data/sales.csv": None, "data/sales.xlsx": _xlsx_with_far_cell(200, 30)})
    assert _build(site).site.sources["sales"].rows_kept == 3


def test_control_characters_in_front_matter_are_reported_and_dropped(tmp_path: Path,
                                                                     make_site: Callable[..., Path]) -> None:
    battle = BASELINE["content/battle/first-order.md"].replace("title: 王业务签下金福年金",
                                                               'title: "王业务\\e签下\\x01金福年金"')
    site = make_site(tmp_path / "site", {"content/battle/first-order.md": battle})
    assert ("content/battle/first-order.md 第 2 行「title」：含有看不见的控制字符（U+0001, U+001B），已删去"
            in _check(site))
    result = _build(site)
    assert [d.meta["title"] for d in result.site.documents["battle"]] == ["王业务签下金福年金"]
