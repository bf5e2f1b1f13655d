"""A whole company: one site per branch built from the same site.toml (a profile each), side by side, and
`trackboard index` listing them; the CI examples that build them in parallel."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import BASELINE, FIXED_NOW, html, serve_folder, texts, write_files

from generator import formats
from generator.cli import main
from generator.commands.build import build
from generator.commands.index import GENERATOR_META, branch_profiles
from generator.config.load import parse_config
from generator.model import load_site

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "company"

# The baseline's branch split in two: each team a "branch" with a profile of its own, built side by side.
PROFILES = """
[profiles.t1]
units = ["T1"]

[profiles.t2]
units = ["T2"]
mask_phone = true
"""
LATE = dt.date(2026, 3, 3)  # t2's site is built as of two days before t1's: its data is behind


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The site (baseline + two branch profiles) and its public folder: t1 as of 2026-03-05, t2 as of 2026-03-03,
    and the whole site (no profile) in `all`."""
    base = tmp_path_factory.mktemp("company")
    site = base / "site"
    write_files(site, {**BASELINE, "site.toml": BASELINE["site.toml"] + PROFILES})
    public = base / "public"
    build(site, out=public / "t1", profile="t1", clock=lambda: FIXED_NOW)
    build(site, out=public / "t2", profile="t2", as_of=LATE, clock=lambda: FIXED_NOW)
    build(site, out=public / "all", clock=lambda: FIXED_NOW)
    return site, public


def copy_public(public: Path, target: Path) -> Path:
    shutil.copytree(public, target, symlinks=True)
    return target


def rows_by_name(page: Path) -> dict[str, dict[str, str]]:
    """The index's table as the reader sees it: each row's cells by column header, keyed by the linked name."""
    tree = html(page)
    headers = texts(tree, "#sites thead th")
    found = {}
    for row in tree.css("#sites tbody tr"):
        cells = [c.text(strip=True) for c in row.css("th, td")]
        found[cells[0]] = dict(zip(headers, cells, strict=True))
    return found


def test_the_index_lists_each_branch_with_its_own_figures_and_flags_the_late_one(
        company: tuple[Path, Path], tmp_path: Path) -> None:
    site, built = company
    public = copy_public(built, tmp_path / "public")
    result = invoke("index", public, "--site", site)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Listed 3 site(s) in {public / 'index.html'}."
    rows = rows_by_name(public / "index.html")
    # Each row is named by its branch's unit (the whole site by its top unit), from the sales as the baseline
    # states them: T1 sold 12,000 (P003, 03-02) and 3,000 (P002, 03-05); T2 94,000 (P004, 03-03).
    assert set(rows) == {"一组", "二组", "测试分公司"}
    money = lambda value: formats.money(value, "zh-CN")  # noqa: E731
    assert rows["一组"]["当日保费"] == money(3000) and rows["一组"]["本月保费"] == money(15000)
    assert rows["一组"]["人力"] == "2" and rows["一组"]["数据截至"] == "3月5日"
    assert rows["二组"]["当日保费"] == money(94000) and rows["二组"]["本月保费"] == money(94000)
    assert rows["二组"]["数据截至"] == "3月3日" and rows["二组"]["状态"] == "数据日期落后于最新站点"
    # headcount: the sales force (P002, P003, P004), not the manager nor the tracker
    assert rows["测试分公司"]["本月保费"] == money(12000 + 94000 + 3000) and rows["测试分公司"]["人力"] == "3"
    assert rows["一组"]["状态"] == "正常" and rows["一组"]["生成时间"] == "2026-03-05 20:00"  # Shanghai time
    tree = html(public / "index.html")
    assert [a.attributes["href"] for a in tree.css("#sites tbody th a")] == [
        "all/index.html", "t1/index.html", "t2/index.html"]
    flagged = [r.css_first("th").text(strip=True) for r in tree.css("#sites tbody tr.flag")]
    assert flagged == ["二组"]
    assert texts(tree, ".masthead .as-of time") == ["2026年3月5日周四"]  # the newest site's date
    assert not tree.css("#sites-problems")
    # Its look is the site's: the theme's stylesheets and the site's colours, beside the page.
    assert GENERATOR_META in (public / "index.html").read_text(encoding="utf-8")
    assert (public / "static" / "style.css").read_bytes() == (built / "t1" / "static" / "style.css").read_bytes()
    assert (public / "static" / "branding.css").read_bytes() == (built / "t1" / "static" / "branding.css").read_bytes()


def test_the_index_is_the_same_bytes_every_time_and_offline(company: tuple[Path, Path], tmp_path: Path) -> None:
    site, built = company
    public = copy_public(built, tmp_path / "public")
    assert invoke("index", public, "--site", site).exit_code == 0
    first = {p.relative_to(public).as_posix(): p.read_bytes() for p in public.rglob("*")
             if p.is_file() and p.parts[len(public.parts)] in ("index.html", "static")}
    assert invoke("index", public, "--site", site).exit_code == 0
    second = {p.relative_to(public).as_posix(): p.read_bytes() for p in public.rglob("*")
              if p.is_file() and p.parts[len(public.parts)] in ("index.html", "static")}
    assert first == second and "index.html" in first
    page = first["index.html"].decode("utf-8")
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)  # no request leaves the folder
    assert not [p for p in public.iterdir() if p.name.startswith(".trackboard-index")]  # no staging left


def test_missing_and_broken_sites_are_listed_and_reported(company: tuple[Path, Path], tmp_path: Path) -> None:
    site, built = company
    public = copy_public(built, tmp_path / "public")
    shutil.rmtree(public / "t2")  # its job failed: nothing published for profile t2
    (public / "half").mkdir()  # a copy that stopped before build.json
    (public / "half" / "index.html").write_text("<p>…</p>", encoding="utf-8")
    (public / "broken").mkdir()
    (public / "broken" / "build.json").write_text("{not json", encoding="utf-8")
    shutil.copytree(built / "t1", public / "odd")  # figures that cannot be read: listed without them
    units_csv = public / "odd" / "daily" / "2026-03-05" / "units.csv"
    units_csv.write_text(units_csv.read_text(encoding="utf-8-sig").replace(",3000,", ",lots,", 1), encoding="utf-8")
    (public / ".trackboard-staging-x").mkdir()  # a build's own folders are no sites
    result = invoke("index", public, "--site", site)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "broken: build.json cannot be read as a trackboard build (JSONDecodeError)",
        "half: no build.json: not a trackboard site, or one whose build or copy did not finish",
        "odd: odd/daily/2026-03-05/units.csv: row of unit T1: premium_day 'lots' is not a number; "
        "the site is listed without its figures",
        "t2: no site built for profile t2 of site.toml (expected in a folder of its own)",
    ]
    assert result.stdout.strip() == f"Listed 3 site(s) in {public / 'index.html'}; 4 problem(s)."
    tree = html(public / "index.html")
    assert [(a.attributes["href"], a.text()) for a in tree.css("#sites tbody th a")] == [
        ("all/index.html", "测试分公司"), ("odd/index.html", "一组"), ("t1/index.html", "一组")]
    problems = [[c.text(strip=True) for c in r.css("td")] for r in tree.css("#sites-problems ~ div tbody tr")]
    assert problems == [
        ["broken", "build.json 无法读取（JSONDecodeError）"],
        ["half", "没有 build.json：不是 Trackboard 站点，或生成、复制未完成"],
        ["odd", "odd/daily/2026-03-05/units.csv 无法读取（row of unit T1: premium_day 'lots' is not a number），"
                "该站点列出但不显示业绩"],
        ["t2", "site.toml 中的配置 t2 没有生成站点"],
    ]
    odd = [r for r in tree.css("#sites tbody tr") if r.css_first("th a").attributes["href"] == "odd/index.html"]
    assert [c.text(strip=True) for c in odd[0].css("td")][3:6] == ["—", "—", "—"]


def test_titles_and_folder_names_are_escaped(company: tuple[Path, Path], tmp_path: Path) -> None:
    site, built = company
    hostile = tmp_path / "site"
    shutil.copytree(site, hostile, ignore=shutil.ignore_patterns(".trackboard-*"))
    toml = (hostile / "site.toml").read_text(encoding="utf-8")
    (hostile / "site.toml").write_text(toml.replace('title = "测试分公司"', 'title = "<script>alert(1)</script>&"'),
                                       encoding="utf-8")
    public = tmp_path / "public"
    shutil.copytree(built / "t1", public / "一组 <b>&")
    shutil.copytree(built / "t2", public / "t2")
    result = invoke("index", public, "--site", hostile)
    assert result.exit_code == 0, result.output
    page = (public / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in page
    links = [a.attributes["href"] for a in html(public / "index.html").css("#sites tbody th a")]
    assert links == ["t2/index.html", "%E4%B8%80%E7%BB%84%20%3Cb%3E%26/index.html"]


def test_the_english_index(company: tuple[Path, Path], tmp_path: Path) -> None:
    site, built = company
    english = tmp_path / "site"
    shutil.copytree(site, english, ignore=shutil.ignore_patterns(".trackboard-*"))
    toml = (english / "site.toml").read_text(encoding="utf-8")
    (english / "site.toml").write_text(toml.replace('locale = "zh-CN"', 'locale = "en"'), encoding="utf-8")
    public = copy_public(built, tmp_path / "public")
    assert invoke("index", public, "--site", english).exit_code == 0
    rows = rows_by_name(public / "index.html")
    assert rows["二组"]["Status"] == "Data older than the newest site's"
    assert rows["一组"]["Month to date"] == formats.money(15000, "en")
    tree = html(public / "index.html")
    assert tree.css_first("html").attributes["lang"] == "en"
    chrome = " ".join(texts(tree, "h1, thead th, figcaption, .as-of, .skip"))
    assert "Sites by branch 3 sites; open one by its name Branch" in chrome
    assert not re.search(r"[\u4e00-\u9fff]", chrome)


def test_nothing_is_replaced_that_the_index_did_not_write(company: tuple[Path, Path], tmp_path: Path) -> None:
    site, built = company
    public = tmp_path / "public"
    public.mkdir()
    (public / "index.html").write_text("<h1>the intranet's own page</h1>", encoding="utf-8")
    result = invoke("index", public, "--site", site)
    assert result.exit_code == 1
    assert "refusing to replace" in result.stderr and "not written by trackboard index" in result.stderr
    assert (public / "index.html").read_text(encoding="utf-8") == "<h1>the intranet's own page</h1>"
    (public / "index.html").unlink()
    shutil.copytree(built / "t1", public / "static")  # a site built into a folder named static
    result = invoke("index", public, "--site", site)
    assert result.exit_code == 1 and "a site must not be built into a folder named static" in result.stderr
    assert not (public / "index.html").exists()
    (public / "index.html").mkdir()  # a folder where the page goes: refused, no traceback
    result = invoke("index", public, "--site", site)
    assert result.exit_code == 1 and result.stderr.startswith(f"Error: refusing to replace {public / 'index.html'}")
    (public / "index.html").rmdir()
    assert invoke("index", tmp_path / "nowhere", "--site", site).stderr.strip() == (
        f"Error: {tmp_path / 'nowhere'}: no such folder (build the sites into folders under it first)")
    assert "site.toml not found" in invoke("index", built, "--site", tmp_path).stderr


def test_an_empty_folder_gets_a_page_saying_so_and_the_branch_profiles_missing(
        company: tuple[Path, Path], tmp_path: Path) -> None:
    site, _ = company
    public = tmp_path / "public"
    public.mkdir()
    result = invoke("index", public, "--site", site)
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["t1", "t2"]
    tree = html(public / "index.html")
    assert texts(tree, "main p.empty") == ["此文件夹下还没有生成任何站点。"]
    assert not tree.css(".masthead .as-of")


@pytest.mark.browser
def test_the_index_in_a_browser(company: tuple[Path, Path], tmp_path: Path, chromium: object) -> None:
    site, built = company
    public = copy_public(built, tmp_path / "public")
    assert invoke("index", public, "--site", site).exit_code == 0
    with serve_folder(public) as base:
        for width, height in ((1366, 900), (390, 844), (1920, 1080)):
            page = chromium.new_page(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
            errors: list[str] = []
            page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
            page.goto(base + "index.html")
            assert page.locator("#sites tbody tr").count() == 3
            if width == 1366:  # axe-core (WCAG 2 A/AA): no serious or critical problem
                from axe_playwright_python.sync_playwright import Axe

                found = [(v["id"], v["impact"]) for v in Axe().run(page).response["violations"]
                         if v.get("impact") in ("serious", "critical")]
                assert found == []
            assert page.locator("#sites tbody tr", has_text="一组").locator("td").nth(3).inner_text() == (
                formats.money(15000, "zh-CN"))
            background = page.eval_on_selector(".masthead", "e => getComputedStyle(e).backgroundColor")
            assert background == "rgb(29, 35, 43)"  # the built-in slate: this site has no [branding]
            # the wide table scrolls inside its frame: the page itself never scrolls sideways on a phone
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.get_by_role("link", name="二组").click()
            page.wait_for_load_state()
            assert page.url == base + "t2/index.html" and "二组" in page.locator("main").inner_text()
            assert errors == []
            page.close()


# --- the warehouse filters each branch's rows: a schema of views per branch, chosen by the job's environment -----


PASSWORD = "Dw-s3cret-K9"
BRANCH_SALES = """
[data.sales]
sql = "SELECT 日期, 工号, 保费, 件数, 险种 FROM sales ORDER BY 日期, 工号"
connection = "postgresql://trackboard:${TB_DW_PASSWORD}@127.0.0.1:PORT/trackboard?options=-csearch_path%3D${TB_BRANCH}"
"""


@pytest.fixture(scope="module")
def warehouse() -> Iterator[Any]:
    """A PostgreSQL server holding the company's sales with each row's branch, and one schema per branch whose
    `sales` view returns that branch's rows only (as a data team would make them)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("pgserver", ROOT / "benchmarks" / "pgserver.py")
    assert spec is not None and spec.loader is not None
    pgserver = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pgserver)
    if pgserver.server_programs() is None:
        pytest.skip("PostgreSQL's server programs are not installed: run bash scripts/install-system-deps.sh")
    with pgserver.PostgresServer(PASSWORD) as server:
        server.execute("CREATE TABLE company_sales (机构 text, 日期 date, 工号 text, 保费 numeric(14, 2), "
                       "件数 integer, 险种 text)")
        server.execute("INSERT INTO company_sales VALUES ('T1', '2026-03-02', 'P003', 12000, 1, '金福年金'), "
                       "('T2', '2026-03-03', 'P004', 94000, 1, '康宁终身'), "
                       "('T1', '2026-03-05', 'P002', 3000, 1, '意外险')")
        for branch in ("t1", "t2"):
            server.execute(f"CREATE SCHEMA {branch}")
            server.execute(f"CREATE VIEW {branch}.sales AS SELECT 日期, 工号, 保费, 件数, 险种 "
                           f"FROM public.company_sales WHERE 机构 = '{branch.upper()}'")
        yield server


def test_a_branch_job_reads_only_its_branch_from_the_warehouse_and_builds_the_same_site(
        company: tuple[Path, Path], warehouse: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection's search_path (a libpq option in the URL) names the branch's schema from the job's
    environment: the same site.toml reads each branch's rows only, and builds the branch's site the scope made
    from the whole company's data, file for file."""
    _, built = company
    head, _, rest = BASELINE["site.toml"].partition("[data.sales]")
    toml = head + BRANCH_SALES.replace("PORT", str(warehouse.port)) + "\n[rules]" + rest.partition("[rules]")[2]
    site = tmp_path / "site"
    write_files(site, {**BASELINE, "site.toml": toml + PROFILES, "data/sales.csv": None})
    monkeypatch.setenv("TB_DW_PASSWORD", PASSWORD)
    monkeypatch.setenv("TB_BRANCH", "t1")
    whole = load_site(site, today=FIXED_NOW.date())  # no profile: what the query returned
    assert sorted(whole.tables["sales"]["person"]) == ["P002", "P003"]
    result = build(site, out=tmp_path / "t1", profile="t1", clock=lambda: FIXED_NOW)
    mine, theirs = (snapshot_of(tmp_path / "t1"), snapshot_of(built / "t1"))
    assert set(mine) == set(theirs)
    # build.json names the query instead of the file, the quality page the sources: every other file is the same
    assert sorted(p for p in mine if mine[p] != theirs[p]) == ["build.json", "quality/index.html"]
    assert PASSWORD not in "".join(p.read_text(encoding="utf-8", errors="replace")
                                   for p in (tmp_path / "t1").rglob("*") if p.is_file())
    assert "data.sales (sql)" in json.loads((tmp_path / "t1" / "build.json").read_text(encoding="utf-8"))["inputs"]
    assert result.site.profile_name == "t1"


def snapshot_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the CI examples: one job per branch profile, then the index ---------------------------------------------


def company_config() -> dict:
    config, problems = parse_config((EXAMPLES / "site.toml").read_text(encoding="utf-8"))
    assert [p for p in problems if p.is_error] == []
    return config


def test_the_company_template_is_a_valid_site_toml_with_a_profile_per_branch() -> None:
    config = company_config()
    branches = branch_profiles(config)
    assert len(branches) >= 3
    # one branch each, no two profiles over the same unit: their sites do not overlap
    roots = [profile["units"] for profile in branches.values()]
    assert all(len(units) == 1 for units in roots) and len({units[0] for units in roots}) == len(roots)
    for dataset in config["data"].values():  # the warehouse's views, the connection from the environment
        assert dataset["connection"].startswith("postgresql://") and "${" in dataset["connection"]
        assert not re.search(r"://[^$]*:[^$@]+@", dataset["connection"])  # no password written out


def test_the_github_workflow_builds_every_branch_profile_then_the_index() -> None:
    workflow = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text(encoding="utf-8"))
    on = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert [s["cron"] for s in on["schedule"]] == ["45 22 * * *", "5 16 * * *"] and "workflow_dispatch" in on
    jobs = workflow["jobs"]
    assert list(jobs) == ["plan", "branch", "index", "deploy"]
    # The matrix is the branch profiles of site.toml, listed by the plan job: its command, run on the template.
    plan = next(s["run"] for s in jobs["plan"]["steps"] if "GITHUB_OUTPUT" in s.get("run", ""))
    command = re.fullmatch(r"python3 -c '([^']*)' >> \"\$GITHUB_OUTPUT\"", plan)
    assert command is not None, plan
    assert run_python(command.group(1), EXAMPLES) == "profiles=" + json.dumps(sorted(branch_profiles(company_config())))
    branch = jobs["branch"]
    assert branch["needs"] == "plan" and branch["strategy"]["fail-fast"] is False
    assert branch["strategy"]["matrix"]["profile"] == "${{ fromJSON(needs.plan.outputs.profiles) }}"
    assert branch["env"]["PROFILE"] == "${{ matrix.profile }}"
    assert step_runs(branch) == ['pip install "$TRACKBOARD"',
                                 'trackboard build . --profile "$PROFILE" --out "public/$PROFILE" --strict']
    # the variables site.toml's connections name, each from a secret
    assert {key: value for key, value in branch["env"].items() if key != "PROFILE"} == {
        name: f"${{{{ secrets.{name} }}}}" for name in connection_variables()}
    index = jobs["index"]
    assert index["needs"] == "branch" and index["if"] == "${{ !cancelled() }}"
    assert 'trackboard index public --site .' in step_runs(index)
    download = next(s for s in index["steps"] if s.get("uses", "").startswith("actions/download-artifact"))
    assert download["with"] == {"pattern": "site-*", "path": "public", "merge-multiple": True}
    assert jobs["deploy"]["needs"] == "index"
    assert_no_secret_written(EXAMPLES / "github-actions.yml")


def test_the_gitlab_pipeline_builds_the_same_profiles_in_parallel_then_the_index() -> None:
    pipeline = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text(encoding="utf-8"))
    branch, pages, check = pipeline["branch"], pipeline["pages"], pipeline["check-branches"]
    profiles = [p for entry in branch["parallel"]["matrix"] for p in entry["PROFILE"]]
    assert sorted(profiles) == sorted(branch_profiles(company_config()))
    assert branch["script"] == ['trackboard build . --profile "$PROFILE" --out "public/$PROFILE" --strict']
    assert pages["needs"] == [{"job": "branch", "artifacts": True}] and pages["artifacts"]["paths"] == ["public"]
    assert pages["script"][0].startswith("trackboard index public --site . || ")
    assert all(rule["when"] == "always" for rule in pages["rules"])
    assert check["script"] == ["trackboard index public --site ."] and check["needs"][0]["job"] == "pages"
    stages = pipeline["stages"]
    assert stages.index(branch["stage"]) < stages.index(pages["stage"]) < stages.index(check["stage"])
    for job in (branch, pages, check):  # no key GitLab refuses beside rules
        assert "when" not in job and "only" not in job
    assert_no_secret_written(EXAMPLES / "gitlab-ci.yml")
    template = (EXAMPLES / "site.toml").read_text(encoding="utf-8")
    assert connection_variables() and all(f"${{{name}}}" in template for name in connection_variables())


def step_runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def connection_variables() -> set[str]:
    """The environment variables the template's connections name."""
    return {name for dataset in company_config()["data"].values()
            for name in re.findall(r"\$\{(\w+)\}", dataset["connection"])}


def run_python(code: str, cwd: Path) -> str:
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip()


def assert_no_secret_written(path: Path) -> None:
    """No password or token written in the file: a URL with credentials names them as variables only."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"postgres(?:ql)?://[^$\s\"']*:[^$\s\"'@]+@", text)
