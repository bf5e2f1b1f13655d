"""Arbitrary CSV cells, front matter and Markdown: loading a site never fails with anything but TrackboardError,
every sales row is either read or reported, and each site loads in bounded time."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from conftest import AS_OF, BASELINE, write_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import TrackboardError
from generator.model import load_site

SALES = "data/sales.csv"
NOTICE = "content/notices/fuzz.md"
HEADER = ["日期", "工号", "保费", "件数", "险种"]

# Text with what breaks parsers: quotes, separators, line breaks, control characters, full-width digits.
nasty = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(
    list('",;\r\n\t\x00\x01\x7f\x85\u2028\ufeff０１２３¥￥,.-e+%')), max_size=24)
numbers = st.one_of(st.integers(-10**30, 10**30).map(str), st.floats(allow_nan=True).map(str),
                    st.sampled_from(["1e308", "-0", "NaN", "inf", "¥12,000.00", "1,2,3", "０"]))
dates = st.one_of(st.dates().map(str), st.sampled_from(
    ["2026-02-30", "2026-13-01", "0000-00-00", "9999-12-31", "2026/3/2", "45000", "2026-03-02T25:00", "昨天"]))
row = st.tuples(dates | nasty, st.sampled_from(["P001", "P002", "P003", "P004", "P999", ""]) | nasty,
                numbers | nasty, numbers | nasty, st.sampled_from(["金福年金", "意外险"]) | nasty)
scalar = st.one_of(nasty, numbers, dates, st.booleans().map(str))


def front_value(value: str, quoted: bool) -> str:
    return json.dumps(value) if quoted else value.replace("\n", " ").replace("\r", " ")


@settings(max_examples=40, deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(row, min_size=1, max_size=8), title=scalar, date=scalar, category=scalar,
       quoted=st.booleans(), body=st.text(st.characters(codec="utf-8", exclude_categories=["Cs"])
                                           | st.sampled_from(list("[]()<>*_`#>-|&;\n ")), max_size=300))
@pytest.mark.slow
def test_arbitrary_cells_and_markdown_load_or_are_reported(rows: list[tuple[str, ...]], title: str, date: str,
                                                          category: str, quoted: bool, body: str) -> None:
    sales = io.StringIO()
    csv.writer(sales, lineterminator="\r\n").writerows([HEADER, *rows])  # a cell's \r and \n quoted
    notice = (f"---\ntitle: {front_value(title, quoted)}\ndate: {front_value(date, quoted)}\n"
              f"category: {front_value(category, quoted)}\n---\n\n{body}\n")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_files(root, {**BASELINE, SALES: sales.getvalue(), NOTICE: notice})
        try:
            site = load_site(root, today=AS_OF, as_of=AS_OF)
        except TrackboardError:
            return
    reported = {p.row for p in site.errors if p.file == SALES and p.row is not None}
    if any(p.file == SALES and p.row is None for p in site.errors):  # the file as a whole refused
        return
    assert len(site.tables["sales"]) + len(reported) == len(rows), site.problems
    loaded = [d.file for d in site.documents["notices"]]
    assert NOTICE in loaded or any(p.file == NOTICE and p.is_error for p in site.problems), site.problems
