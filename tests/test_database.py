"""Datasets read from a real PostgreSQL server: the same site as from CSV, secrets never written, clear errors.

The server is Debian's PostgreSQL (scripts/install-system-deps.sh installs it), a throwaway cluster made for this
module in a temporary folder and removed after it (benchmarks/pgserver.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlsite
from sqlsite import SALES_FROM_SQL, bench_module, clock, english, files, site_toml

from generator.commands.build import build
from generator.errors import TrackboardError
from generator.model import load_site

# server: the throwaway PostgreSQL cluster; database: the baseline site's sales in it (premiums as NUMERIC).
server, database = sqlsite.server_fixtures("pgserver", "PostgresServer", "PostgreSQL", "numeric(14, 2)",
                                   ("server", "database"))


@pytest.fixture
def db_site(tmp_path: Path, make_site: Callable[..., Path], database: Any) -> Path:
    """The baseline site with its sales read from PostgreSQL, and no data/sales.csv."""
    return make_site(tmp_path / "db-site", {"site.toml": site_toml(), "data/sales.csv": None})


def test_sales_read_from_postgresql_build_the_same_pages_as_from_csv(db_site: Path, site: Path, tmp_path: Path
                                                                      ) -> None:
    sqlsite.check_the_same_pages_as_from_csv(site, db_site, tmp_path)


def test_the_password_is_written_nowhere(db_site: Path, tmp_path: Path) -> None:
    sqlsite.check_the_password_is_written_nowhere(db_site, tmp_path)


def test_an_unchanged_table_rebuilds_nothing_and_a_changed_one_rebuilds(db_site: Path, database: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import render
    from generator.commands import build as build_module

    rendered: list[str] = []
    original = render.Renderer.render

    def counting(self: Any, page: Any) -> Any:
        rendered.append(page.path)
        return original(self, page)

    monkeypatch.setattr(render.Renderer, "render", counting)
    monkeypatch.setattr(build_module, "POOL_MIN_PAGES", 10**9)  # render in this process, where it is counted
    first = build(db_site, clock=clock)
    before = files(db_site / "output")
    assert rendered
    rendered.clear()
    second = build(db_site, clock=clock)
    assert rendered == [], "the same query result renders no page again"
    assert second.site is None, "the same query result: the previous build is published again, no table read"
    assert second.build_id == first.build_id and files(db_site / "output").keys() == before.keys()
    database.execute("UPDATE sales SET 保费 = 15000 WHERE 保单号 = 'A1'")
    third = build(db_site, clock=clock)
    assert third.site is not None and rendered and "units/T1/index.html" in rendered
    assert third.build_id != first.build_id
    assert third.site.fingerprints["data.sales (sql)"] != first.site.fingerprints["data.sales (sql)"]
    assert float(load_site(db_site, today=clock().date()).tables["sales"]["premium"].sum()) == 15000 + 94000 + 3000


def test_a_bad_row_is_named_by_its_identity_not_a_row_number(make_site: Callable[..., Path], tmp_path: Path,
                                                             database: Any) -> None:
    database.execute("CREATE TABLE IF NOT EXISTS sales_text (日期 text, 工号 text, 保费 text, 保单号 text)")
    database.execute("TRUNCATE sales_text")
    database.execute("INSERT INTO sales_text VALUES ('2026-03-02', 'P003', '12000', 'A1'), "
                     "('soon', 'P004', '94000', 'B7'), ('2026-03-04', 'P999', '100', 'C9')")
    sales = ('[data.sales]\nsql = "SELECT * FROM sales_text ORDER BY 保单号"\nconnection = "${TB_TEST_DW}"\n'
             '[data.sales.columns]\ndate = "日期"\nperson = "工号"\npremium = "保费"\norder = "保单号"\n')
    site = make_site(tmp_path / "site", {"site.toml": site_toml(sales), "data/sales.csv": None})
    result = build(site, out=tmp_path / "out", clock=clock)
    shown = [str(p.localized("en")) for p in result.site.errors]  # the baseline site is Chinese
    assert 'data.sales (sql): row with 保单号=B7, 日期=soon, 工号=P004: 日期: "soon" is not a date ' \
           "(expected YYYY-MM-DD or YYYY/MM/DD)" in shown
    assert any(s.startswith("data.sales (sql): row with 保单号=C9, 日期=2026-03-04, 工号=P999: 工号: unknown person")
               for s in shown)
    assert result.site.sources["sales"].rows_kept == 1
    quality = (tmp_path / "out" / "quality" / "problems.csv").read_text(encoding="utf-8-sig")
    assert "保单号=B7, 日期=soon, 工号=P004 的那一行" in quality


@pytest.mark.parametrize(("sales", "expected"), sqlsite.query_failures(
    'syntax error at or near', 'column "签单日" does not exist', 'relation "no_such_table" does not exist'))
def test_a_query_that_fails_names_the_dataset_and_setting_and_keeps_the_output(
        make_site: Callable[..., Path], tmp_path: Path, database: Any, sales: str, expected: str | None) -> None:
    sqlsite.check_a_query_that_fails(make_site, tmp_path, sales, expected)


def test_a_password_with_url_characters_works_from_the_environment(make_site: Callable[..., Path], tmp_path: Path,
                                                                    database: Any, monkeypatch: pytest.MonkeyPatch
                                                                    ) -> None:
    """${NAME} before the @ is the password as it is: its @, #, / and : do not split the URL (before, the host was
    taken from its tail and the message showed that part of the password)."""
    password = "Rpt@2026#x/y:z%41"
    quoted = password.replace("'", "''")
    database.execute("DROP ROLE IF EXISTS reader")
    database.execute(f"CREATE ROLE reader LOGIN PASSWORD '{quoted}'")
    database.execute("GRANT SELECT ON sales TO reader")
    monkeypatch.setenv("TB_TEST_PASSWORD", password)
    connection = f"postgresql://reader:${{TB_TEST_PASSWORD}}@127.0.0.1:{database.port}/trackboard"
    site = make_site(tmp_path / "site", {"site.toml": site_toml(SALES_FROM_SQL.replace('"${TB_TEST_DW}"',
                                                                                        f'"{connection}"')),
                                         "data/sales.csv": None})
    result = build(site, out=tmp_path / "out", clock=clock)
    assert result.site.sources["sales"].rows_kept == 3
    monkeypatch.setenv("TB_TEST_PASSWORD", password + "@x")  # a wrong one: refused, and not a fragment of it shown
    with pytest.raises(TrackboardError) as failure:
        build(site, out=tmp_path / "out", clock=clock)
    text = english(failure.value)
    assert "password authentication failed" in text and "2026" not in text


def test_a_connection_that_fails_is_named_without_its_password(make_site: Callable[..., Path], tmp_path: Path,
                                                               database: Any, monkeypatch: pytest.MonkeyPatch
                                                               ) -> None:
    wrong_password, refused = sqlsite.failed_connections(make_site, tmp_path, database, monkeypatch)
    assert "site.toml:[data.sales] connection: cannot connect:" in wrong_password
    assert "password authentication failed" in wrong_password
    # not the wrong password's problem again
    assert "site.toml:[data.sales] connection: cannot connect:" in refused and "Connection refused" in refused


@pytest.mark.parametrize(("data", "expected"), [
    ('[data.sales]\nfile = "data/sales.csv"\nsql = "SELECT 1"\nconnection = "postgresql://x@h/d"',
     "data.sales.sql: set only one of file, sql and table (found file and sql)"),
    ('[data.sales]\ntable = "sales"', "data.sales.table: needs a connection"),
    ('[data.sales]\nconnection = "postgresql://x@h/d"', "data.sales.connection: is used with sql"),
    ('[data.sales]\ntable = "sales; DROP TABLE x"\nconnection = "postgresql://x@h/d"',
     '[data.sales] table: "sales; DROP TABLE x" is not a table name'),
    ('[data.sales]\ntable = "sales"\nconnection = "trino://x@h/d"',
     "[data.sales] connection: is not a URL of a database Trackboard reads"),
])
def test_database_settings_are_checked_before_connecting(make_site: Callable[..., Path], tmp_path: Path, data: str,
                                                         expected: str) -> None:
    site = make_site(tmp_path / "site", {"site.toml": site_toml(data)})
    with pytest.raises(TrackboardError) as failure:
        build(site, out=tmp_path / "out", clock=clock)
    assert expected in english(failure.value)
    assert "is required" not in english(failure.value)  # the setting is the problem, not a missing file


@pytest.mark.slow
def test_a_generated_site_from_postgresql_equals_the_same_site_from_csv(server: Any, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's site shape, made small: every dataset read from PostgreSQL, sales as typed columns."""
    bench = bench_module("make_large_site")
    csv_site, db_site = sqlsite.generated_sites(bench, tmp_path)
    bench.load_into_postgres(db_site, server.connect)
    bench.read_from_postgres(db_site, "${TB_TEST_DW}")
    monkeypatch.setenv("TB_TEST_DW", server.url())
    assert not list((db_site / "data").glob("*.csv"))
    as_of = bench.AS_OF
    build(csv_site, out=tmp_path / "out-csv", as_of=as_of, clock=clock)
    result = build(db_site, out=tmp_path / "out-db", as_of=as_of, clock=clock)
    assert result.site.errors == []
    sqlsite.check_the_same_output(tmp_path)


def test_notify_reads_the_phone_numbers_of_people_from_the_database(make_site: Callable[..., Path], tmp_path: Path,
                                                                     database: Any) -> None:
    from conftest import BASELINE

    from generator.commands.notify import load_phones
    from generator.config import load_config

    database.execute("DROP TABLE IF EXISTS people")
    database.execute("CREATE TABLE people AS SELECT * FROM (VALUES ('P001', '张经理', 'HQ', '经理', '138-0000-0001')) "
                     "AS p(工号, 姓名, 所属单位, 岗位, 手机)")
    people = '[data.people]\ntable = "people"\nconnection = "${TB_TEST_DW}"\n'
    site = make_site(tmp_path / "site", {"site.toml": BASELINE["site.toml"] + people, "data/people.csv": None})
    config, problems = load_config(site)
    assert problems == []
    assert load_phones(site, config) == {"P001": "13800000001"}


def test_sales_summed_per_person_day_in_the_database_give_the_same_figures(
        make_site: Callable[..., Path], tmp_path: Path, database: Any) -> None:
    """Two orders of one person on one day: summed by the database (GROUP BY), every unit page, daily report and
    leaderboard shows the same figures as from the orders; only what lists orders (a person's page, battle
    reports) differs."""
    database.execute("INSERT INTO sales VALUES ('2026-03-05', 'P002', 2000, 1, '意外险', 'A4')")
    summed = SALES_FROM_SQL.replace(
        "SELECT 日期, 工号, 保费, 件数, 险种, 保单号 FROM sales ORDER BY 保单号",
        "SELECT 日期, 工号, SUM(保费) AS 保费, SUM(件数) AS 件数 FROM sales GROUP BY 1, 2 ORDER BY 1, 2").replace(
        'product = "险种"\norder = "保单号"\n', "")
    orders = make_site(tmp_path / "orders", {"site.toml": site_toml(), "data/sales.csv": None})
    days = make_site(tmp_path / "days", {"site.toml": site_toml(summed), "data/sales.csv": None})
    first = build(orders, out=tmp_path / "out-orders", clock=clock)
    second = build(days, out=tmp_path / "out-days", clock=clock)
    assert first.site.sources["sales"].rows_kept == 4 and second.site.sources["sales"].rows_kept == 3
    a, b = files(tmp_path / "out-orders"), files(tmp_path / "out-days")
    # The board differs only in its battle reports' headlines, which name the order's product.
    # So do the morning briefs (daily/<day>/units/), which list the day's battle reports.
    same = [p for p in a if p.startswith(("units/", "leaderboard/", "daily/")) and "/units/" not in p[5:]]
    assert len(same) > 5
    assert [p for p in same if a[p] != b.get(p)] == []
