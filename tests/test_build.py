"""End-to-end builds of small fixture sites: pages, feed, data quality, strictness, atomicity and determinism."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import AS_OF, BASELINE, FIXED_NOW, html, snapshot, texts

from generator import render, writer
from generator.cli import main
from generator.commands.build import build
from generator.errors import TrackboardError

ATOM = "{http://www.w3.org/2005/Atom}"


def run_build(site: Path, out: Path | None = None, as_of: dt.date | None = AS_OF, **options):
    return build(site, out=out, as_of=as_of, clock=lambda: FIXED_NOW, **options)


def notice(title: str, date: str, extra: str = "", body: str = "正文。") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n\n{body}\n"


NOTICES = {
    "content/notices/welcome.md": None,
    "content/notices/a-old.md": notice("二月例会纪要", "2026-02-20"),
    "content/notices/b-new.md": notice("三月培训安排", "2026-03-04", "category: 培训\n"),
    "content/notices/c-pinned.md": notice("每日追踪制度", "2026-01-10", "pinned: true\n"),
    "content/notices/d-expired.md": notice("春节值班安排", "2026-02-01", "expires: 2026-03-04\n"),
    "content/notices/e-future.md": notice("四月方案预告", "2026-03-06"),
    "content/notices/2026-03-01-年终冲刺方案.md": notice(
        "“决胜冬季”冲刺方案", "2026-03-01", "pinned: true\n",
        "## 活动时间\n\n三月全月。\n\n| 档位 | 奖励 |\n|---|---|\n| 一档 | 500元 |"),
}

FAQ_QUESTIONS = ["客户说没钱", "客户说不需要", "要和家人商量", "保险是骗人的", "已经买过了", "新人不出活动量",
                 "怕被拒绝", "新人如何起步", "辛苦却没业绩", "钉子户怎么办"]
TEN_FAQ = {"content/faq/01-no-money.md": None} | {
    # file names in reverse rank order: the booklet must follow rank, not names
    f"content/faq/{chr(ord('z') - rank)}.md": f"---\nquestion: {q}\nrank: {rank}\n---\n\n第{rank}问的解答。\n"
    for rank, q in enumerate(FAQ_QUESTIONS, start=1)
}


@pytest.fixture
def rich_site(tmp_path: Path, make_site) -> Path:
    return make_site(tmp_path / "site", NOTICES | TEN_FAQ)


# --- pages ----------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_board_shows_pinned_notices_first_and_the_latest_battle_reports(rich_site: Path) -> None:
    run_build(rich_site)
    board = html(rich_site / "output" / "index.html")
    assert texts(board, "ul.notices > li > a") == [
        "“决胜冬季”冲刺方案", "每日追踪制度", "三月培训安排", "二月例会纪要"]  # no expired, no future notice
    assert board.css_first("ul.notices > li > a").attributes["href"] == (
        "notices/2026-03-01-年终冲刺方案/index.html")
    # the 94,000 order is at or above rules.big_order: a generated report, newest first
    assert texts(board, "ul.battle-list > li > a") == ["赵新人签单康宁终身9.4万", "王业务签下金福年金"]
    assert texts(board, "p.as-of time") == ["2026年3月5日周四"]


@pytest.mark.slow
def test_big_order_threshold_comes_from_the_rules(tmp_path: Path, make_site) -> None:
    toml = BASELINE["site.toml"].replace("big_order = 50000", "big_order = 100000")
    site = make_site(tmp_path / "site", {"site.toml": toml})
    run_build(site)
    assert texts(html(site / "output" / "index.html"), "ul.battle-list > li > a") == ["王业务签下金福年金"]


@pytest.mark.slow
def test_notice_pages(rich_site: Path) -> None:
    run_build(rich_site)
    notices = rich_site / "output" / "notices"
    slugs = sorted(p.parent.name for p in notices.glob("*/index.html"))
    assert slugs == ["2026-03-01-年终冲刺方案", "a-old", "b-new", "c-pinned", "d-expired"]
    page = html(notices / "2026-03-01-年终冲刺方案" / "index.html")
    assert texts(page, "main h1") == ["“决胜冬季”冲刺方案"]
    assert texts(page, "main .prose h2") == ["活动时间"]
    assert texts(page, "main .prose td") == ["一档", "500元"]
    board = html(notices / "index.html")
    assert texts(board, "section.expired li > a") == ["春节值班安排"]


@pytest.mark.slow
def test_a_board_of_many_notices_lists_the_latest_and_an_archive_by_month_lists_them_all(tmp_path: Path,
                                                                                       make_site) -> None:
    from generator.pages.notices import BOARD_CURRENT, BOARD_EXPIRED

    start = dt.date(2025, 12, 1)  # 95 days to AS_OF: four months, notices dated day by day
    files = {f"content/notices/n{i:03d}.md": notice(f"第{i}号通知", (start + dt.timedelta(days=i % 95)).isoformat())
             for i in range(BOARD_CURRENT + 30)}
    files.update({f"content/notices/x{i:02d}.md": notice(f"过期{i}", "2026-01-05", "expires: 2026-01-31\n")
                  for i in range(BOARD_EXPIRED + 2)})
    files["content/notices/archive.md"] = notice("名叫归档的通知", "2026-02-02")  # the archive's own slug
    site = make_site(tmp_path / "site", files)
    run_build(site)
    notices = site / "output" / "notices"
    board = html(notices / "index.html")
    assert len(texts(board, "section[aria-labelledby=current] li > a")) == BOARD_CURRENT
    assert len(texts(board, "section.expired li > a")) == BOARD_EXPIRED
    total = BOARD_CURRENT + 30 + BOARD_EXPIRED + 2 + 2  # the baseline's welcome notice and "archive"
    assert f"全部 {total} 条通知" in board.css_first("section[aria-labelledby=archive] p").text()
    months = ["2026年3月", "2026年2月", "2026年1月", "2025年12月"]
    assert texts(board, "ul.months a") == months

    index = html(notices / "archive" / "index.html")
    assert texts(index, "ul.months a") == months
    counts = [int(c.removesuffix(" 条")) for c in texts(index, "ul.months .count")]
    assert sum(counts) == total
    linked: list[str] = []
    for link in index.css("ul.months a"):
        month = html(notices / "archive" / link.attributes["href"])
        assert texts(month, "main h1") == [link.text()]
        hrefs = [a.attributes["href"] for a in month.css("ul.notices li > a")]
        folder = (notices / "archive" / link.attributes["href"]).parent
        assert all((folder / h).resolve().is_file() for h in hrefs)
        linked += [h.split("/")[-2] for h in hrefs]
        if link.text() == "2026年1月":
            expired = [li for li in month.css("ul.notices li") if li.css_first(".badge.muted")]
            assert len(expired) == BOARD_EXPIRED + 2
    assert len(linked) == len(set(linked)) == total  # every notice once, in its month
    assert "archive-2" in linked and (notices / "archive-2" / "index.html").is_file()
    assert texts(html(notices / "archive-2" / "index.html"), "main h1") == ["名叫归档的通知"]


@pytest.mark.slow
def test_battle_feed_is_well_formed_atom(rich_site: Path) -> None:
    run_build(rich_site)
    feed = ET.parse(rich_site / "output" / "battle" / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["赵新人签单康宁终身9.4万", "王业务签下金福年金"]
    assert [e.findtext(f"{ATOM}updated") for e in entries] == ["2026-03-03T00:00:00+08:00", "2026-03-02T00:00:00+08:00"]
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 2
    page = html(rich_site / "output" / "battle" / "index.html")
    assert texts(page, "ul.battle-index > li > a") == ["赵新人签单康宁终身9.4万", "王业务签下金福年金"]
    # each entry links to the report's own page, which shows it whole
    links = [a.attributes["href"] for a in page.css("ul.battle-index > li > a")]
    assert [f"../battle/{e.find(f'{ATOM}link').get('href')}" for e in entries] == links
    report = html(rich_site / "output" / "battle" / links[1].removeprefix("../battle/"))
    assert texts(report, "article.battle h1") == ["王业务签下金福年金"]


@pytest.mark.slow
def test_faq_lists_the_ten_problems_in_rank_order(rich_site: Path) -> None:
    run_build(rich_site)
    page = html(rich_site / "output" / "faq" / "index.html")
    assert texts(page, ".faq-entry h2") == [f"{rank} {q}" for rank, q in enumerate(FAQ_QUESTIONS, start=1)]
    assert texts(page, ".faq-entry .prose") == [f"第{rank}问的解答。" for rank in range(1, 11)]
    assert page.css("p.warning") == []  # no rank missing


# --- data quality, lenient and strict builds ------------------------------------------------------------------

BAD_SALES = BASELINE["data/sales.csv"] + "2026-13-01,P003,100,1,a\n2026-03-04,P003,abc,1,a\n2026-03-04,P999,100,1,a\n"
BAD_PROBLEMS = [  # in the baseline site's language
    ["error", "data/sales.csv", "5", "日期",
     "“2026-13-01”不是日期，请写成“年-月-日”，如 2026-11-20（也可写 2026/11/20）"],
    ["error", "data/sales.csv", "6", "保费", "“abc”不是金额，请填数字，如 94000 或 ¥94,000.00"],
    ["error", "data/sales.csv", "7", "工号", "人员“P999”不存在（data/people.csv 里没有），请检查编号"],
]


def read_csv_rows(path: Path) -> list[list[str]]:
    import csv
    import io

    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.slow
def test_lenient_build_skips_bad_rows_and_lists_them(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path / "site", {"data/sales.csv": BAD_SALES})
    result = run_build(site)
    out = site / "output"
    page = html(out / "quality" / "index.html")
    rows = [[cell.text(strip=True) for cell in tr.css("td")] for tr in page.css("table.problems tbody tr")]
    assert rows == [["错误", f"{f}:{r}:{c}", m] for _, f, r, c, m in BAD_PROBLEMS]
    assert read_csv_rows(out / "quality" / "problems.csv") == [
        ["severity", "file", "row", "column", "message"], *BAD_PROBLEMS]
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert info["problems"] == {"errors": 3, "warnings": 0, "skipped_rows": 3}
    assert result.site.sources["sales"].rows_kept == 3
    sources = {tr.css_first("th").text(strip=True): [td.text(strip=True) for td in tr.css("td")]
               for tr in page.css("section[aria-labelledby=q-sources] tbody tr")}
    assert sources["sales"][0] == "data/sales.csv"
    assert sources["sales"][2:5] == ["6", "3", "3"]  # read, kept, skipped


@pytest.mark.slow
def test_lenient_build_from_the_command_line_summarises(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path / "site", {"data/sales.csv": BAD_SALES})
    result = CliRunner().invoke(main, ["build", str(site), "--as-of", "2026-03-05"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"{f} 第 {r} 行「{c}」：{m}" for _, f, r, c, m in BAD_PROBLEMS]
    assert "3 个错误，0 个提醒，3 行未读入" in result.stdout


@pytest.mark.slow
def test_strict_build_fails_and_keeps_the_previous_output(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path / "site")
    run_build(site)
    before = snapshot(site / "output")
    (site / "data" / "sales.csv").write_text(BAD_SALES, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(site), "--strict"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        *(f"{f} 第 {r} 行「{c}」：{m}" for _, f, r, c, m in BAD_PROBLEMS),
        "错误：生成失败（--strict）：输入中有 3 个错误；已发布的网站保持不变",
    ]
    assert snapshot(site / "output") == before
    assert staging_leftovers(site) == []


@pytest.mark.slow
def test_strict_build_of_a_clean_site_succeeds(site: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(site), "--strict"])
    assert result.exit_code == 0, result.output
    assert (site / "output" / "index.html").is_file()


# --- atomicity ------------------------------------------------------------------------------------------------


def staging_leftovers(site: Path) -> list[str]:
    # .trackboard-cache is the build cache, kept on purpose; only staging folders must not be left behind.
    return sorted(p.name for p in site.iterdir() if p.name.startswith(".trackboard-") and p.name != ".trackboard-cache")


@pytest.mark.slow
def test_failure_while_rendering_leaves_the_old_output(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_build(site)
    before = snapshot(site / "output")
    (site / "content" / "notices" / "new.md").write_text(notice("新通知", "2026-03-05"), encoding="utf-8")
    original = render.Renderer.render

    def failing(self, page):
        if page.path == "notices/index.html":  # it lists the new notice, so it is rendered again
            raise RuntimeError("template blew up")
        return original(self, page)

    monkeypatch.setattr(render.Renderer, "render", failing)
    with pytest.raises(RuntimeError, match="template blew up"):
        run_build(site)
    assert snapshot(site / "output") == before
    assert staging_leftovers(site) == []


@pytest.mark.slow
def test_failure_while_writing_leaves_the_old_output(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_build(site)
    before = snapshot(site / "output")
    (site / "content" / "notices" / "new.md").write_text(notice("新通知", "2026-03-05"), encoding="utf-8")
    calls = []
    original = writer.check_path

    def fail_on_the_fourth(path: str):
        calls.append(path)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        return original(path)

    monkeypatch.setattr(writer, "check_path", fail_on_the_fourth)
    result = CliRunner().invoke(main, ["build", str(site), "--as-of", "2026-03-05"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.strip() == (f"错误：无法把网站写到 {site / 'output'}（No space left on device）；"
                                     "已发布的网站保持不变")
    assert len(calls) == 4  # three files were already staged
    assert snapshot(site / "output") == before
    assert staging_leftovers(site) == []


@pytest.mark.slow
def test_failure_of_the_fallback_swap_puts_the_old_output_back(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_build(site)
    before = snapshot(site / "output")
    (site / "content" / "notices" / "new.md").write_text(notice("新通知", "2026-03-05"), encoding="utf-8")
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    real_replace = os.replace

    def replace(src, dst):
        if Path(src).name.startswith(".trackboard-staging-"):
            raise PermissionError(13, "Permission denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(writer.os, "replace", replace)
    with pytest.raises(TrackboardError, match="Permission denied"):
        run_build(site)
    assert snapshot(site / "output") == before
    assert staging_leftovers(site) == []


@pytest.mark.slow
def test_fatal_input_error_leaves_the_old_output(site: Path) -> None:
    run_build(site)
    before = snapshot(site / "output")
    (site / "data" / "people.csv").write_text("工号,所属单位\nP001,HQ\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(site)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[0] == (
        "data/people.csv 第 1 行「name」：缺少必需的列：请加一列，表头写成“name”或“姓名”；如果文件里的表头是别的写法，"
        '请在 site.toml 的 [data.people.columns] 里写 name = "文件里的表头"')
    assert result.stderr.splitlines()[-1].startswith("错误：生成失败")
    assert snapshot(site / "output") == before
    assert staging_leftovers(site) == []


@pytest.mark.slow
def test_swap_without_renameat2_still_replaces_the_output(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_build(site)
    (site / "content" / "notices" / "new.md").write_text(notice("新通知", "2026-03-05"), encoding="utf-8")
    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    run_build(site)
    assert (site / "output" / "notices" / "new" / "index.html").is_file()
    assert staging_leftovers(site) == []


def test_stale_staging_of_killed_builds_is_removed_but_not_that_of_running_ones(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    out = tmp_path / "output"
    names = [f".trackboard-staging-output-{dead_pid}", f".trackboard-retired-output-{dead_pid}",
             f".trackboard-retired-output-{dead_pid}.2", f".trackboard-search-output-{dead_pid}",
             f".trackboard-staging-output-{os.getppid()}",  # a build still running
             f".trackboard-staging-output-en-{dead_pid}"]  # another output folder's
    for name in names:
        (tmp_path / name).mkdir()
    writer.publish(out, [writer.Output("index.html", b"ok")])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["output", f".trackboard-staging-output-{os.getppid()}", f".trackboard-staging-output-en-{dead_pid}"])


def test_a_large_previous_output_is_kept_as_the_spare_and_an_older_spare_removed_in_the_background(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "output"
    spare = tmp_path / ".trackboard-spare-output"
    monkeypatch.setattr(writer, "SPARE_MIN_FILES", 3)
    for version in ("one", "two"):
        writer.publish(out, [writer.Output(f"p{i}/index.html", f"{version} {i}".encode()) for i in range(5)])
    assert snapshot(spare) == {f"p{i}/index.html": f"one {i}".encode() for i in range(5)}
    removed: list[str] = []
    real_rmtree = writer.shutil.rmtree
    monkeypatch.setattr(writer.shutil, "rmtree", lambda path, *a, **k: removed.append(str(path)) or real_rmtree(
        path, *a, **k))
    # A build that found no spare to stage in (as when another build took it) finds one when it is done.
    monkeypatch.setattr(writer, "_claim_spare", lambda *args: None)
    writer.publish(out, [writer.Output(f"p{i}/index.html", f"three {i}".encode()) for i in range(5)])
    assert snapshot(out) == {f"p{i}/index.html": f"three {i}".encode() for i in range(5)}
    assert removed == []  # not by this process: the older spare is removed by a detached one
    deadline = time.monotonic() + 20
    while len(list(tmp_path.iterdir())) > 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".trackboard-spare-output", "output"]
    assert snapshot(spare) == {f"p{i}/index.html": f"two {i}".encode() for i in range(5)}
    monkeypatch.undo()
    # A small site's previous output goes at once (the spare is taken to stage it).
    writer.publish(out, [writer.Output("index.html", b"small")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
    assert snapshot(out) == {"index.html": b"small"}


def test_a_site_staged_in_the_spare_is_exactly_the_new_site_and_leaves_the_published_one_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "output"
    monkeypatch.setattr(writer, "SPARE_MIN_FILES", 3)

    def site(files: dict[str, bytes], linked: set[str] = frozenset()) -> list[writer.Output]:
        # linked: published unchanged, hard-linked from the output in place (as a build does)
        return [writer.Output(path, data, source=out / path if path in linked else None)
                for path, data in files.items()]

    one = {"index.html": b"1", "a/index.html": b"a1", "a/b/c.csv": b"c1", "gone/deep/x.html": b"x1",
           "page": b"p1", "keep/k.svg": b"k"}
    two = {**one, "a/index.html": b"a2"}
    writer.publish(out, site(one))
    writer.publish(out, site(two, linked=set(one) - {"a/index.html"}))
    spare = tmp_path / ".trackboard-spare-output"
    assert snapshot(spare) == one
    (spare / "stray.txt").write_bytes(b"someone's")
    (spare / "a" / "link").symlink_to(tmp_path)  # not followed: removed as the link it is
    # Unchanged, changed, dropped and new files; a folder that becomes a file, a file that becomes a folder.
    three = {"index.html": b"1", "a/index.html": b"a3", "a/b/c.csv": b"c3", "keep/k.svg": b"k",
             "new/n/index.html": b"n", "gone": b"now a file", "page/index.html": b"now a folder"}
    published = {path: (out / path).stat().st_ino for path in two}
    writer.publish(out, site(three, linked={"index.html", "keep/k.svg"}))
    assert snapshot(out) == three
    assert not (out / "a" / "link").is_symlink() and not (out / "stray.txt").exists()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir()) == [
        "a", "a/b", "keep", "new", "new/n", "page"]
    # The previous site, now the spare, was not written into (its files are shared with the new one).
    assert snapshot(spare) == two
    assert (out / "keep" / "k.svg").stat().st_ino == published["keep/k.svg"]


def test_what_staging_started_is_stopped_before_a_failed_staging_folder_is_removed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Pagefind starts on the pages staged first; if staging then fails, it must not write into the folder after
    # the folder is removed (it would leave a staging folder behind).
    late_writer: list[subprocess.Popen] = []

    def start(staging: Path) -> None:
        late_writer.append(subprocess.Popen(["sh", "-c", 'sleep 0.5; mkdir -p "$1/search/pagefind"; echo x > '
                                             '"$1/search/pagefind/late.pf"', "sh", str(staging)]))

    def stop() -> None:
        late_writer[0].kill()
        late_writer[0].wait()

    real = writer.place
    monkeypatch.setattr(writer, "place", lambda item, target: real(item, target) if item.path != "z/index.html"
                        else 1 / 0)
    files = [writer.Output("notices/a/index.html", b"a"), writer.Output("z/index.html", b"z")]
    with pytest.raises(ZeroDivisionError):
        writer.stage(tmp_path / "output", files, first=lambda path: path.startswith("notices/"), then=start,
                     stop=stop)
    time.sleep(1)
    assert late_writer and list(tmp_path.iterdir()) == []


def test_files_staged_by_several_threads_are_the_site_and_a_thread_that_fails_fails_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "THREADED_MIN_FILES", 1)
    monkeypatch.setattr(writer, "SPARE_MIN_FILES", 3)
    monkeypatch.setattr(writer.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    out = tmp_path / "output"
    one = {f"s{i % 7}/p{i}/index.html": f"one {i}".encode() for i in range(60)}
    writer.publish(out, [writer.Output(path, data) for path, data in sorted(one.items())])
    assert snapshot(out) == one
    two = {path: data for path, data in one.items() if not path.startswith("s3/")} | {"s9/new.csv": b"new"}
    writer.publish(out, [writer.Output(path, data, source=out / path if path in one else None)
                         for path, data in sorted(two.items())])
    three = {**two, "s1/p8/index.html": b"changed"}
    writer.publish(out, [writer.Output(path, data, source=out / path if path != "s1/p8/index.html" else None)
                         for path, data in sorted(three.items())])  # staged in the spare
    assert snapshot(out) == three
    real = writer.place
    monkeypatch.setattr(writer, "place", lambda item, target: real(item, target) if item.path != "s5/p40/index.html"
                        else (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(TrackboardError, match="No space left on device"):
        writer.publish(out, [writer.Output(path, data + b"!") for path, data in sorted(three.items())])
    assert snapshot(out) == three
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]  # the spare was taken and removed with it


def test_a_spare_that_cannot_be_brought_up_to_date_is_set_aside_and_the_site_staged_anew(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "output"
    monkeypatch.setattr(writer, "SPARE_MIN_FILES", 3)
    for version in ("one", "two"):
        writer.publish(out, [writer.Output(f"p{i}/index.html", f"{version} {i}".encode()) for i in range(5)])
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):
        if ".trackboard-staging-" in str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(writer.os, "unlink", unlink)
    writer.publish(out, [writer.Output(f"q{i}/index.html", f"three {i}".encode()) for i in range(5)])
    assert snapshot(out) == {f"q{i}/index.html": f"three {i}".encode() for i in range(5)}
    deadline = time.monotonic() + 20
    while len(list(tmp_path.iterdir())) > 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".trackboard-spare-output", "output"]
    assert snapshot(tmp_path / ".trackboard-spare-output") == {f"p{i}/index.html": f"two {i}".encode()
                                                                for i in range(5)}


@pytest.mark.slow
def test_an_edit_built_in_the_spare_gives_the_same_site_as_a_fresh_build(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "SPARE_MIN_FILES", 10)
    run_build(site)
    run_build(site)
    (site / "content" / "notices" / "new.md").write_text(notice("备用目录通知", "2026-03-05"), encoding="utf-8")
    run_build(site)
    assert (site / ".trackboard-spare-output").is_dir()
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("output", ".trackboard-*"))
    run_build(fresh, cache=False)
    built, expected = snapshot(site / "output"), snapshot(fresh / "output")
    assert "notices/new/index.html" in built
    assert sorted(built) == sorted(expected)
    assert [p for p in built if built[p] != expected[p] and p != "build.json"] == []


# --- determinism and build.json -------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_are_byte_identical_but_for_the_build_time(tmp_path: Path, make_site) -> None:
    first = make_site(tmp_path / "one", NOTICES | TEN_FAQ)
    second = tmp_path / "elsewhere" / "two"
    shutil.copytree(first, second)
    build(first, as_of=AS_OF, clock=lambda: FIXED_NOW)
    build(second, as_of=AS_OF, clock=lambda: FIXED_NOW + dt.timedelta(hours=5))
    a, b = snapshot(first / "output"), snapshot(second / "output")
    info_a, info_b = json.loads(a.pop("build.json")), json.loads(b.pop("build.json"))
    assert a == b
    assert info_a["built_at"] == "2026-03-05T20:00:00+08:00"
    assert info_b["built_at"] == "2026-03-06T01:00:00+08:00"
    info_a.pop("built_at"), info_b.pop("built_at")
    assert info_a == info_b


@pytest.mark.slow
def test_build_json_holds_id_as_of_and_input_fingerprints(site: Path) -> None:
    result = run_build(site)
    info = json.loads((site / "output" / "build.json").read_text(encoding="utf-8"))
    assert info["as_of"] == "2026-03-05"
    assert info["build_id"] == result.build_id
    assert len(info["build_id"]) >= 8
    expected = {name: hashlib.sha256((site / name).read_bytes()).hexdigest()
                for name in ("site.toml", "data/units.csv", "data/people.csv", "data/sales.csv",
                             "content/notices/welcome.md", "content/battle/first-order.md",
                             "content/faq/01-no-money.md")}
    assert info["inputs"] == expected


@pytest.mark.slow
def test_build_id_changes_with_the_inputs_and_the_as_of(site: Path) -> None:
    first = run_build(site).build_id
    assert run_build(site).build_id == first
    assert run_build(site, as_of=dt.date(2026, 3, 4)).build_id != first
    (site / "content" / "notices" / "welcome.md").write_text(notice("改过的通知", "2026-03-01"), encoding="utf-8")
    assert run_build(site).build_id != first


@pytest.mark.slow
def test_as_of_defaults_to_the_latest_sale(site: Path) -> None:
    result = run_build(site, as_of=None)
    assert result.site.as_of == dt.date(2026, 3, 5)
    assert json.loads((site / "output" / "build.json").read_text())["as_of"] == "2026-03-05"


@pytest.mark.slow
def test_as_of_in_the_past_hides_later_reports_and_notices(rich_site: Path) -> None:
    run_build(rich_site, as_of=dt.date(2026, 3, 2))
    board = html(rich_site / "output" / "index.html")
    assert "三月培训安排" not in texts(board, "ul.notices > li > a")
    assert texts(board, "ul.battle-list > li > a") == ["王业务签下金福年金"]


# --- where the output goes ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_out_elsewhere(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "published" / "trackboard"
    result = CliRunner().invoke(main, ["build", str(site), "--out", str(out), "--as-of", "2026-03-05"])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file()
    assert (out / "build.json").is_file()
    assert not (site / "output").exists()
    # and again over its own earlier build
    assert CliRunner().invoke(main, ["build", str(site), "--out", str(out)]).exit_code == 0


def test_refuses_a_non_empty_folder_that_is_not_a_build(tmp_path: Path, site: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "report.docx").write_bytes(b"precious")
    result = CliRunner().invoke(main, ["build", str(site), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"错误：不能替换 {out}：它不是空的，也不是本程序生成的（里面没有 .trackboard-output 文件，也没有以前生成的 "
        "build.json）；请换一个 --out，或先清空它")
    assert snapshot(out) == {"report.docx": b"precious"}


@pytest.mark.parametrize(("target", "reason"), [(".", "it contains the site itself"),
                                                 ("data", "it is inside the site's data/ folder"),
                                                 ("content/out", "it is inside the site's content/ folder")])
def test_refuses_to_build_over_the_site(site: Path, target: str, reason: str) -> None:
    before = snapshot(site)
    with pytest.raises(TrackboardError) as info:
        run_build(site, out=site / target)
    assert str(info.value.text) == f"refusing to build into {site / target}: {reason}"  # English; the site's:
    assert info.value.message.startswith(f"不能生成到 {site / target}：")
    assert snapshot(site) == before


@pytest.mark.parametrize("path", ["../evil.html", "notices/../../evil.html", "/tmp/evil.html",
                                  "a\\..\\b.html", ""])
def test_writer_refuses_paths_outside_the_output(tmp_path: Path, path: str) -> None:
    out = tmp_path / "site" / "output"
    with pytest.raises(TrackboardError, match="refusing to write"):
        writer.publish(out, [writer.Output("index.html", b"ok"), writer.Output(path, b"evil")])
    assert list(tmp_path.rglob("*")) == []  # refused before anything is written


def test_writer_refuses_the_same_path_twice(tmp_path: Path) -> None:
    with pytest.raises(TrackboardError, match=r"two pages were made for the same path 'a/Index\.html'"):
        writer.publish(tmp_path / "out", [writer.Output("a/index.html", b"1"), writer.Output("a/Index.html", b"2")])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_ids_and_slugs_with_dot_dot_stay_inside_the_output(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path / "site", {
        "data/units.csv": BASELINE["data/units.csv"] + "../../evil,坏组,HQ,,\n",
        "data/people.csv": BASELINE["data/people.csv"] + "../p,坏人,../../evil,业务员,,2020-01-01,,\n",
        "data/sales.csv": BASELINE["data/sales.csv"] + "2026-03-05,../p,60000,1,x\n",
        "content/notices/..md": notice("点点", "2026-03-01"),
        "content/notices/..%2f..%2fevil.md": notice("编码", "2026-03-01"),
    })
    before = snapshot(tmp_path)
    run_build(site)
    after = snapshot(tmp_path)
    outside = {p for p in after if not p.startswith(("site/output/", "site/.trackboard-cache/"))}  # cache: hashed names
    assert outside == set(before)
    assert (site / "output" / "notices" / "item" / "index.html").is_file()
    assert not [p for p in after if p.startswith("site/output/") and ".." in p]


def test_ctrl_c_is_left_to_the_build_not_to_its_forked_workers() -> None:
    # Ctrl+C reaches every process of the build; the workers ignore it and the build stops them, so the
    # terminal shows one "Aborted!", not a traceback from each worker.
    import signal

    from generator.parallel import forked_map, workers

    if workers() < 2:
        pytest.skip("one core: forked_map works in this process")
    ignored = forked_map(lambda _: signal.getsignal(signal.SIGINT) == signal.SIG_IGN, list(range(32)), min_items=1)
    assert ignored == [True] * 32
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the build's own is untouched
