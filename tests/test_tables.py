"""Data tables: one declaration, rendered as HTML rows (escaped, formatted by column kind) and as CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator.pages.tables import Col, Table, table_csv
from generator.render import Renderer


def _table() -> Table:
    columns = [Col("name", "名称"), Col("premium", "保费", "money"), Col("change", "变化", "change"),
               Col("rate", "达成", "percent"), Col("day", "日期", "date")]
    rows = [{"name": '<script>alert("x")</script>', "premium": 94_000.0, "change": -1_200.0, "rate": 0.875,
             "day": None, "_href": 'units/"a"/', "_class": "level-1"},
            {"name": "=1+2", "premium": None, "change": 0, "rate": None, "day": None}]
    return Table("t", "表", columns, rows)


def test_rows_are_escaped_formatted_by_kind_and_linked() -> None:
    renderer = Renderer(Path("."), "zh-CN", {})
    template = renderer.env.from_string('{% from "_macros.html" import data_table %}{{ data_table(table, url) }}')
    html = template.render(table=_table(), url=lambda href: "../" + href)
    assert "<script>" not in html
    rows = LexborHTMLParser(html).css("tbody tr")
    assert [row.attributes.get("class") for row in rows] == ["level-1", None]
    first = [cell.text() for cell in rows[0].css("th, td")]
    # a change is marked ▼ for the eye and "下降" for a screen reader
    assert first == ['<script>alert("x")</script>', "9.4万", "▼-1,200", "87.5%", "—"]
    assert rows[0].css_first("span.down .trend-mark").attributes["aria-label"] == "下降"
    assert rows[0].css_first("th a").attributes["href"] == '../units/"a"/'
    assert rows[0].css_first("span.down") is not None and rows[1].css_first("span.flat") is not None
    assert [c.attributes.get("class") for c in rows[1].css("td")] == ["num", "num", "num", None]


def test_cells_written_once_per_value_are_those_written_one_by_one() -> None:
    """The rows are made column by column, each number or date formatted once per column: the same HTML as
    writing every cell with its column's formatter, escaping text as markupsafe does."""
    import datetime as dt
    import math

    from markupsafe import Markup, escape

    from generator import render

    renderer = Renderer(Path("."), "zh-CN", {})
    texts = ["张三", 'a "b" & <c>', "it's", Markup("<b>kept</b>"), 7, None, "张三"]
    assert [render._escaped(v) for v in texts if v is not None] == [str(escape(v)) for v in texts if v is not None]
    columns = {
        "text": texts,
        "money": [94_000.0, 94_000.0, -0.0, 0, math.nan, 123_456_789.0, None],
        "number": [1, 2, 2, None, 3.5, 1_000_000, 0],
        "percent": [0.875, 0.875, None, 1.0, 0.0, -0.25, 2],
        "date": [dt.date(2026, 11, 20), dt.date(2026, 11, 20), None, dt.date(2026, 1, 1)] * 2,
        "change": [1_200.0, -1_200.0, 0, 0, None, 5.0, 1_200.0],
    }
    for kind, values in columns.items():
        write = renderer.cell_formatter(kind)
        open_ = "<td>" if kind in ("text", "date") else '<td class="num">'
        one_by_one = [f"{open_}{render._NOT_AVAILABLE if v is None else write(v)}</td>" for v in values]
        assert render._column_cells(values, write, kind) == one_by_one, kind
    unhashable = [[1], None, [1]]  # not a key: written one by one all the same
    assert render._column_cells(unhashable, str, "number") == [
        '<td class="num">[1]</td>', f'<td class="num">{render._NOT_AVAILABLE}</td>', '<td class="num">[1]</td>']


def test_the_csv_download_keeps_raw_numbers_and_defuses_formulas() -> None:
    lines = table_csv(_table()).decode("utf-8-sig").splitlines()
    assert lines[0] == "name,premium,change,rate,day"
    assert lines[1].endswith(",94000,-1200,0.88,")
    assert lines[2] == "'=1+2,,0,,"


def test_an_unwritable_template_cache_only_means_compiling_again(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2.bccache

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(jinja2.bccache.tempfile, "NamedTemporaryFile", refuse)  # a read-only share, say
    renderer = Renderer(tmp_path, "en", {})
    html = renderer.env.from_string('{% from "_macros.html" import data_table %}{{ data_table(table, url) }}'
                                    ).render(table=_table(), url=lambda href: href)
    assert "<tbody>" in html and not list((tmp_path / ".trackboard-cache" / "templates").iterdir())


def test_records_are_plain_python_with_none_for_missing() -> None:
    import datetime as dt

    import pandas as pd

    from generator.pages.kpi_tables import records

    frame = pd.DataFrame({
        "premium": [1.5, float("nan")], "cases": [3, 4], "active": [True, False],
        "name": pd.array(["张三", None], dtype="string[pyarrow]"), "note": ["x", None],
        "day": pd.to_datetime(["2026-11-20", None]),
    }, index=["P1", "P2"])
    rows = records(frame, lambda key: f"people/{key}/")
    assert rows == [
        {"premium": 1.5, "cases": 3, "active": True, "name": "张三", "note": "x",
         "day": pd.Timestamp("2026-11-20"), "id": "P1", "_href": "people/P1/"},
        {"premium": None, "cases": 4, "active": False, "name": None, "note": None, "day": None, "id": "P2",
         "_href": "people/P2/"},
    ]
    assert [type(rows[0][k]) for k in ("premium", "cases", "active", "name")] == [float, int, bool, str]
    assert isinstance(rows[0]["day"], dt.datetime)
    assert records(frame[[]]) == [{"id": "P1"}, {"id": "P2"}]
