"""The benchmark's site generator: the same bytes every time, and a site trackboard builds without a complaint."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from generator.commands.build import build
from generator.model import load_site

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def bench_module(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_large_site():
    return bench_module("make_large_site")


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_large_site_generator_is_deterministic_and_its_site_builds_cleanly(tmp_path: Path) -> None:
    bench = make_large_site()
    # The large site's shape (divisions of teams, person-day sales, monthly targets, notices), made small.
    size = {"people_count": 90, "days": 40, "notices": 12, "divisions": 2, "teams_per_division": 3}
    first = bench.make_large(tmp_path / "a", **size)
    second = bench.make_large(tmp_path / "b", **size)
    assert digests(first) == digests(second)

    sales = pd.read_csv(first / "data" / "sales.csv")
    assert len(sales) == 90 * 40 and sales["工号"].nunique() == 90
    assert len(list((first / "content" / "notices").glob("*.md"))) == 12

    result = build(first, out=tmp_path / "out", strict=True, clock=lambda: dt.datetime(2026, 11, 21, tzinfo=dt.UTC))
    assert result.site.errors == []
    assert result.site.as_of == bench.AS_OF
    people_pages = list((tmp_path / "out" / "people").glob("*/index.html"))
    assert len(people_pages) == 90
    assert len(list((tmp_path / "out" / "notices").glob("*/index.html"))) == 12


def test_the_huge_site_generator_writes_a_month_at_a_time_what_builds_cleanly(tmp_path: Path) -> None:
    bench = make_large_site()
    # The 50,000-person site's shape (divisions of many teams, a year written a month at a time), made small.
    size = {"people_count": 120, "days": 75, "notices": 3, "divisions": 2, "teams_per_division": 6}
    first = bench.make_huge(tmp_path / "a", **size)
    assert digests(first) == digests(bench.make_huge(tmp_path / "b", **size))

    sales = pd.read_csv(first / "data" / "sales.csv")
    assert len(sales) == 120 * 75 and sales["工号"].nunique() == 120
    assert sales["日期"].nunique() == 75 and sales["日期"].max() == bench.AS_OF.isoformat()
    assert sales["日期"].is_monotonic_increasing
    targets = pd.read_csv(first / "data" / "targets.csv")
    assert set(targets["期间"]) == {d[:7] for d in sales["日期"]}

    result = build(first, out=tmp_path / "out", strict=True, clock=lambda: dt.datetime(2026, 11, 21, tzinfo=dt.UTC))
    assert result.site.errors == []
    assert len(list((tmp_path / "out" / "people").glob("*/index.html"))) == 120


def test_the_parquet_copy_of_a_generated_site_loads_the_same_tables(tmp_path: Path) -> None:
    bench = make_large_site()
    size = {"people_count": 60, "days": 40, "notices": 2, "divisions": 2, "teams_per_division": 3}
    site = bench.make_huge(tmp_path / "csv", **size)
    parquet = bench.write_parquet(site, tmp_path / "parquet")
    assert sorted(p.name for p in (parquet / "data").iterdir()) == [
        "people.parquet", "sales.parquet", "targets.parquet", "units.parquet"]
    as_csv = load_site(site, today=bench.AS_OF)
    as_parquet = load_site(parquet, today=bench.AS_OF)
    assert as_parquet.sources["sales"].file == "data/sales.parquet" and as_parquet.problems == as_csv.problems == []
    for name, table in as_csv.tables.items():
        pd.testing.assert_frame_equal(as_parquet.tables[name], table)
    assert len(as_parquet.tables["sales"]) == 60 * 40


def test_the_briefs_comparison_builds_the_site_without_briefs_pdfs_and_posters(tmp_path: Path) -> None:
    """`run.py --only briefs` compares the large site with its briefs, PDFs and posters (the defaults) against the
    same site without any of them."""
    run = bench_module("run")
    size = {"people_count": 60, "days": 20, "notices": 3, "divisions": 2, "teams_per_division": 2}
    site = make_large_site().make_large(tmp_path / "large", **size)
    bare = run.without_briefs(site, tmp_path / "bare")
    clock = lambda: dt.datetime(2026, 11, 21, tzinfo=dt.UTC)  # noqa: E731
    with_ = build(site, out=tmp_path / "with", strict=True, clock=clock)
    without = build(bare, out=tmp_path / "without", profile="nobriefs", strict=True, clock=clock)
    assert with_.site.errors == [] and without.site.errors == []
    made = run.briefs_files(tmp_path / "with")
    units = 1 + size["divisions"] * (1 + size["teams_per_division"])
    assert made["briefs"] == 7 * units  # every unit, the last 7 report days
    assert made["pdfs"] == 1 + 1 + size["divisions"] and made["posters"] > 1  # branch, divisions, daily report
    assert run.briefs_files(tmp_path / "without") == {"briefs": 0, "pdfs": 0, "posters": 0}
    assert not (tmp_path / "without" / "posters").exists()
    assert (tmp_path / "without" / "daily").is_dir()  # the rest of the site is there
