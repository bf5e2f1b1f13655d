"""What the tests of the SQL servers share: test_database.py (PostgreSQL), test_mysql.py (MariaDB), test_spark.py
(Spark Connect) and test_engine.py (the sums on each). The baseline site with its sales read from a server, the
throwaway servers (benchmarks/pgserver.py, mariadbserver.py, sparkserver.py), and the checks made alike on each
server, with what each server says passed in: one check, so the servers are held to the same test.

Spark SQL takes a Chinese name only in backquotes (`日期`): a site's query for it is written with `quote="`"`,
which site_toml puts around the names in its sql.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.commands.build import build
from generator.errors import TrackboardError

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Pg-s3cret-Zq7"  # a value that must appear nowhere a build writes
NOW = dt.datetime(2026, 3, 6, 1, 0, tzinfo=dt.UTC)


def bench_module(name: str) -> Any:
    """benchmarks/<name>.py, which is no package module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def clock() -> dt.datetime:
    return NOW


def server_fixtures(module: str, server_class: str, what: str, amount: str, names: tuple[str, str], quote: str = "",
                    text: str = "text") -> tuple[Any, Any]:
    """The two fixtures of a throwaway server, named `names`: the server itself (benchmarks/<module>.py's
    `server_class`, PASSWORD its password, one a test module, skipped where `what`'s programs are not installed),
    and the baseline site's sales in a typed table in it (dates as DATE, premiums as `amount`, text as `text`, the
    names in `quote`) with the connection URL in the environment as TB_TEST_DW (its password in it)."""
    servers = bench_module(module)

    def running() -> Iterator[Any]:
        if servers.server_programs() is None:
            pytest.skip(f"{what}'s server programs are not installed: run bash scripts/install-system-deps.sh")
        with getattr(servers, server_class)(PASSWORD) as server:
            yield server

    def with_sales(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
        server = request.getfixturevalue(names[0])
        server.execute("DROP TABLE IF EXISTS sales")
        server.execute(quoted(f"CREATE TABLE sales (日期 date, 工号 {text}, 保费 {amount}, 件数 integer, 险种 {text}, "
                              f"保单号 {text})", quote))
        server.execute("INSERT INTO sales VALUES (DATE '2026-03-02', 'P003', 12000, 1, '金福年金', 'A1'), "
                       "(DATE '2026-03-03', 'P004', 94000, 1, '康宁终身', 'A2'), "
                       "(DATE '2026-03-05', 'P002', 3000, 1, '意外险', 'A3')")
        monkeypatch.setenv("TB_TEST_DW", server.url())
        return server

    return pytest.fixture(scope="module", name=names[0])(running), pytest.fixture(name=names[1])(with_sales)


SALES_FROM_SQL = """
[data.sales]
sql = "SELECT 日期, 工号, 保费, 件数, 险种, 保单号 FROM sales ORDER BY 保单号"
connection = "${TB_TEST_DW}"
[data.sales.columns]
date = "日期"
person = "工号"
premium = "保费"
cases = "件数"
product = "险种"
order = "保单号"
"""


# A Chinese name in SQL: a run of Chinese characters not in quotes already ('金福年金' is a value).
_NAME = re.compile(r"(?<![`\w'])([\u4e00-\u9fff]+)(?![`\w'])")


def quoted(sql: str, quote: str) -> str:
    """SQL with its Chinese names in `quote` (nothing: as they are)."""
    return _NAME.sub(lambda match: quote + match.group(1) + quote, sql) if quote else sql


def site_toml(sales: str = SALES_FROM_SQL, quote: str = "") -> str:
    """The baseline site.toml with its [data.sales] replaced by `sales`, the names in its sql in `quote`."""
    from conftest import BASELINE

    sales = "\n".join(quoted(line, quote) if line.startswith("sql = ") else line for line in sales.splitlines())
    head, _, rest = BASELINE["site.toml"].partition("[data.sales]")
    return head + sales.strip() + "\n\n[rules]" + rest.partition("[rules]")[2]


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def everything_written(folder: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> set[str]:
    return {path for path in a.keys() | b.keys() if a.get(path) != b.get(path)}


def english(failure: TrackboardError) -> str:
    """The problems of a failed build as an English site shows them (the baseline site is Chinese)."""
    return "\n".join(str(p.localized("en")) for p in failure.problems)


def build_fails(site: Path, out: Path) -> str:
    """Build into `out` (which holds an earlier build) expecting failure; the error as the user sees it, in English."""
    before = files(out)
    with pytest.raises(TrackboardError) as failure:
        build(site, out=out, clock=clock)
    assert files(out) == before, "the previous output must stay untouched"
    text = english(failure.value)
    assert PASSWORD not in text and PASSWORD not in failure.value.format_message()
    return text


def check_the_same_pages_as_from_csv(site: Path, db_site: Path, tmp_path: Path) -> Any:
    """The site from CSV and from the server: only what names the source differs. The database build's result."""
    build(site, out=tmp_path / "csv", clock=clock)
    result = build(db_site, out=tmp_path / "db", clock=clock)
    from_csv, from_db = files(tmp_path / "csv"), files(tmp_path / "db")
    # Only what names the source differs: build.json's inputs and the quality page's list of sources.
    assert differing(from_csv, from_db) <= {"build.json", "quality/index.html", "search/index.html"} | {
        p for p in from_db if p.startswith("search/")}
    assert from_csv.keys() == from_db.keys()
    assert b"data.sales (sql)" in from_db["quality/index.html"]
    inputs = json.loads(from_db["build.json"])["inputs"]
    assert "data/sales.csv" not in inputs and len(inputs["data.sales (sql)"]) == 64
    assert result.site.sources["sales"].rows_kept == 3
    return result


def check_the_password_is_written_nowhere(db_site: Path, tmp_path: Path) -> None:
    """The URL's ${TB_TEST_DW} holds the password: not in the output, the cache, nor what the command prints."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "generator", "build", str(db_site), "--out", str(out), "--as-of",
                           "2026-03-05"], capture_output=True, text=True, env=os.environ.copy(), check=False)
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert PASSWORD.encode() not in everything_written(out)
    assert PASSWORD.encode() not in everything_written(db_site)  # the cache and site.toml
    assert b"data.sales (sql)" in (out / "build.json").read_bytes()


def query_failures(syntax: str, unknown_column: str, no_table: str) -> list[tuple[str, str | None]]:
    """Broken [data.sales] settings and the words of the failure, given what the server says to a syntax error,
    to the unknown column 签单日 and to the table no_such_table."""
    refused = "site.toml:[data.sales] {}: the database refused it: {}"
    return [
        (SALES_FROM_SQL.replace("FROM sales ORDER", "FORM sales ORDER"), refused.format("sql", syntax)),
        (SALES_FROM_SQL.replace("SELECT 日期,", "SELECT 签单日,"), refused.format("sql", unknown_column)),
        (SALES_FROM_SQL.replace("SELECT 日期,", "SELECT"),
         "data.sales (sql):日期: column not found (site.toml maps date to it)"),
        (SALES_FROM_SQL.replace('sql = "SELECT 日期, 工号, 保费, 件数, 险种, 保单号 FROM sales ORDER BY 保单号"',
                                'table = "no_such_table"'), refused.format("table", no_table)),
        (SALES_FROM_SQL.replace("SELECT 日期, 工号, 保费", "SELECT 日期, 工号, 日期 AS 保费"),
         None),  # a wrong type: every row's premium is a date, not an amount (checked below)
        (SALES_FROM_SQL.replace("${TB_TEST_DW}", "${TB_NOT_SET}"),
         "site.toml:[data.sales] connection: the environment variable TB_NOT_SET is not set"),
    ]


def check_a_query_that_fails(make_site: Callable[..., Path], tmp_path: Path, sales: str,
                             expected: str | None, quote: str = "") -> None:
    """The failure names the dataset and setting, and the previous output stays."""
    site = make_site(tmp_path / "site", {"site.toml": site_toml(quote=quote), "data/sales.csv": None})
    out = tmp_path / "out"
    build(site, out=out, clock=clock)
    (site / "site.toml").write_text(site_toml(sales, quote), encoding="utf-8")
    if expected is None:
        with pytest.raises(TrackboardError) as failure:
            build(site, out=out, clock=clock, strict=True)
        text = english(failure.value)
        assert 'data.sales (sql): row with 保单号=A2, 日期=2026-03-03, 工号=P004: 保费: "2026-03-03" is not an amount' \
               in text
        return
    assert expected in build_fails(site, out)


def failed_connections(make_site: Callable[..., Path], tmp_path: Path, server: Any,
                       monkeypatch: pytest.MonkeyPatch, quote: str = "") -> tuple[str, str]:
    """The failures, in English, of a connection with a wrong password (which it does not show) and of one to a
    port where nothing listens."""
    site = make_site(tmp_path / "site", {"site.toml": site_toml(quote=quote), "data/sales.csv": None})
    out = tmp_path / "out"
    build(site, out=out, clock=clock)
    monkeypatch.setenv("TB_TEST_DW", server.url(password=PASSWORD + "x"))  # a wrong password
    wrong_password = build_fails(site, out)
    assert PASSWORD + "x" not in wrong_password
    monkeypatch.setenv("TB_TEST_DW", server.url().replace(f":{server.port}/", ":1/"))  # nothing listens
    return wrong_password, build_fails(site, out)


GENERATED = {"people_count": 120, "days": 45, "notices": 6, "divisions": 2, "teams_per_division": 4}


def generated_sites(bench: Any, tmp_path: Path) -> tuple[Path, Path]:
    """The benchmark's site shape made small, twice: read from CSV, and (to be loaded) from a server."""
    return bench.make_large(tmp_path / "csv", **GENERATED), bench.make_large(tmp_path / "db", **GENERATED)


def check_the_same_output(tmp_path: Path) -> None:
    """out-csv and out-db differ only in what names the source."""
    from_csv, from_db = files(tmp_path / "out-csv"), files(tmp_path / "out-db")
    assert from_csv.keys() == from_db.keys()
    assert differing(from_csv, from_db) <= {"build.json", "quality/index.html"} | {
        p for p in from_db if p.startswith("search/")}


def check_a_silent_server_times_out(monkeypatch: pytest.MonkeyPatch, url: Callable[[int], str]) -> None:
    """A port that takes the connection but never answers (`url` of its port): fetching fails after
    CONNECT_TIMEOUT (1 s here), naming the connection, the password written nowhere in what it says."""
    from generator.inputs import database as db

    monkeypatch.setattr(db, "CONNECT_TIMEOUT", 1)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        result = db.fetch(db.Query("sales", "table", "sales", "${TB_SILENT}"),
                          {"TB_SILENT": url(silent.getsockname()[1])})
    assert result.problem is not None
    text = str(result.problem.localized("en"))
    assert "site.toml:[data.sales] connection: cannot connect:" in text and "timed out" in text
    assert PASSWORD not in text
