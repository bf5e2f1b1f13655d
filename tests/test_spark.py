"""Datasets read from a real Spark Connect server (`sc://host:port`), and the sales summed there: the same site as
from CSV, the same CSV bytes as PostgreSQL's, the same sums as DuckDB's, the token never written, clear errors.

The server is PySpark's own Spark Connect server in local mode on Java 17 (benchmarks/sparkserver.py), started
once for this module (about 20 s) and removed after it. Spark SQL takes the Chinese names in backquotes.
"""

from __future__ import annotations

import os
import subprocess
import sys
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

from generator.commands.build import build
from generator.errors import TrackboardError
from generator.inputs import database as db
from generator.inputs.database import Query, fetch

pytest.importorskip("pyspark.sql.connect.session", reason="the Spark Connect client: pip install 'trackboard[spark]'")

Q = "`"  # how Spark SQL quotes a name
# spark: the throwaway Spark Connect server; spark_database: the baseline site's sales in it (premiums as DECIMAL),
# which site_toml(quote=Q) then reads.
spark, spark_database = sqlsite.server_fixtures("sparkserver", "SparkConnectServer", "Spark", "decimal(14, 2)",
                                                ("spark", "spark_database"), quote=Q, text="string")


def test_sales_read_from_spark_build_the_same_pages_as_from_csv(make_site: Callable[..., Path], site: Path,
                                                                tmp_path: Path, spark_database: Any) -> None:
    db_site = make_site(tmp_path / "db-site", {"site.toml": site_toml(quote=Q), "data/sales.csv": None})
    result = sqlsite.check_the_same_pages_as_from_csv(site, db_site, tmp_path)
    assert result.site.errors == []


def test_the_same_table_in_postgresql_and_spark_gives_the_same_csv_bytes(server: Any, spark: Any) -> None:  # noqa: F811
    """NULL, an empty string, quotes, commas, line breaks, Chinese, decimals, doubles, booleans, dates and times:
    Spark's Arrow values are written as PostgreSQL's COPY writes them, so the fingerprint does not depend on the
    server; and the same table gives the same bytes every time."""
    columns = "行 integer, 日期 date, 工号 {text}, 保费 decimal(14, 2), 件数 integer, 比率 {double}, " \
              "时间 timestamp, 成交 boolean, 备注 {text}"
    rows = ("(1, DATE '2026-03-02', 'P001', 12000, 1, 1.5, TIMESTAMP '2026-03-02 09:30:00', true, '首单'), "
            "(2, NULL, '', 0.5, NULL, 12000, NULL, NULL, 'a,\"b\"\nc'), "
            "(3, DATE '2026-03-04', 'P 002', -3.25, -1, 0.1, TIMESTAMP '2026-03-04 23:59:59.25', false, NULL), "
            "(4, DATE '2026-03-05', 'P003', 0, 0, -2.5, TIMESTAMP '2026-03-05 00:00:00', true, ''), "
            "(5, DATE '2026-03-06', 'P004', 0.01, 2, 1e20, TIMESTAMP '2026-03-06 12:00:00.000001', false, 'z'), "
            "(6, DATE '2026-03-07', 'P005', 1.10, 3, 1.5e-05, TIMESTAMP '2026-03-07 08:00:00', true, '工号'), "
            "(7, DATE '2026-03-08', 'P006', 2, 4, 1e15, TIMESTAMP '2026-03-08 08:00:00', true, 'x'), "
            "(8, DATE '2026-03-09', 'P007', 3, 5, 123456789012345.6, TIMESTAMP '2026-03-09 08:00:00', true, 'y')")
    server.execute("DROP TABLE IF EXISTS parity")
    server.execute(f"CREATE TABLE parity ({columns.format(text='text', double='double precision')})")
    server.execute(f"INSERT INTO parity VALUES {rows}")
    spark.execute("DROP TABLE IF EXISTS parity")
    spark.execute(sqlsite.quoted(f"CREATE TABLE parity ({columns.format(text='string', double='double')})", Q))
    spark.execute(f"INSERT INTO parity VALUES {rows}")
    environ = {"TB_PG": server.url(), "TB_SPARK": spark.url()}
    from_pg = fetch(Query("parity", "sql", "SELECT * FROM parity ORDER BY 行", "${TB_PG}"), environ)
    from_spark = fetch(Query("parity", "sql", "SELECT * FROM parity ORDER BY `行`", "${TB_SPARK}"), environ)
    assert from_pg.problem is None and from_spark.problem is None
    assert from_spark.data.decode() == from_pg.data.decode()
    assert from_spark.sha256 == from_pg.sha256
    again = fetch(Query("parity", "table", "parity", "${TB_SPARK}"), environ)
    assert again.problem is None and again.sha256 == fetch(Query("parity", "table", "parity", "${TB_SPARK}"),
                                                           environ).sha256
    # Bytes: text where they are UTF-8, else hex as PostgreSQL's bytea.
    binary_pg = fetch(Query("b", "sql", "SELECT '\\xff00'::bytea AS b, '工号' AS p", "${TB_PG}"), environ)
    binary_spark = fetch(Query("b", "sql", "SELECT X'FF00' AS b, CAST('工号' AS BINARY) AS p", "${TB_SPARK}"), environ)
    assert binary_spark.data == binary_pg.data == "b,p\n\\xff00,工号\n".encode()


def test_a_timestamp_is_the_wall_clock_time_of_the_servers_session(spark: Any) -> None:
    """The server's session time zone is Asia/Shanghai (sparkserver.TIME_ZONE): its TIMESTAMP is written as
    Spark shows it there, not in UTC; a TIMESTAMP_NTZ as it is."""
    got = fetch(Query("t", "sql", "SELECT TIMESTAMP '2026-03-02 09:30:00' AS t, TIMESTAMP_NTZ '2026-03-02 09:30:00' "
                      "AS n, CAST(TIMESTAMP '2026-03-02 09:30:00' AS STRING) AS s", "${TB}"), {"TB": spark.url()})
    assert got.data == b"t,n,s\n2026-03-02 09:30:00,2026-03-02 09:30:00,2026-03-02 09:30:00\n"


def test_the_token_is_written_nowhere(make_site: Callable[..., Path], tmp_path: Path, spark_database: Any) -> None:
    db_site = make_site(tmp_path / "db-site", {"site.toml": site_toml(quote=Q), "data/sales.csv": None})
    sqlsite.check_the_password_is_written_nowhere(db_site, tmp_path)


def test_a_token_from_its_own_variable_is_read_and_not_shown(make_site: Callable[..., Path], tmp_path: Path,
                                                             spark_database: Any, monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """`;token=${NAME}`: the token alone in the environment; a wrong one is refused without being shown."""
    monkeypatch.setenv("TB_TEST_TOKEN", PASSWORD)
    connection = f"sc://localhost:{spark_database.port}/;user_id=report;token=${{TB_TEST_TOKEN}}"
    sales = sqlsite.SALES_FROM_SQL.replace('"${TB_TEST_DW}"', f'"{connection}"')
    site = make_site(tmp_path / "site", {"site.toml": site_toml(sales, Q), "data/sales.csv": None})
    result = build(site, out=tmp_path / "out", clock=clock)
    assert result.site.sources["sales"].rows_kept == 3
    monkeypatch.setenv("TB_TEST_TOKEN", "wr;ong=t%ken")  # percent-encoded into the URL: one parameter still
    text = sqlsite.build_fails(site, tmp_path / "out")
    assert "site.toml:[data.sales] connection: cannot connect: Invalid authentication token" in text
    assert "wr;ong" not in text and "t%ken" not in text


@pytest.mark.parametrize(("sales", "expected"), sqlsite.query_failures(
    "[PARSE_SYNTAX_ERROR] Syntax error at or near 'sales'", "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, "
    "variable, or function parameter with name `签单日` cannot be resolved.",
    "[TABLE_OR_VIEW_NOT_FOUND] The table or view `no_such_table` cannot be found."))
def test_a_query_that_fails_names_the_dataset_and_setting_and_keeps_the_output(
        make_site: Callable[..., Path], tmp_path: Path, spark_database: Any, sales: str, expected: str | None,
        capfd: pytest.CaptureFixture[str]) -> None:
    sqlsite.check_a_query_that_fails(make_site, tmp_path, sales, expected, Q)
    # Neither Spark's client nor gRPC prints the error (and the server's Java stack trace) on its own.
    printed = capfd.readouterr()
    assert "JVM stacktrace" not in printed.out + printed.err and "org.apache.spark" not in printed.err


def test_a_statement_that_writes_is_refused(spark_database: Any) -> None:
    """Spark has no read-only transaction: the statement runs as a subquery, which only a query can be."""
    environ = {"TB_TEST_DW": spark_database.url()}
    result = fetch(Query("sales", "sql", "DROP TABLE sales", "${TB_TEST_DW}"), environ)
    assert result.problem is not None
    assert "[data.sales] sql: the database refused it: [PARSE_SYNTAX_ERROR]" in str(result.problem.localized("en"))
    assert fetch(Query("sales", "table", "sales", "${TB_TEST_DW}"), environ).data.count(b"\n") == 4


def test_a_connection_that_fails_is_named_without_its_token(make_site: Callable[..., Path], tmp_path: Path,
                                                            spark_database: Any, monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    wrong_token, refused = sqlsite.failed_connections(make_site, tmp_path, spark_database, monkeypatch, Q)
    assert "site.toml:[data.sales] connection: cannot connect: Invalid authentication token" in wrong_token
    assert "site.toml:[data.sales] connection: cannot connect: failed to connect to all addresses" in refused
    assert "Connection refused" in refused


def test_a_token_to_a_server_without_tls_fails_in_one_line(make_site: Callable[..., Path], tmp_path: Path,
                                                           spark_database: Any) -> None:
    """A token to a host other than localhost is sent over TLS: to a server without it the build fails, saying
    so in one line (in the site's language, Chinese); neither gRPC nor Spark's client prints its own account,
    nor a traceback."""
    db_site = make_site(tmp_path / "db-site", {"site.toml": site_toml(quote=Q), "data/sales.csv": None})
    environ = {**os.environ, "TB_TEST_DW": spark_database.url().replace("//localhost:", "//127.0.0.1:")}
    environ.pop("GRPC_VERBOSITY", None)
    done = subprocess.run([sys.executable, "-m", "generator", "build", str(db_site), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, env=environ, check=False)
    assert done.returncode != 0
    said = done.stdout + done.stderr
    assert "[data.sales] connection" in said and "连接不上数据库：failed to connect to all addresses" in said
    assert "Handshake failed" not in done.stderr and "Traceback" not in done.stderr and "{\"ts\"" not in done.stderr
    assert PASSWORD not in done.stdout + done.stderr


def test_a_server_that_never_answers_fails_after_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A port that takes the connection but never answers: the build fails after CONNECT_TIMEOUT, not after the
    ten minutes Spark's client would retry."""
    sqlsite.check_a_silent_server_times_out(monkeypatch, lambda port: f"sc://localhost:{port}/;token={PASSWORD}")


@pytest.mark.parametrize(("connection", "expected"), [
    ("sc://localhost:15002/path", "The path component '/path' must be empty"),
    ("sc://localhost:port", "invalid literal for int()"),
])
def test_a_malformed_spark_url_is_named(connection: str, expected: str) -> None:
    result = fetch(Query("sales", "table", "sales", connection), {})
    assert result.problem is not None
    text = str(result.problem.localized("en"))
    assert "site.toml:[data.sales] connection: cannot connect:" in text and expected in text


def test_a_missing_spark_client_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "spark_client", lambda: False)
    result = fetch(Query("sales", "table", "sales", "sc://localhost:15002"), {})
    assert result.problem is not None
    assert "pip install 'trackboard[spark]'" in str(result.problem.localized("en"))


def test_the_token_of_a_spark_url_is_a_secret_and_percent_encoded() -> None:
    query = Query("sales", "table", "sales", "sc://dw:15002/;user_id=report;token=${TB_TOKEN}")
    environ = {"TB_TOKEN": "a;b=c%d"}
    assert query.resolve(environ) == "sc://dw:15002/;user_id=report;token=a%3Bb%3Dc%25d"
    assert {"a;b=c%d", "a%3Bb%3Dc%25d"} <= set(query.secrets(environ))
    written = Query("sales", "table", "sales", "sc://dw:15002/;token=Plain-Tok")
    assert "Plain-Tok" in written.secrets({})


def test_spark_connect_sums_equal_duckdbs(spark: Any, small_site: tuple[Path, pd.DataFrame]) -> None:  # noqa: F811
    """The same expression compiled for Spark SQL over the dataset's query: typed columns, and every column as
    text (the server casts them as the loader parses them)."""
    root, sales = small_site
    counts = bench.load_into_spark(root, spark.connect())
    assert counts["sales"] == len(sales)
    check_server_sums_equal_duckdbs(spark, sales, "CREATE TABLE sales_text AS SELECT CAST(`日期` AS STRING) AS d, "
                                    "`工号` AS p, CAST(`保费` AS STRING) AS m, CAST(`件数` AS STRING) AS n FROM sales")


def test_server_sums_name_the_setting_at_fault(spark: Any) -> None:
    check_server_sums_name_the_setting_at_fault(
        spark, "CREATE TABLE sales_words AS SELECT DATE '2026-03-02' AS `日期`, 'P1' AS `工号`, '¥1,200' AS `保费`",
        ("Invalid authentication token", "[PARSE_SYNTAX_ERROR]", "`no_such_table` cannot be found",
         "[CAST_INVALID_INPUT] The value '¥1,200' of the type \"STRING\" cannot be cast to \"DOUBLE\""),
        r"`no_such_column` cannot be resolved", PASSWORD)


def test_a_site_whose_sales_come_from_spark_takes_the_servers_sums(
        make_site: Callable[..., Path], site: Path, tmp_path: Path, spark_database: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    check_the_servers_sums_are_taken(make_site, site, tmp_path, monkeypatch, Q)


def test_a_column_spark_cannot_sum_is_summed_in_process_with_a_warning(
        make_site: Callable[..., Path], site: Path, tmp_path: Path, spark_database: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Amounts written as text with a currency sign: the loader reads them; Spark's CAST refuses them."""
    calls = check_summed_in_process_with_a_warning(make_site, site, tmp_path, monkeypatch, "'¥' || 保费",
                                                   "[CAST_INVALID_INPUT]", Q)
    assert calls == [3]


@pytest.mark.slow
def test_a_generated_site_from_spark_equals_the_same_site_from_csv(spark: Any, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's site shape, made small: every dataset read from Spark, sales as typed columns, summed by
    the server."""
    csv_site, db_site = sqlsite.generated_sites(bench, tmp_path)
    bench.load_into_spark(db_site, spark.connect())
    bench.read_from_postgres(db_site, "${TB_TEST_DW}", quote="`")
    monkeypatch.setenv("TB_TEST_DW", spark.url())
    assert not list((db_site / "data").glob("*.csv"))
    build(csv_site, out=tmp_path / "out-csv", as_of=bench.AS_OF, clock=clock)
    calls = counting_local_sums(monkeypatch)
    result = build(db_site, out=tmp_path / "out-db", as_of=bench.AS_OF, clock=clock)
    assert result.site.errors == [] and result.site.warnings == [] and calls == []
    sqlsite.check_the_same_output(tmp_path)


def test_a_spark_url_passes_the_settings_check(make_site: Callable[..., Path], tmp_path: Path) -> None:
    """sc:// is a database URL: the build gets as far as connecting (nothing listens on port 1)."""
    data = '[data.sales]\ntable = "sales"\nconnection = "sc://localhost:1"'
    site = make_site(tmp_path / "site", {"site.toml": site_toml(data), "data/sales.csv": None})
    with pytest.raises(TrackboardError) as failure:
        build(site, out=tmp_path / "out", clock=clock)
    assert "[data.sales] connection: cannot connect: failed to connect to all addresses" in english(failure.value)
