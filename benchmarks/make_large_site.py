"""Generate the benchmark sites, deterministically (same seed, same bytes).

- ``large``: a branch with 5,000 people in 500 teams under 25 divisions, 365 days of person-day sales
  (5,000 × 365 ≈ 1.8 million rows, UTF-8 CSV), monthly unit targets and 1,000 notices.
- ``notices``: a small organisation with 10,000 Markdown notices, plus a Hugo site holding the very same
  Markdown files, so both generators can be timed on equal pages.
- ``huge``: a provincial company: 50,000 people in 5,000 teams under 50 divisions, 365 days of person-day sales
  (about 18 million rows, some 620 MB of UTF-8 CSV, written a month at a time so that the generator holds no
  more than a month of rows), monthly unit targets and 1,000 notices. Not made by default. The same site with its
  datasets as Parquet files (write_parquet) goes to ``huge-parquet``.

load_into_postgres() copies a generated site's CSV files into PostgreSQL tables and read_from_postgres() points
its site.toml at them (benchmarks/run.py --only postgres; tests/test_database.py).

Generated files go to benchmarks/generated/ (gitignored): they are rebuilt from this script, never committed.

    python benchmarks/make_large_site.py            # large and notices
    python benchmarks/make_large_site.py large
    python benchmarks/make_large_site.py huge       # the 50,000-person site (minutes, 700 MB)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
GENERATED = HERE / "generated"

SEED = 20261120
AS_OF = dt.date(2026, 11, 20)
DAYS = 365
DIVISIONS = 25
TEAMS_PER_DIVISION = 20  # 500 teams
PEOPLE = 5_000
NOTICES = 1_000
HUGO_NOTICES = 10_000
HUGE = {"people_count": 50_000, "divisions": 50, "teams_per_division": 100}  # 5,000 teams

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛"
PRODUCTS = ["金福年金", "康宁终身", "尊享医疗", "意外险", "鑫享两全", "少儿教育金"]
CATEGORIES = ["通知", "制度", "活动", "培训", "表彰"]

SITE_TOML = """\
[site]
title = "{title}"
locale = "zh-CN"
timezone = "Asia/Shanghai"
currency = "CNY"

[rules]
big_order = 50000
"""


NOSEARCH_PROFILE = """
[profiles.nosearch]
exclude = ["search"]
"""


def _name(rng: np.random.Generator) -> str:
    given = "".join(rng.choice(list(GIVEN), size=int(rng.integers(1, 3))))
    return str(rng.choice(list(SURNAMES))) + given


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def organisation(rng: np.random.Generator, people: int, divisions: int, teams_per_division: int
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the units (branch → divisions → teams) and the people, heads first."""
    units = [("HQ", "华东分公司", "", "P00001", "P00002")]
    teams: list[str] = []
    for d in range(1, divisions + 1):
        division = f"D{d:02d}"
        units.append((division, f"营业{d}部", "HQ", "", "P00002"))
        for t in range(1, teams_per_division + 1):
            team = f"{division}T{t:02d}"
            teams.append(team)
            units.append((team, f"营业{d}部{t}组", division, "", ""))
    rows = []
    for i in range(1, people + 1):
        pid = f"P{i:05d}"
        if i == 1:
            unit, role, grade = "HQ", "经理", "高级经理"
        elif i == 2:
            unit, role, grade = "HQ", "督办", "内勤"
        else:
            unit = teams[(i - 3) % len(teams)]
            role, grade = ("主管", "主管") if i - 3 < len(teams) else ("业务员", str(rng.choice(["业务员", "见习"])))
        joined = AS_OF - dt.timedelta(days=int(rng.integers(30, 3000)))
        left = ""
        if role == "业务员" and rng.random() < 0.03:
            left = (AS_OF - dt.timedelta(days=int(rng.integers(1, 200)))).isoformat()
        rows.append((pid, _name(rng), unit, role, grade, joined.isoformat(), left, f"138{i:08d}"))
    heads = {team: f"P{n + 3:05d}" for n, team in enumerate(teams)}
    units = [(u, n, p, heads.get(u, h), tr) for u, n, p, h, tr in units]
    unit_frame = pd.DataFrame(units, columns=["单位编码", "单位名称", "上级单位", "负责人", "督办人"])
    people_frame = pd.DataFrame(rows, columns=["工号", "姓名", "所属单位", "岗位", "职级", "入司日期", "离司日期",
                                               "手机"])
    return unit_frame, people_frame


def person_day_sales(rng: np.random.Generator, people: pd.DataFrame, days: int, end: dt.date = AS_OF
                     ) -> pd.DataFrame:
    """One row per person and day of the `days` days up to `end`: most days nothing, some days one or more cases."""
    ids = people["工号"].to_numpy()
    dates = pd.date_range(end=pd.Timestamp(end), periods=days, freq="D").strftime("%Y-%m-%d").to_numpy()
    n = len(ids) * len(dates)
    cases = rng.binomial(3, 0.06, size=n)
    premium = np.where(cases > 0, np.round(rng.lognormal(8.6, 0.8, size=n) / 10) * 10 * cases, 0.0)
    fyc = np.round(premium * 0.3, 2)
    product = np.array(PRODUCTS, dtype=object)[rng.integers(0, len(PRODUCTS), size=n)]
    product = np.where(cases > 0, product, "")
    return pd.DataFrame({
        "日期": np.repeat(dates, len(ids)),
        "工号": np.tile(ids, len(dates)),
        "保费": premium,
        "FYC": fyc,
        "件数": cases,
        "险种": product,
    })


def monthly_targets(units: pd.DataFrame, sales: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """A premium target per unit and month, as a branch sets them: each team last year's average, rounded up to
    ten thousand; each division and the branch the sum of their teams'."""
    months = sorted({d[:7] for d in sales["日期"].unique()})
    return targets_of(units, unit_premiums(sales, people), months)


def unit_premiums(sales: pd.DataFrame, people: pd.DataFrame) -> pd.Series:
    """The premium of each person's unit over the sales."""
    team_of = dict(zip(people["工号"], people["所属单位"]))
    return sales.groupby(sales["工号"].map(team_of))["保费"].sum()


def targets_of(units: pd.DataFrame, premiums: pd.Series, months: list[str]) -> pd.DataFrame:
    """monthly_targets from each unit's premium over the months."""
    per_unit = premiums / len(months)
    parent = {u: p for u, p in zip(units["单位编码"], units["上级单位"], strict=True) if isinstance(p, str) and p}
    teams = {u: float(np.ceil(value * 1.1 / 10_000) * 10_000) for u, value in per_unit.items()
             if u not in set(parent.values())}  # the staff of the branch itself is no team
    totals = dict(teams)
    for team, value in teams.items():
        unit = team
        while unit in parent:
            unit = parent[unit]
            totals[unit] = totals.get(unit, 0.0) + value
    order = list(units["单位编码"])
    rows = [(month, unit, "premium", totals[unit]) for month in months for unit in order if unit in totals]
    return pd.DataFrame(rows, columns=["期间", "单位编码", "指标", "目标"])


def notice(i: int, date: dt.date, rng: np.random.Generator) -> str:
    """A notice of a few paragraphs, a list and a table: a realistic page for both generators."""
    category = CATEGORIES[i % len(CATEGORIES)]
    pinned = "true" if i % 97 == 0 else "false"
    team = int(rng.integers(1, 21))
    return f"""\
---
title: "第{i}号通知：{category}安排（{date.month}月{date.day}日）"
date: {date.isoformat()}
pinned: {pinned}
category: "{category}"
audience: "各营业部"
---

为做好{date.month}月的业绩追踪工作，现将有关事项通知如下。各营业部务必**高度重视**，按时落实。

## 一、工作要求

1. 每天早会前完成前一日的数据核对；
2. 各组主管对未破零人员逐一谈话，形成记录；
3. 督办人员每天三个电话、三条短信，跟进到人。

## 二、时间安排

| 时间 | 事项 | 负责 |
|---|---|---|
| 08:30 | 早会 | 各组主管 |
| 17:30 | 夕会 | 督办 |
| 每周五 | 周复盘 | 营业部经理 |

第{team}组上月表现突出，请各组学习其*客户回访*经验。如有疑问，请联系分公司督办室。
"""


def write_notices(folder: Path, count: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, count + 1):
        date = AS_OF - dt.timedelta(days=int(rng.integers(0, DAYS)))
        _write(folder / f"n{i:05d}.md", notice(i, date, rng))


def make_large(target: Path, people_count: int = PEOPLE, days: int = DAYS, notices: int = NOTICES,
               divisions: int = DIVISIONS, teams_per_division: int = TEAMS_PER_DIVISION) -> Path:
    """Write the large site into target and return it (smaller ones, of the same shape, for the tests)."""
    if target.exists():
        shutil.rmtree(target)
    rng = np.random.default_rng(SEED)
    units, people = organisation(rng, people_count, divisions, teams_per_division)
    sales = person_day_sales(rng, people, days)
    (target / "data").mkdir(parents=True)
    _write(target / "site.toml", SITE_TOML.format(title="基准测试分公司"))
    units.to_csv(target / "data" / "units.csv", index=False, lineterminator="\n")
    people.to_csv(target / "data" / "people.csv", index=False, lineterminator="\n")
    sales.to_csv(target / "data" / "sales.csv", index=False, lineterminator="\n", float_format="%.2f")
    monthly_targets(units, sales, people).to_csv(target / "data" / "targets.csv", index=False, lineterminator="\n",
                                                 float_format="%.0f")
    write_notices(target / "content" / "notices", notices, SEED + 1)
    return target


# The datasets as a database holds them: sales typed (dates as DATE, amounts as NUMERIC), the rest as text.
SALES_TYPES = {"日期": "date", "保费": "numeric(14, 2)", "FYC": "numeric(14, 2)", "件数": "integer"}
DATABASE_TOML = """
[data.{name}]
{setting}
connection = "{connection}"
"""


# A table has no order of its own: PostgreSQL puts a short row where it fits, so `SELECT *` returns a big table's
# rows in another order than they were copied in. Each table numbers its rows in file order (LINE), and the
# queries read_from_postgres writes sort by it: the same order as the file, so the same site.
LINE = "line"


def _headers(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as text:
        return text.readline().rstrip("\n").split(",")


def load_into_postgres(site: Path, connect: Callable[[], Any]) -> dict[str, int]:
    """Copy the site's CSV datasets into tables of the same names (sales typed, see SALES_TYPES), each row
    numbered in file order (LINE); return the rows of each. `connect` opens a psycopg connection (autocommit)."""
    counts = {}
    with connect() as connection:
        for path in sorted((site / "data").glob("*.csv")):
            name, header = path.stem, _headers(path)
            types = SALES_TYPES if name == "sales" else {}
            columns = ", ".join(f'"{h}" {types.get(h, "text")}' for h in header)
            connection.execute(f"DROP TABLE IF EXISTS {name}")
            connection.execute(f"CREATE TABLE {name} ({columns}, {LINE} bigint GENERATED ALWAYS AS IDENTITY)")
            listed = ", ".join(f'"{h}"' for h in header)
            with connection.cursor() as cursor:
                with cursor.copy(f"COPY {name} ({listed}) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy, \
                        path.open("rb") as source:
                    while block := source.read(1 << 22):
                        copy.write(block)
                counts[name] = int(cursor.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
    return counts


def load_into_mysql(site: Path, connect: Callable[[], Any]) -> dict[str, int]:
    """load_into_postgres for MySQL or MariaDB: `connect` opens a PyMySQL connection (autocommit). An empty cell
    is loaded as NULL, as PostgreSQL's COPY … (FORMAT csv) loads it."""
    counts = {}
    with connect() as connection, connection.cursor() as cursor:
        for path in sorted((site / "data").glob("*.csv")):
            name, header = path.stem, _headers(path)
            types = SALES_TYPES if name == "sales" else {}
            columns = ", ".join(f"`{h}` {types.get(h, 'text')}" for h in header)
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(f"CREATE TABLE {name} ({columns}, {LINE} bigint AUTO_INCREMENT PRIMARY KEY)")
            with path.open(encoding="utf-8", newline="") as source:
                rows = [[cell or None for cell in row] for row in list(csv.reader(source))[1:]]
            listed = ", ".join(f"`{h}`" for h in header)
            places = ", ".join(["%s"] * len(header))
            cursor.executemany(f"INSERT INTO {name} ({listed}) VALUES ({places})", rows)
            cursor.execute(f"SELECT count(*) FROM {name}")
            counts[name] = int(cursor.fetchone()[0])
    return counts


def load_into_spark(site: Path, session: Any) -> dict[str, int]:
    """load_into_postgres for Spark: `session` is a Spark Connect session. Each file's rows go over as text (an
    empty cell as NULL) and are cast to SALES_TYPES (numeric as decimal) in a CREATE TABLE … AS SELECT."""
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    counts = {}
    for path in sorted((site / "data").glob("*.csv")):
        name, header = path.stem, _headers(path)
        with path.open(encoding="utf-8", newline="") as source:
            rows = [[*(cell or None for cell in row), line] for line, row in enumerate(list(csv.reader(source))[1:])]
        schema = StructType([*(StructField(h, StringType()) for h in header), StructField(LINE, LongType())])
        session.createDataFrame(rows, schema).createOrReplaceTempView(f"{name}_text")
        types = {h: t.replace("numeric", "decimal") for h, t in SALES_TYPES.items()} if name == "sales" else {}
        columns = ", ".join(f"CAST(`{h}` AS {types.get(h, 'string')}) AS `{h}`" for h in header)
        session.sql(f"DROP TABLE IF EXISTS {name}").collect()
        session.sql(f"CREATE TABLE {name} AS SELECT {columns}, {LINE} FROM {name}_text").collect()
        counts[name] = int(session.sql(f"SELECT count(*) FROM {name}").collect()[0][0])
    return counts


def read_from_postgres(site: Path, connection: str, quote: str = '"') -> None:
    """Point the site's datasets at the tables load_into_postgres made, each read by a query of its columns in
    file order, and delete their CSV files. MySQL quotes a name with `quote` = "`"."""
    settings = []
    for path in sorted((site / "data").glob("*.csv")):
        name, listed = path.stem, ", ".join(f"{quote}{h}{quote}" for h in _headers(path))
        setting = f"sql = 'SELECT {listed} FROM {name} ORDER BY {LINE}'"  # a TOML literal string: "…" as written
        settings.append(DATABASE_TOML.format(name=name, setting=setting, connection=connection))
        path.unlink()
    with (site / "site.toml").open("a", encoding="utf-8", newline="\n") as toml:
        toml.write("".join(settings))


def make_huge(target: Path, people_count: int = HUGE["people_count"], days: int = DAYS, notices: int = NOTICES,
              divisions: int = HUGE["divisions"], teams_per_division: int = HUGE["teams_per_division"]) -> Path:
    """Write the 50,000-person site into target and return it: the large site's shape, its sales written a month
    at a time (a year of 50,000 person-days at once would take the generator several GiB)."""
    if target.exists():
        shutil.rmtree(target)
    rng = np.random.default_rng(SEED)
    units, people = organisation(rng, people_count, divisions, teams_per_division)
    (target / "data").mkdir(parents=True)
    _write(target / "site.toml", SITE_TOML.format(title="基准测试省公司"))
    units.to_csv(target / "data" / "units.csv", index=False, lineterminator="\n")
    people.to_csv(target / "data" / "people.csv", index=False, lineterminator="\n")
    first = AS_OF - dt.timedelta(days=days - 1)
    premiums: pd.Series | None = None
    months: set[str] = set()
    with (target / "data" / "sales.csv").open("w", encoding="utf-8", newline="\n") as file:
        start = first
        while start <= AS_OF:
            end = min(AS_OF, (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1))
            sales = person_day_sales(rng, people, (end - start).days + 1, end)
            sales.to_csv(file, index=False, header=start == first, lineterminator="\n", float_format="%.2f")
            months.add(start.strftime("%Y-%m"))
            chunk = unit_premiums(sales, people)
            premiums = chunk if premiums is None else premiums.add(chunk, fill_value=0.0)
            start = end + dt.timedelta(days=1)
    assert premiums is not None
    targets_of(units, premiums, sorted(months)).to_csv(target / "data" / "targets.csv", index=False,
                                                       lineterminator="\n", float_format="%.0f")
    write_notices(target / "content" / "notices", notices, SEED + 1)
    return target


# The sales as a warehouse exports them to Parquet: dates as dates, amounts and counts as numbers, the rest text.
PARQUET_TYPES = {"日期": "date32", "保费": "float64", "FYC": "float64", "件数": "int64"}


def write_parquet(site: Path, target: Path) -> Path:
    """Copy a generated site into target with each CSV dataset as a Parquet file of the same name (sales typed, see
    PARQUET_TYPES; found as data/<name>.parquet), converted a block of rows at a time; return target."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(site, target, ignore=shutil.ignore_patterns(".trackboard-cache", "*.csv"))
    for path in sorted((site / "data").glob("*.csv")):
        header = _headers(path)
        types = {h: getattr(pa, PARQUET_TYPES.get(h, "string"))() if path.stem == "sales" else pa.string()
                 for h in header}
        reader = pa_csv.open_csv(path, convert_options=pa_csv.ConvertOptions(column_types=types),
                                 read_options=pa_csv.ReadOptions(block_size=1 << 26))
        with pq.ParquetWriter(target / "data" / f"{path.stem}.parquet", reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)
    return target


HUGO_CONFIG = """\
baseURL = "http://localhost/"
languageCode = "zh-cn"
title = "万篇通知"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = false
"""

# Hugo gets the same kind of pages trackboard makes: a base layout with navigation, one page per notice and
# a list page linking all of them.
HUGO_BASEOF = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title>
<link rel="stylesheet" href="/style.css"></head>
<body><nav><a href="/">首页</a> <a href="/notices/">公告</a></nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """\
{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p class="meta">{{ .Date.Format "2006-01-02" }} · {{ .Params.category }} · {{ .Params.audience }}</p>
{{ .Content }}</article>{{ end }}
"""
HUGO_LIST = """\
{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Pages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>
{{ end }}</ul>{{ end }}
"""


def make_notices(target: Path) -> tuple[Path, Path]:
    """Write a trackboard site and a Hugo site sharing the same 10,000 notices; return both."""
    if target.exists():
        shutil.rmtree(target)
    rng = np.random.default_rng(SEED + 2)
    units, people = organisation(rng, 20, 1, 2)
    tb = target / "trackboard"
    (tb / "data").mkdir(parents=True)
    # Hugo makes no search index: the benchmark also times trackboard without one (--profile nosearch).
    _write(tb / "site.toml", SITE_TOML.format(title="万篇通知") + NOSEARCH_PROFILE)
    units.to_csv(tb / "data" / "units.csv", index=False, lineterminator="\n")
    people.to_csv(tb / "data" / "people.csv", index=False, lineterminator="\n")
    _write(tb / "data" / "sales.csv", f"日期,工号,保费\n{AS_OF.isoformat()},P00003,1000\n")
    write_notices(tb / "content" / "notices", HUGO_NOTICES, SEED + 3)
    hugo = target / "hugo"
    _write(hugo / "hugo.toml", HUGO_CONFIG)
    _write(hugo / "layouts" / "_default" / "baseof.html", HUGO_BASEOF)
    _write(hugo / "layouts" / "_default" / "single.html", HUGO_SINGLE)
    _write(hugo / "layouts" / "_default" / "list.html", HUGO_LIST)
    _write(hugo / "layouts" / "index.html", HUGO_LIST)
    _write(hugo / "content" / "notices" / "_index.md", "---\ntitle: 公告\n---\n")
    shutil.copytree(tb / "content" / "notices", hugo / "content" / "notices", dirs_exist_ok=True)
    return tb, hugo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("which", nargs="*", help="large, notices, huge (default: large and notices)")
    args = parser.parse_args(argv)
    which = args.which or ["large", "notices"]
    unknown = set(which) - {"large", "notices", "huge"}
    if unknown:
        parser.error(f"unknown site(s): {', '.join(sorted(unknown))}; choose large, notices or huge")
    if "large" in which:
        site = make_large(GENERATED / "large")
        rows = sum(1 for _ in (site / "data" / "sales.csv").open(encoding="utf-8")) - 1
        print(f"{site}: {PEOPLE} people, {DIVISIONS * TEAMS_PER_DIVISION} teams, {rows} sales rows, "
              f"{NOTICES} notices")
    if "huge" in which:
        site = make_huge(GENERATED / "huge")
        with (site / "data" / "sales.csv").open("rb") as sales:
            rows = sum(block.count(b"\n") for block in iter(lambda: sales.read(1 << 24), b"")) - 1
        print(f"{site}: {HUGE['people_count']} people, {HUGE['divisions'] * HUGE['teams_per_division']} teams, "
              f"{rows} sales rows, {NOTICES} notices")
        parquet = write_parquet(site, GENERATED / "huge-parquet")
        print(f"{parquet}: the same site, its datasets as Parquet files "
              f"({(parquet / 'data' / 'sales.parquet').stat().st_size / 1e6:.0f} MB of sales)")
    if "notices" in which:
        tb, hugo = make_notices(GENERATED / "notices")
        print(f"{tb} and {hugo}: {HUGO_NOTICES} notices each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
