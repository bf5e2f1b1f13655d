"""Parquet datasets: read with Arrow, then mapped, typed and checked as a CSV's cells, with the same problems."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from conftest import BASELINE

from generator.model import Site, load_site

TODAY = dt.date(2026, 3, 5)

# The same sales as a CSV and as a Parquet file typed as a warehouse exports it: dates as dates, amounts as
# numbers, counts as integers; a missing amount, an amount that is no number (a text column), an unknown seller,
# a NaN, a date out of range and an empty product among them.
SALES_CSV = """\
日期,工号,保费,件数,险种
2026-03-02,P003,12000.5,1,金福年金
2026-03-03,P004,94000,2,康宁终身
2026-03-04,P009,3000,1,意外险
2026-03-05,P002,,1,
2026-03-05,P003,8000,,意外险
3026-03-05,P002,100,1,意外险
"""


def sales_parquet(premium: pa.Array | None = None) -> bytes:
    table = pa.table({
        "日期": pa.array([dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4), dt.date(2026, 3, 5),
                        dt.date(2026, 3, 5), dt.date(3026, 3, 5)], pa.date32()),
        "工号": ["P003", "P004", "P009", "P002", "P003", "P002"],
        "保费": premium if premium is not None else pa.array([12000.5, 94000, 3000, None, 8000, 100], pa.float64()),
        "件数": pa.array([1, 2, 1, 1, None, 1], pa.int64()),
        "险种": ["金福年金", "康宁终身", "意外险", None, "意外险", "意外险"],
    })
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=2)  # several row groups: several chunks to read as one column
    return sink.getvalue()


def parquet_toml() -> str:
    return BASELINE["site.toml"].replace('file = "data/sales.csv"', 'file = "data/sales.parquet"')


def load(path: Path) -> Site:
    """The site with its problems as an English site shows them (the assertions' wording)."""
    site = load_site(path, today=TODAY)
    site.problems = [problem.localized("en") for problem in site.problems]
    return site


def problems(site: Site, file: str) -> list[str]:
    return sorted(str(p).replace(file, "FILE") for p in site.problems)


def test_parquet_sales_load_as_the_same_csv_would(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    csv_site = load(make_site(tmp_path / "csv", {"data/sales.csv": SALES_CSV}))
    parquet_site = load(make_site(tmp_path / "parquet", {"site.toml": parquet_toml(), "data/sales.csv": None,
                                                         "data/sales.parquet": sales_parquet()}))
    found = problems(parquet_site, "data/sales.parquet")
    assert found == problems(csv_site, "data/sales.csv")
    assert 'FILE:4:工号: unknown person "P009" (not in data/people.csv); did you mean "P005"?' in found
    assert "FILE:5:保费: is empty; a value is required" in found
    assert 'FILE:7:日期: "3026-03-05" is out of range (expected a year from 1900 to 2199)' in found
    kept = parquet_site.tables["sales"]
    pd.testing.assert_frame_equal(kept, csv_site.tables["sales"])
    assert kept["premium"].tolist() == [12000.5, 94000.0, 8000.0]
    assert kept["cases"].tolist() == [1, 2, 1]  # the missing count takes the default, 1
    assert kept["_row"].tolist() == [2, 3, 6]
    assert parquet_site.sources["sales"].headers["premium"] == "保费"


def test_a_text_amount_in_parquet_is_reported_like_a_csv_cell(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    premium = pa.array(["12000.5", "三千", "3000", None, "¥8,000", "100"])
    site = load(make_site(tmp_path, {"site.toml": parquet_toml(), "data/sales.csv": None,
                                     "data/sales.parquet": sales_parquet(premium)}))
    found = problems(site, "data/sales.parquet")
    assert ('FILE:3:保费: "三千" is not an amount (expected a number such as 94000 or "¥94,000.00")') in found
    assert site.tables["sales"]["premium"].tolist() == [12000.5, 8000.0]


def test_a_nan_amount_is_a_missing_cell(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    premium = pa.array([12000.5, float("nan"), 3000, 1.0, 8000, 100], pa.float64())
    site = load(make_site(tmp_path, {"site.toml": parquet_toml(), "data/sales.csv": None,
                                     "data/sales.parquet": sales_parquet(premium)}))
    assert "FILE:3:保费: is empty; a value is required" in problems(site, "data/sales.parquet")


def test_parquet_found_by_name_and_fingerprinted(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    toml = BASELINE["site.toml"].replace('file = "data/sales.csv"\n', "")
    site_dir = make_site(tmp_path, {"site.toml": toml, "data/sales.csv": None, "data/sales.parquet": sales_parquet()})
    site = load(site_dir)
    assert site.sources["sales"].file == "data/sales.parquet"
    assert len(site.tables["sales"]) == 3
    before = site.fingerprints["data/sales.parquet"]
    (site_dir / "data" / "sales.parquet").write_bytes(sales_parquet(pa.array([1.0, 2, 3, 4, 5, 6], pa.float64())))
    assert load(site_dir).fingerprints["data/sales.parquet"] != before  # an unchanged site rebuilds nothing


def test_a_broken_or_nested_parquet_file_is_a_clear_fatal_error(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    broken = load(make_site(tmp_path / "broken", {"site.toml": parquet_toml(), "data/sales.csv": None,
                                                  "data/sales.parquet": SALES_CSV}))
    (problem,) = [p for p in broken.problems if p.fatal]
    assert problem.file == "data/sales.parquet" and problem.message.startswith("is not a readable Parquet file")
    sink = io.BytesIO()
    pq.write_table(pa.table({"日期": ["2026-03-02"], "工号": [["P003", "P004"]], "保费": [1.0]}), sink)
    nested = load(make_site(tmp_path / "nested", {"site.toml": parquet_toml(), "data/sales.csv": None,
                                                  "data/sales.parquet": sink.getvalue()}))
    (problem,) = [p for p in nested.problems if p.fatal]
    assert problem.message.startswith('column "工号" holds list<element: string> values')
