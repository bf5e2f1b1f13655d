"""The engine layer (generator/engine.py): the sales summed per person and day by one Ibis expression give the
same figures on DuckDB (the default), on PostgreSQL (a sales dataset read from it) and on Spark in local mode.

The PostgreSQL server is test_database.py's throwaway cluster; Spark runs in this process's JVM (Java 17).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlsite import PASSWORD, SALES_FROM_SQL, clock, files, site_toml
from test_database import database, server  # noqa: F401  (fixtures)

from generator import engine
from generator.commands.build import build
from generator.inputs.database import Query
from generator.metrics import kpis
from generator.model import load_site

DAY = dt.date(2026, 3, 2)
EPOCH = dt.date(1970, 1, 1)


def sales_frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    """A checked sales table as the loader makes it: date, person, premium, fyc, cases (Int64)."""
    frame = pd.DataFrame(rows, columns=["date", "person", "premium", "fyc", "cases"])
    return frame.assign(date=pd.to_datetime(frame["date"]).astype("datetime64[ns]"),
                        person=frame["person"].astype(object), premium=frame["premium"].astype("float64"),
                        fyc=frame["fyc"].astype("float64"), cases=frame["cases"].astype("Int64"))


def as_rows(summed: engine.PersonDays) -> list[tuple[object, ...]]:
    return [(str(summed.ids[s]), EPOCH + dt.timedelta(days=int(d)), int(p), int(f), int(c), int(r))
            for s, d, p, f, c, r in zip(summed.seller, summed.day, summed.premium, summed.fyc, summed.cases,
                                        summed.rows)]


def test_duckdb_sums_each_seller_and_day_in_whole_cents() -> None:
    sales = sales_frame([
        ("2026-03-02", "P1", 100.10, 10.00, 1),
        ("2026-03-03", "P1", -20.00, -2.00, -1),  # a refund
        ("2026-03-02", "P2", 50.00, 0.0, 1),
        ("2026-03-02", "P1", 0.20, None, None),  # empty FYC and cases: the dataset's defaults, 0 and 1
        (None, "P3", 999.0, 9.0, 1),  # undated: in no day
    ])
    assert as_rows(engine.local_sums(sales)) == [
        ("P1", DAY, 10030, 1000, 2, 2),
        ("P2", DAY, 5000, 0, 1, 1),
        ("P1", DAY + dt.timedelta(days=1), -2000, -200, -1, 1),
    ]


@pytest.mark.parametrize("amount", [0.125, 0.135, -0.125, 0.005, 0.015, 2.675, -2.665, 1e9 + 0.005, 1e-7, -0.0])
def test_an_amount_is_rounded_to_the_cent_as_numpy_rounds_it(amount: float) -> None:
    """Half a cent to even, as numpy.rint (the in-process sums before the engine): each engine's own ROUND would
    round halves away from zero."""
    summed = engine.local_sums(sales_frame([("2026-03-02", "P1", amount, amount, 1)]))
    assert int(summed.premium[0]) == int(summed.fyc[0]) == int(np.rint(amount * 100))


def test_the_kpis_windows_are_the_rows_summed_by_hand() -> None:
    """window_sums over the engine's person-day sums: a seller not in the people table is left out."""
    sales = sales_frame([
        ("2026-02-27", "P1", 1000.01, 100.0, 1),
        ("2026-03-01", "P1", 200.00, 20.0, 1),
        ("2026-03-01", "P1", 0.99, 0.0, 1),
        ("2026-03-02", "P2", 3000.50, 300.0, 2),
        ("2026-03-02", "GONE", 7.00, 0.0, 1),
    ])
    tables = {"sales": sales, "people": pd.DataFrame({"id": ["P2", "P1", "P9"]})}
    windows = {"march": (dt.date(2026, 3, 1), dt.date(2026, 3, 31)), "all": (dt.date(2026, 1, 1), DAY),
               "feb": (dt.date(2026, 2, 1), dt.date(2026, 2, 28))}
    sums = kpis.window_sums(tables, pd.Index(["P1", "P2", "P9"], dtype=object), windows)
    assert sums["premium_march"].tolist() == [20099, 300050, 0]
    assert sums["premium_all"].tolist() == [120100, 300050, 0]
    assert sums["premium_feb"].tolist() == [100001, 0, 0]
    assert sums["fyc_all"].tolist() == [12000, 30000, 0]
    assert sums["cases_march"].tolist() == [2, 2, 0]


def test_an_empty_sales_table_sums_to_nothing() -> None:
    summed = engine.local_sums(sales_frame([]))
    assert len(summed.day) == 0 and summed.totals() == (0, 0, 0, 0)


def test_duckdb_spills_what_its_memory_cannot_hold_to_a_folder_of_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its memory limit DuckDB writes its hash table to a temporary folder, never the working directory (its
    own default, which may be a cron job's / or a read-only share), and the sums are the rows' sums all the same."""
    rng = np.random.default_rng(7)
    n = 400_000
    days = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    sales = sales_frame(list(zip(days.strftime("%Y-%m-%d"), [f"P{i}" for i in rng.integers(0, 5_000, n)],
                                 rng.integers(1, 10**6, n) / 100, rng.integers(0, 10**4, n) / 100,
                                 rng.integers(-1, 3, n).tolist(), strict=True)))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setitem(engine._DUCKDB, "memory_limit", "32MB")  # too little: with nowhere to spill, it fails
    summed = engine.local_sums(sales)
    cents = sales.assign(premium=np.rint(sales["premium"] * 100).astype(np.int64),
                         fyc=np.rint(sales["fyc"] * 100).astype(np.int64), cases=sales["cases"].astype(np.int64))
    by_hand = cents.groupby(["date", "person"]).agg(premium=("premium", "sum"), fyc=("fyc", "sum"),
                                                    cases=("cases", "sum"), rows=("cases", "size"))
    assert sorted(as_rows(summed)) == sorted(
        (person, day.date(), *map(int, row)) for (day, person), row in zip(by_hand.index, by_hand.to_numpy()))
    assert list(work.iterdir()) == []


def _make_large_site() -> Any:
    """benchmarks/make_large_site.py, which is no package module."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "make_large_site.py"
    spec = importlib.util.spec_from_file_location("make_large_site", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _make_large_site()
SMALL = {"people_count": 60, "days": 40, "notices": 2, "divisions": 2, "teams_per_division": 3}


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """The benchmark's site made small, and its checked sales table."""
    root = bench.make_large(tmp_path_factory.mktemp("engine") / "small", **SMALL)
    return root, load_site(root, bench.AS_OF).tables["sales"]


def test_postgresql_sums_equal_duckdbs(server: Any, small_site: tuple[Path, pd.DataFrame]) -> None:  # noqa: F811
    """The same expression compiled for PostgreSQL over the dataset's query: typed columns, and every column as
    text (the server casts them as the loader parses them)."""
    root, sales = small_site
    bench.load_into_postgres(root, server.connect)
    check_server_sums_equal_duckdbs(server, sales, "CREATE TABLE sales_text AS SELECT 日期::text AS d, "
                                    "工号::text AS p, 保费::text AS m, 件数::text AS n FROM sales")


def check_server_sums_equal_duckdbs(running: Any, sales: pd.DataFrame, as_text: str) -> None:
    """The server's sums of the loaded sales table equal DuckDB's: typed, and as text from the table sales_text
    that `as_text` makes (columns d, p, m, n), where FYC is the default, 0."""
    running.execute("DROP TABLE IF EXISTS sales_text")
    running.execute(as_text)
    local = engine.local_sums(sales)
    assert local.totals()[3] == len(sales) and len(local.day) > 100
    headers = {"date": "日期", "person": "工号", "premium": "保费", "fyc": "FYC", "cases": "件数"}
    environ = {"TB_TEST_DW": running.url()}
    typed = Query("sales", "table", "sales", "${TB_TEST_DW}")
    text_query = Query("sales", "sql", "SELECT d, p, m, n FROM sales_text", "${TB_TEST_DW}")
    from_text = engine.server_sums(text_query, {"date": "d", "person": "p", "premium": "m", "cases": "n"}, environ)
    assert as_rows(engine.server_sums(typed, headers, environ)) == as_rows(local)
    # Without an FYC column the server's FYC is the default, 0.
    assert as_rows(from_text) == [(*row[:3], 0, *row[4:]) for row in as_rows(local)]


def test_server_sums_name_the_setting_at_fault(server: Any) -> None:  # noqa: F811
    check_server_sums_name_the_setting_at_fault(
        server, "CREATE TABLE sales_words AS SELECT '2026-03-02'::date AS 日期, 'P1' AS 工号, '¥1,200' AS 保费",
        ("password authentication failed", 'syntax error at or near "FORM"', '"no_such_table" does not exist',
         "invalid input syntax for type double"), r"column source\.no_such_column does not exist", PASSWORD + "x")


def check_server_sums_name_the_setting_at_fault(running: Any, words_table: str, refusals: tuple[str, str, str, str],
                                                no_column: str, hidden: str) -> None:
    """Each failure of the sums names the setting at fault (and shows not `hidden`), given the table
    sales_words `words_table` makes (one row, its premium '¥1,200') and what the server says to a wrong password,
    a syntax error, a missing table, that premium, and (a pattern) a missing column."""
    environ = {"TB_TEST_DW": running.url(), "TB_WRONG": running.url(password=PASSWORD + "x")}
    headers = {"date": "日期", "person": "工号", "premium": "保费"}
    running.execute("DROP TABLE IF EXISTS sales_words")
    running.execute(words_table)
    wrong_password, syntax, no_table, bad_amount = refusals
    cases = [
        (Query("sales", "table", "sales_words", "${TB_WRONG}"), "connection", wrong_password),
        (Query("sales", "sql", "SELECT * FORM sales_words", "${TB_TEST_DW}"), "sql", syntax),
        (Query("sales", "table", "no_such_table", "${TB_TEST_DW}"), "table", no_table),
        (Query("sales", "table", "sales_words", "${TB_TEST_DW}"), "table", bad_amount),
        (Query("sales", "table", "sales_words", "${TB_NOT_SET}"), "connection", "TB_NOT_SET is not set"),
    ]
    for query, setting, words in cases:
        with pytest.raises(engine.EngineError) as failure:
            engine.server_sums(query, headers, environ)
        assert failure.value.setting == setting and words in str(failure.value)
        assert hidden not in str(failure.value)
    with pytest.raises(engine.EngineError, match=no_column) as failure:
        engine.server_sums(Query("sales", "table", "sales_words", "${TB_TEST_DW}"),
                           {**headers, "premium": "no_such_column"}, environ)
    assert failure.value.setting == "table"


def counting_local_sums(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the sales tables summed in-process from now on."""
    calls: list[int] = []
    original = engine.local_sums

    def local_sums(sales: pd.DataFrame) -> engine.PersonDays:
        calls.append(len(sales))
        return original(sales)

    monkeypatch.setattr(engine, "local_sums", local_sums)
    return calls


def unit_pages(out: Path) -> dict[str, bytes]:
    return {p: b for p, b in files(out).items() if p.startswith(("units/", "leaderboard/", "daily/"))}


def test_a_site_whose_sales_come_from_postgresql_takes_the_servers_sums(
        make_site: Callable[..., Path], site: Path, tmp_path: Path, database: Any,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    check_the_servers_sums_are_taken(make_site, site, tmp_path, monkeypatch)


def check_the_servers_sums_are_taken(make_site: Callable[..., Path], site: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch, quote: str = "") -> None:
    """The site reading its sales from the server (TB_TEST_DW) sums none in-process: the same pages as from CSV."""
    build(site, out=tmp_path / "csv", clock=clock)
    calls = counting_local_sums(monkeypatch)
    db_site = make_site(tmp_path / "db-site", {"site.toml": site_toml(quote=quote), "data/sales.csv": None})
    result = build(db_site, out=tmp_path / "db", clock=clock)
    assert calls == [] and result.site.warnings == []  # the server summed them
    assert unit_pages(tmp_path / "db") == unit_pages(tmp_path / "csv")


def test_rows_the_checks_skip_are_not_summed_by_the_server(make_site: Callable[..., Path], tmp_path: Path,
                                                           database: Any, monkeypatch: pytest.MonkeyPatch  # noqa: F811
                                                           ) -> None:
    """An unknown seller's row is skipped by the checks but would count in the server's sums: the checked rows
    are summed in-process instead."""
    database.execute("INSERT INTO sales VALUES ('2026-03-05', 'NOBODY', 5000, 1, '意外险', 'A9')")
    calls = counting_local_sums(monkeypatch)
    db_site = make_site(tmp_path / "db-site", {"site.toml": site_toml(), "data/sales.csv": None})
    result = build(db_site, out=tmp_path / "db", clock=clock)
    assert calls == [3] and result.site.sources["sales"].rows_read == 4


def test_a_column_the_server_cannot_sum_is_summed_in_process_with_a_warning(
        make_site: Callable[..., Path], site: Path, tmp_path: Path, database: Any,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Amounts written as text with a currency sign: the loader reads them, the server cannot add them up."""
    check_summed_in_process_with_a_warning(make_site, site, tmp_path, monkeypatch, "'¥' || 保费",
                                           "could not sum the sales per person and day")


def check_summed_in_process_with_a_warning(make_site: Callable[..., Path], site: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch, worded_premium: str, says: str,
                                           quote: str = "") -> list[int]:
    """Premiums selected as `worded_premium` (a currency sign before them) the server cannot sum: the figures
    stay those of the rows read, and the quality page names the dataset's setting. The sales tables summed
    in-process for the database's build."""
    worded = SALES_FROM_SQL.replace("SELECT 日期, 工号, 保费,", f"SELECT 日期, 工号, {worded_premium} AS 保费,")
    db_site = make_site(tmp_path / "db-site", {"site.toml": site_toml(worded, quote), "data/sales.csv": None})
    build(site, out=tmp_path / "csv", clock=clock)
    calls = counting_local_sums(monkeypatch)
    result = build(db_site, out=tmp_path / "db", clock=clock)
    assert [w.column for w in result.site.warnings] == ["[data.sales] sql"]
    assert says in result.site.warnings[0].localized("en").message
    assert unit_pages(tmp_path / "db") == unit_pages(tmp_path / "csv")
    quality = (tmp_path / "db" / "quality" / "index.html").read_text(encoding="utf-8")
    assert "[data.sales] sql" in quality and "数据库未能按人按日汇总销售" in quality  # in the site's language
    return calls


@pytest.mark.slow
# PySpark's own slips, not ours: it hands pandas 3 a deprecated keyword, and leaves py4j's socket to the collector.
@pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning",
                            "ignore::pytest.PytestUnraisableExceptionWarning")
def test_spark_sums_equal_duckdbs(small_site: tuple[Path, pd.DataFrame]) -> None:
    """The expression on PySpark in local mode (a JVM in this process; Java 17) over the small site's sales."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    import ibis

    _, sales = small_site
    session = (pyspark_sql.SparkSession.builder.master("local[1]").appName("trackboard-engine-test")
               .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    try:
        table, names = engine.sales_arrow(sales)
        result = ibis.pyspark.connect(session).to_pyarrow(engine.person_day_sums(ibis.memtable(table)))
        summed = engine.PersonDays.of(engine.columns_of(result), names)
    finally:
        session.stop()
    local = engine.local_sums(sales)
    assert as_rows(summed) == as_rows(local)
    assert summed.totals() == local.totals()
