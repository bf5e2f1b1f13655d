"""Datasets read from a real MariaDB server (MySQL's protocol and SQL), and the sales summed there: the same site as
from CSV, the same CSV bytes as PostgreSQL's, the same sums as DuckDB's, secrets never written, clear errors.

The server is Debian's MariaDB (scripts/install-system-deps.sh installs it), a throwaway one made for this module
in a temporary folder and removed after it (benchmarks/mariadbserver.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlsite
from sqlsite import PASSWORD, clock, english, site_toml
from test_database import server  # noqa: F401  (a fixture: PostgreSQL's, for the CSV bytes compared)
from test_engine import (  # noqa: F401  (small_site is a fixture)
    as_rows,
    bench,
    check_server_sums_equal_duckdbs,
    check_server_sums_name_the_setting_at_fault,
    check_summed_in_process_with_a_warning,
    check_the_servers_sums_are_taken,
    counting_local_sums,
    small_site,
)

from generator import engine
from generator.commands.build import build
from generator.errors import TrackboardError
from generator.inputs import database as db
from generator.inputs.database import Query, fetch

# mariadb: the throwaway MariaDB server; my_database: test_database's sales table in it (premiums as DECIMAL),
# which test_database's site.toml then reads.
mariadb, my_database = sqlsite.server_fixtures("mariadbserver", "MariaDBServer", "MariaDB", "decimal(14, 2)",
                                       ("mariadb", "my_database"))


@pytest.mark.parametrize("scheme", ["mysql", "mariadb"])
def test_sales_read_from_mariadb_build_the_same_pages_as_from_csv(make_site: Callable[..., Path], site: Path,
                                                                  tmp_path: Path, my_database: Any, scheme: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TB_TEST_DW", my_database.url(scheme=scheme))
    db_site = make_site(tmp_path / "db-site", {"site.toml": site_toml(), "data/sales.csv": None})
    result = sqlsite.check_the_same_pages_as_from_csv(site, db_site, tmp_path)
    assert result.site.errors == []


def test_the_same_table_in_postgresql_and_mariadb_gives_the_same_csv_bytes(server: Any, mariadb: Any) -> None:  # noqa: F811
    """NULL, an empty string, quotes, commas, line breaks, Chinese, decimals, doubles, dates and times: MariaDB's
    rows are written as PostgreSQL's COPY writes them, so the dataset's fingerprint does not depend on the server."""
    columns = "行 integer, 日期 date, 工号 varchar(20), 保费 decimal(14, 2), 件数 integer, 比率 double precision, " \
              "{time} , 备注 text"
    rows = ("(1, '2026-03-02', 'P001', 12000, 1, 1.5, '2026-03-02 09:30:00', '首单'), "
            "(2, NULL, '', 0.5, NULL, 12000, NULL, 'a,\"b\"\nc'), "
            "(3, '2026-03-04', 'P 002', -3.25, -1, 0.1, '2026-03-04 23:59:59', NULL), "
            "(4, '2026-03-05', 'P003', 0, 0, -2.5, '2026-03-05 00:00:00', '')")
    server.execute("DROP TABLE IF EXISTS parity")
    server.execute(f"CREATE TABLE parity ({columns.format(time='时间 timestamp')})")
    server.execute(f"INSERT INTO parity VALUES {rows}")
    mariadb.execute("DROP TABLE IF EXISTS parity")
    mariadb.execute(f"CREATE TABLE parity ({columns.format(time='时间 datetime')})")
    mariadb.execute(f"INSERT INTO parity VALUES {rows}")
    environ = {"TB_PG": server.url(), "TB_MY": mariadb.url()}
    sql = "SELECT * FROM parity ORDER BY 行"
    from_pg = fetch(Query("parity", "sql", sql, "${TB_PG}"), environ)
    from_my = fetch(Query("parity", "sql", sql, "${TB_MY}"), environ)
    assert from_pg.problem is None and from_my.problem is None
    assert from_my.data.decode() == from_pg.data.decode()
    assert from_my.sha256 == from_pg.sha256
    assert ',"a,""b""\nc"\n' in from_my.data.decode() and ',""\n' in from_my.data.decode()
    # Bytes: text where they are UTF-8 (MySQL gives CAST(… AS BINARY) as bytes), else hex as PostgreSQL's bytea.
    binary_pg = fetch(Query("b", "sql", "SELECT '\\xff00'::bytea AS b, '工号' AS p", "${TB_PG}"), environ)
    binary_my = fetch(Query("b", "sql", "SELECT X'FF00' AS b, CAST('工号' AS BINARY) AS p", "${TB_MY}"), environ)
    assert binary_my.data == binary_pg.data == "b,p\n\\xff00,工号\n".encode()


def test_mariadbs_rows_are_fetched_a_batch_at_a_time(mariadb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server-side cursor, a batch at a time: each batch is written as it comes, the whole result never held."""
    mariadb.execute("DROP TABLE IF EXISTS numbers")
    mariadb.execute("CREATE TABLE numbers (n integer)")
    mariadb.execute("INSERT INTO numbers VALUES " + ", ".join(f"({n})" for n in range(7)))
    monkeypatch.setattr(db, "_BATCH", 3)
    blocks: list[bytes] = []
    db.read_csv(mariadb.url(), "SELECT n FROM numbers ORDER BY n", blocks.append)
    assert blocks == [b"n\n", b"0\n1\n2\n", b"3\n4\n5\n", b"6\n"]


def test_the_password_is_written_nowhere(make_site: Callable[..., Path], tmp_path: Path, my_database: Any) -> None:
    db_site = make_site(tmp_path / "db-site", {"site.toml": site_toml(), "data/sales.csv": None})
    sqlsite.check_the_password_is_written_nowhere(db_site, tmp_path)


@pytest.mark.parametrize(("sales", "expected"), sqlsite.query_failures(
    "You have an error in your SQL syntax", "Unknown column '签单日'",
    "Table 'trackboard.no_such_table' doesn't exist"))
def test_a_query_that_fails_names_the_dataset_and_setting_and_keeps_the_output(
        make_site: Callable[..., Path], tmp_path: Path, my_database: Any, sales: str, expected: str | None) -> None:
    sqlsite.check_a_query_that_fails(make_site, tmp_path, sales, expected)


def test_a_connection_that_fails_is_named_without_its_password(make_site: Callable[..., Path], tmp_path: Path,
                                                               my_database: Any, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    wrong_password, refused = sqlsite.failed_connections(make_site, tmp_path, my_database, monkeypatch)
    assert "site.toml:[data.sales] connection: cannot connect: Access denied for user 'trackboard'" in wrong_password
    assert "site.toml:[data.sales] connection: cannot connect: Can't connect to MySQL server" in refused


def test_a_server_that_never_answers_fails_after_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A port that takes the connection but never greets: the build fails after CONNECT_TIMEOUT, not never."""
    sqlsite.check_a_silent_server_times_out(
        monkeypatch, lambda port: f"mysql://trackboard:{PASSWORD}@127.0.0.1:{port}/trackboard")


def test_a_mariadb_url_passes_the_settings_check(make_site: Callable[..., Path], tmp_path: Path) -> None:
    """mysql:// and mariadb:// are database URLs: the build gets as far as connecting (nothing listens on port 1)."""
    for scheme in ("mysql", "mariadb"):
        data = f'[data.sales]\ntable = "sales"\nconnection = "{scheme}://x@127.0.0.1:1/d"'
        site = make_site(tmp_path / scheme, {"site.toml": site_toml(data), "data/sales.csv": None})
        with pytest.raises(TrackboardError) as failure:
            build(site, out=tmp_path / scheme / "out", clock=clock)
        assert "[data.sales] connection: cannot connect: Can't connect to MySQL server" in english(failure.value)


def test_options_of_a_mysql_url_are_refused_by_name(make_site: Callable[..., Path], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """No option is read yet (TLS among them): refused, not ignored; named, their values (a secret?) not shown."""
    monkeypatch.setenv("TB_TEST_DW", f"mysql://x:{PASSWORD}@127.0.0.1:1/d?ssl_ca=/etc/ca.pem&password=Zz-9x")
    site = make_site(tmp_path / "site", {"site.toml": site_toml(), "data/sales.csv": None})
    with pytest.raises(TrackboardError) as failure:
        build(site, out=tmp_path / "out", clock=clock)
    text = english(failure.value)
    assert "[data.sales] connection: a MySQL or MariaDB URL takes no options after ? yet (found: password, ssl_ca)" \
        in text
    assert "Zz-9x" not in text and PASSWORD not in text and "/etc/ca.pem" not in text


def test_mariadb_sums_equal_duckdbs(mariadb: Any, small_site: tuple[Path, pd.DataFrame]) -> None:  # noqa: F811
    """The same expression compiled for MySQL over the dataset's query: typed columns, and every column as text
    (the server casts them as the loader parses them)."""
    root, sales = small_site
    counts = bench.load_into_mysql(root, mariadb.connect)
    assert counts["sales"] == len(sales)
    check_server_sums_equal_duckdbs(mariadb, sales, "CREATE TABLE sales_text AS SELECT CAST(日期 AS CHAR) AS d, "
                                    "工号 AS p, CAST(保费 AS CHAR) AS m, CAST(件数 AS CHAR) AS n FROM sales")


def test_mariadb_sums_sellers_whose_ids_differ_only_in_case_apart(mariadb: Any) -> None:
    """MySQL's usual collations compare P1 and p1 alike: the sums group the ids as bytes, as DuckDB does."""
    mariadb.execute("DROP TABLE IF EXISTS sales_case")
    mariadb.execute("CREATE TABLE sales_case (日期 date, 工号 varchar(10), 保费 decimal(14, 2)) "
                    "COLLATE utf8mb4_unicode_ci")
    mariadb.execute("INSERT INTO sales_case VALUES ('2026-03-02', 'P1', 100.10), ('2026-03-02', 'p1', 0.20), "
                    "('2026-03-02', 'P1', 1.00)")
    summed = engine.server_sums(Query("sales", "table", "sales_case", "${TB_TEST_DW}"),
                                {"date": "日期", "person": "工号", "premium": "保费"}, {"TB_TEST_DW": mariadb.url()})
    assert [(row[0], row[2], row[5]) for row in as_rows(summed)] == [("P1", 10110, 2), ("p1", 20, 1)]


def test_server_sums_name_the_setting_at_fault(mariadb: Any) -> None:
    # MySQL's CAST reads '¥1,200' as 0 with a warning, where PostgreSQL's fails: the warning fails the sums.
    check_server_sums_name_the_setting_at_fault(
        mariadb, "CREATE TABLE sales_words AS SELECT DATE '2026-03-02' AS 日期, 'P1' AS 工号, '¥1,200' AS 保费",
        ("Access denied for user", "You have an error in your SQL syntax", "no_such_table' doesn't exist",
         "Truncated incorrect DOUBLE value"), r"Unknown column 'source\.no_such_column'", PASSWORD)


def test_a_site_whose_sales_come_from_mariadb_takes_the_servers_sums(
        make_site: Callable[..., Path], site: Path, tmp_path: Path, my_database: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    check_the_servers_sums_are_taken(make_site, site, tmp_path, monkeypatch)


def test_a_column_mariadb_cannot_sum_is_summed_in_process_with_a_warning(
        make_site: Callable[..., Path], site: Path, tmp_path: Path, my_database: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Amounts written as text with a currency sign: the loader reads them; MariaDB's CAST would read them as 0
    with a warning. The figures stay those of the rows read, and the quality page names the dataset's setting."""
    calls = check_summed_in_process_with_a_warning(make_site, site, tmp_path, monkeypatch, "CONCAT('¥', 保费)",
                                                   "Truncated incorrect DOUBLE value")
    assert calls == [3]


@pytest.mark.slow
def test_a_generated_site_from_mariadb_equals_the_same_site_from_csv(mariadb: Any, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's site shape, made small: every dataset read from MariaDB, sales as typed columns, summed
    by the server."""
    csv_site, db_site = sqlsite.generated_sites(bench, tmp_path)
    bench.load_into_mysql(db_site, mariadb.connect)
    bench.read_from_postgres(db_site, "${TB_TEST_DW}", quote="`")
    monkeypatch.setenv("TB_TEST_DW", mariadb.url())
    assert not list((db_site / "data").glob("*.csv"))
    build(csv_site, out=tmp_path / "out-csv", as_of=bench.AS_OF, clock=clock)
    calls = counting_local_sums(monkeypatch)
    result = build(db_site, out=tmp_path / "out-db", as_of=bench.AS_OF, clock=clock)
    assert result.site.errors == [] and result.site.warnings == [] and calls == []
    sqlsite.check_the_same_output(tmp_path)
