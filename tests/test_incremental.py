"""Incremental builds: the cache makes rebuilds cheap and never changes a byte of what a cold build makes."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from pathlib import Path

import pytest
from conftest import BASELINE
from conftest import built_files as files

from generator import render
from generator.cache import CACHE_DIR
from generator.commands import build as build_module
from generator.commands.build import build
from generator.errors import TrackboardError
from generator.model import load_site

pytestmark = pytest.mark.slow

NOW = dt.datetime(2026, 3, 6, 1, 0, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages rendered (in this process: the worker pool is kept for big sites)."""
    rendered: list[str] = []
    original = render.Renderer.render

    def counting(self, page):
        rendered.append(page.path)
        return original(self, page)

    monkeypatch.setattr(render.Renderer, "render", counting)
    monkeypatch.setattr(build_module, "POOL_MIN_PAGES", 10**9)
    return rendered


def assert_same_as_cold(site: Path, out: Path, tmp_path: Path) -> None:
    cold = tmp_path / "cold"
    build(site, out=cold, clock=clock, cache=False)
    assert files(out) == files(cold)


def inodes(out: Path) -> dict[str, int]:
    """Every file of a build by path: its inode (the same inode is the same file, not a copy)."""
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}


def edit_welcome_notice(site: Path) -> Path:
    notice = site / "content" / "notices" / "welcome.md"
    notice.write_text(BASELINE["content/notices/welcome.md"].replace("全员参与", "全员参与，争当标兵"),
                      encoding="utf-8")
    return notice


def test_unchanged_rebuild_renders_nothing(site: Path, renders: list[str]) -> None:
    first = build(site, clock=clock)
    before = files(site / "output")
    assert renders, "the first build renders every page"
    renders.clear()
    second = build(site, clock=clock)
    assert renders == []
    assert files(site / "output") == before
    assert second.build_id == first.build_id and second.pages == first.pages


def test_a_site_whose_folder_cannot_hold_the_cache_builds_and_rebuilds_from_the_users_cache(
        site: Path, tmp_path: Path, renders: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # A read-only checkout or share (here: something in the way of .trackboard-cache, which stops root too):
    # the cache goes to the user's cache folder, for this site only, and the second build renders nothing.
    (site / CACHE_DIR).write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    out = tmp_path / "out"
    build(site, out=out, clock=clock)
    kept = list((tmp_path / "user-cache" / "trackboard").iterdir())
    assert len(kept) == 1 and (kept[0] / "charts").is_dir() and (kept[0] / "outputs").is_dir()
    renders.clear()
    build(site, out=out, clock=clock)
    assert renders == []
    assert (site / CACHE_DIR).read_text(encoding="utf-8") == "not a folder"
    assert_same_as_cold(site, out, tmp_path)


def test_markdown_edit_renders_only_the_pages_that_show_it(site: Path, tmp_path: Path, renders: list[str]) -> None:
    build(site, clock=clock)
    before = files(site / "output")
    renders.clear()
    edit_welcome_notice(site)
    build(site, clock=clock)
    after = files(site / "output")
    changed = {path for path in after if before.get(path) != after[path]}
    assert "notices/welcome/index.html" in changed
    assert "争当标兵" in after["notices/welcome/index.html"].decode("utf-8")
    # Only the notice's own page and pages listing notices are rendered again; unit, person and daily pages
    # do not show notices and are taken from the previous build.
    assert {p for p in changed if p.endswith(".html")} <= set(renders)
    assert all(p.startswith(("notices/", "screen/")) or p in ("index.html", "quality/index.html", "search/index.html")
               for p in renders), renders
    assert not any(p.startswith(("units/", "people/", "daily/")) for p in changed)
    assert_same_as_cold(site, site / "output", tmp_path)


def test_an_edit_in_a_linked_content_folder_is_built(site: Path, tmp_path: Path) -> None:
    """An office may keep its notices in a shared folder and link content/notices to it: an edit there is an edit
    of the site (Python's rglob does not look inside a linked folder; the inputs' fingerprints must)."""
    shared = tmp_path / "shared-notices"
    (site / "content" / "notices").rename(shared)
    (site / "content" / "notices").symlink_to(shared, target_is_directory=True)
    build(site, clock=clock)
    (shared / "welcome.md").write_text(BASELINE["content/notices/welcome.md"].replace("全员参与", "全员参与，争当标兵"),
                                       encoding="utf-8")
    build(site, clock=clock)
    assert "争当标兵" in (site / "output" / "notices" / "welcome" / "index.html").read_text(encoding="utf-8")
    info = json.loads((site / "output" / "build.json").read_text(encoding="utf-8"))
    assert "content/notices/welcome.md" in info["inputs"]


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """For each plan made, the names of the sections taken whole from the previous build."""
    plans: list[set[str]] = []
    original = build_module.plan_site

    def noting(*args, **kwargs):
        plan = original(*args, **kwargs)
        plans.append({r.name for r in plan.reused if r.name})
        return plan

    monkeypatch.setattr(build_module, "plan_site", noting)
    return plans


def test_a_markdown_edit_computes_only_the_sections_that_read_it(site: Path, taken: list[set[str]]) -> None:
    build(site, clock=clock)
    assert taken == [set()]
    edit_welcome_notice(site)
    build(site, clock=clock)
    assert {"daily", "units", "people", "leaderboard", "faq"} <= taken[-1]
    # the sections that show notices, and the quality page (it lists the problems of every input)
    assert not {"notices", "screen", "quality"} & taken[-1]
    faq = sorted((site / "content" / "faq").glob("*.md"))[0]
    faq.write_text(faq.read_text("utf-8") + "\n补充说明。\n", encoding="utf-8")
    result = build(site, clock=clock)
    assert "补充说明" in (result.out / "faq" / "index.html").read_text("utf-8")
    assert "notices" in taken[-1] and "faq" not in taken[-1]


def test_sections_taken_from_the_previous_build_are_not_computed(site: Path, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    from generator.pages import daily

    build(site, clock=clock)
    calls: list[str] = []
    original = daily.daily_outputs
    monkeypatch.setattr(daily, "daily_outputs", lambda *a, **k: calls.append("daily") or original(*a, **k))
    notice = site / "content" / "notices" / "welcome.md"
    notice.write_text(BASELINE["content/notices/welcome.md"] + "\n补充。\n", encoding="utf-8")
    build(site, clock=clock)
    assert calls == []  # a notice edit does not compute the daily reports (nor the KPIs they carry)
    sales = site / "data" / "sales.csv"
    sales.write_text(BASELINE["data/sales.csv"] + "2026-03-05,P004,8000,1,意外险\n", encoding="utf-8")
    build(site, clock=clock)
    assert calls == ["daily"]


def test_a_broken_document_reaches_the_quality_page_of_an_incremental_build(site: Path, tmp_path: Path) -> None:
    build(site, clock=clock)
    notice = site / "content" / "notices" / "welcome.md"
    notice.write_text(BASELINE["content/notices/welcome.md"].replace("date:", "date: 不是日期\nold_date:", 1),
                      encoding="utf-8")
    build(site, clock=clock)
    quality = (site / "output" / "quality" / "index.html").read_text("utf-8")
    assert "content/notices/welcome.md" in quality
    assert_same_as_cold(site, site / "output", tmp_path)


def test_data_change_rebuilds_what_it_shows_and_matches_a_cold_build(site: Path, tmp_path: Path,
                                                                     renders: list[str]) -> None:
    build(site, clock=clock)
    before = files(site / "output")
    renders.clear()
    sales = site / "data" / "sales.csv"
    sales.write_text(BASELINE["data/sales.csv"] + "2026-03-05,P004,8000,1,意外险\n", encoding="utf-8")
    build(site, clock=clock)
    after = files(site / "output")
    changed = {path for path in after if before.get(path) != after[path]}
    assert any(p.startswith("units/") for p in changed)
    assert renders and set(renders) <= set(after)
    assert_same_as_cold(site, site / "output", tmp_path)


def test_unchanged_files_are_linked_not_written_again(site: Path, tmp_path: Path) -> None:
    build(site, clock=clock)
    out = site / "output"
    inode = inodes(out)
    edit_welcome_notice(site)
    build(site, clock=clock)
    after = inodes(out)
    # The same file (inode) as before: pages, CSV files and charts the edit does not touch, and static files.
    for path in ("faq/index.html", "units/index.html", "static/style.css", "daily/index.html"):
        assert after[path] == inode[path], path
    assert after["notices/welcome/index.html"] != inode["notices/welcome/index.html"]
    # The notice is searchable, so the search index was made again; a rebuild with no change links it.
    assert after["search/pagefind/pagefind-entry.json"] != inode["search/pagefind/pagefind-entry.json"]
    build(site, clock=clock)
    again = inodes(out)
    assert {p: again[p] for p in again if p != "build.json"} == {p: after[p] for p in after if p != "build.json"}
    assert_same_as_cold(site, out, tmp_path)
    # A file someone put into the output folder: an unchanged rebuild publishes the site afresh, without it.
    (out / "stray.txt").write_text("x", encoding="utf-8")
    build(site, clock=clock)
    assert not (out / "stray.txt").exists()
    assert_same_as_cold(site, out, tmp_path)


def test_an_in_place_rebuild_matches_a_cold_build(site: Path, tmp_path: Path) -> None:
    # The dev server's way: changed files written straight into the output, the search index after.
    build(site, clock=clock)
    out = site / "output"
    before = inodes(out)
    notice = edit_welcome_notice(site)
    result = build(site, clock=clock, in_place=True)
    assert "争当标兵" in (out / "notices" / "welcome" / "index.html").read_text("utf-8")
    assert (out / "faq" / "index.html").stat().st_ino == before["faq/index.html"]  # untouched, not relinked
    assert result.finish is not None
    result.finish()
    assert_same_as_cold(site, out, tmp_path)
    notice.unlink()
    result = build(site, clock=clock, in_place=True)
    assert result.finish is not None
    result.finish()
    assert not (out / "notices" / "welcome" / "index.html").exists()
    assert not (out / "search" / ".pagefind-next").exists()
    assert_same_as_cold(site, out, tmp_path)


def test_an_in_place_edit_whose_finish_never_ran_is_not_mistaken_for_the_previous_build(
        site: Path, tmp_path: Path, renders: list[str]) -> None:
    # The dev server publishes an edit, then records it (and indexes it) in `finish`. Stopped in between, the
    # record on disk is the previous build's: the next build must not take the edited page for the old one.
    build(site, clock=clock)
    out = site / "output"
    notice = edit_welcome_notice(site)
    result = build(site, clock=clock, in_place=True)
    assert result.finish is not None  # not run: the server was stopped here
    assert "争当标兵" in (out / "notices" / "welcome" / "index.html").read_text("utf-8")
    notice.write_text(BASELINE["content/notices/welcome.md"], encoding="utf-8")  # the edit undone
    renders.clear()
    build(site, clock=clock)
    assert "notices/welcome/index.html" in renders
    assert "争当标兵" not in (out / "notices" / "welcome" / "index.html").read_text("utf-8")
    assert_same_as_cold(site, out, tmp_path)


def test_a_damaged_output_file_is_made_again(site: Path, tmp_path: Path, renders: list[str]) -> None:
    build(site, clock=clock)
    page = site / "output" / "faq" / "index.html"
    page.write_text("tampered", encoding="utf-8")
    renders.clear()
    build(site, clock=clock)
    assert "faq/index.html" in renders
    assert_same_as_cold(site, site / "output", tmp_path)


@pytest.mark.parametrize("background", [False, True], ids=["written-here", "written-by-forked-children"])
def test_parsed_data_from_the_cache_equals_a_fresh_parse(site: Path, background: bool,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cache, model
    from generator.state import BuildState

    monkeypatch.setattr(cache, "BACKGROUND_MIN_ROWS", 0)  # the example site's tables are small: fork for them too
    fresh = load_site(site, today=NOW.date())
    if background:  # as a build fills it: the children see the tables as loaded, whatever the build does next
        state = BuildState()
        with state.saving_in_background():
            filled = load_site(site, today=NOW.date(), cache=True, state=state)
            for table in filled.tables.values():  # changed in place: a column reversed, another added
                first = table.columns[0]
                table[first] = table[first].iloc[::-1].to_numpy()
                table["added by the build"] = 1
    else:
        load_site(site, today=NOW.date(), cache=True)  # fills the cache
    assert any((site / CACHE_DIR / "datasets").glob("*.frame"))

    def not_parsed(*args: object, **kwargs: object) -> None:
        raise AssertionError("the data files were parsed again: the cache was not complete")

    monkeypatch.setattr(model, "load_datasets", not_parsed)
    cached = load_site(site, today=NOW.date(), cache=True)
    for name, table in fresh.tables.items():
        other = cached.tables[name]
        assert list(other.dtypes) == list(table.dtypes), name
        assert other.equals(table), name
        for column in table.columns:  # text stays Python str / None, as the loaders make it
            assert [type(v) for v in other[column]] == [type(v) for v in table[column]], (name, column)
    assert cached.problems == fresh.problems
    assert [d.html for d in cached.documents["notices"]] == [d.html for d in fresh.documents["notices"]]
    assert cached.fingerprints == fresh.fingerprints


def test_a_kept_frame_reads_back_as_it_was_with_equal_texts_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    import pandas as pd

    from generator import cache

    texts = np.empty(6, dtype=object)
    texts[:] = ["张三", "李四", None, "".join(["张", "三"]), float("nan"), "张三"]
    frame = pd.DataFrame({
        "seller": pd.Series(texts, dtype=object),
        "premium": [1.5, np.nan, 3.0, -0.0, 1e15, 2.0],
        "cases": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
        "date": pd.to_datetime(["2026-11-01", None, "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"]),
        "flag": [True, False, True, True, False, True],
        "mixed": pd.Series([1, True, "x", "".join(["x"]), None, 1.0], dtype=object),  # 1 == True == 1.0
        "empty": pd.Series([None] * 6, dtype=object),
    })
    assert frame["seller"][0] is not frame["seller"][3]  # equal texts, two objects (as a CSV parse may make)
    data = cache.frame_to_bytes(frame)
    back = cache.frame_from_bytes(data, cache.frame_dtypes(frame))
    pd.testing.assert_frame_equal(back, frame)
    for column in ("seller", "mixed", "empty"):  # str, None, NaN, int, bool and float kept as they were
        assert [type(v) for v in back[column]] == [type(v) for v in frame[column]], column
    assert back["mixed"][2] is back["mixed"][3]
    assert back["seller"][0] is back["seller"][3] is back["seller"][5]  # kept once, read back as one object
    assert frame["seller"][0] is not frame["seller"][3]  # the caller's frame is left as it was

    with pytest.raises(ValueError, match="not the frame"):
        cache.frame_from_bytes(data, {**cache.frame_dtypes(frame), "premium": "int64"})
    monkeypatch.setattr(cache, "_library_versions", lambda: ("0.0", "0.0"))
    with pytest.raises(ValueError, match="another pandas"):  # a frame pickled by another pandas: a miss
        cache.frame_from_bytes(data, cache.frame_dtypes(frame))


def test_checked_tables_are_read_back_until_a_data_file_changes(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import model

    people = site / "data" / "people.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    # A name past the length limit (cut, with a warning) and a person in a unit that does not exist (dropped).
    header = lines[0].split(",")
    long_row = lines[1].split(",")
    long_row[header.index("姓名")] = "长" * 3000
    lost = lines[2].split(",")
    lost[header.index("所属单位")] = "NO-SUCH-UNIT"
    people.write_text("\n".join([lines[0], ",".join(long_row), ",".join(lost), *lines[3:]]) + "\n", encoding="utf-8")
    fresh = load_site(site, today=NOW.date())
    load_site(site, today=NOW.date(), cache=True)
    assert any((site / CACHE_DIR / "checked").glob("*.frame"))

    def no_check(*args: object, **kwargs: object) -> None:
        raise AssertionError("the data was checked again")

    with monkeypatch.context() as patched:
        patched.setattr(model, "load_datasets", no_check)
        cached = load_site(site, today=NOW.date(), cache=True)
    for name, table in fresh.tables.items():
        assert list(cached.tables[name].dtypes) == list(table.dtypes), name
        assert cached.tables[name].equals(table), name
    assert cached.problems == fresh.problems
    assert any("characters long" in str(p.localized("en")) for p in cached.problems)
    assert any("NO-SUCH-UNIT" in str(p) for p in cached.problems)

    people.write_text(people.read_text(encoding="utf-8").replace("NO-SUCH-UNIT", "ALSO-MISSING"), encoding="utf-8")
    checked: list[bool] = []
    real = model.load_datasets
    monkeypatch.setattr(model, "load_datasets", lambda *a, **k: checked.append(True) or real(*a, **k))
    edited = load_site(site, today=NOW.date(), cache=True)
    assert checked == [True]
    assert any("ALSO-MISSING" in str(p) for p in edited.problems)
    assert len(list((site / CACHE_DIR / "checked").glob("*.pickle"))) == 1  # the older entry is gone


def test_tables_the_cache_cannot_store_are_only_loaded_again(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cache

    def refuse(frame: object) -> bytes:
        raise ValueError("cannot be kept")

    fresh = load_site(site, today=NOW.date())
    monkeypatch.setattr(cache, "frame_to_bytes", refuse)
    for _ in range(2):
        cached = load_site(site, today=NOW.date(), cache=True)
        assert cached.problems == fresh.problems
        assert all(cached.tables[name].equals(table) for name, table in fresh.tables.items())
    assert not list((site / CACHE_DIR).rglob("*.frame"))


def test_documents_parsed_by_workers_while_the_data_loads_equal_a_plain_parse(site: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import model
    from generator.inputs import parsing

    plain = load_site(site, today=NOW.date())
    monkeypatch.setattr(parsing, "POOL_MIN_DOCUMENTS", 1)
    started: list[bool] = []
    real_load_data = model.load_data

    def load_data(*args: object, **kwargs: object) -> object:
        started.append(multiprocessing.active_children() != [])  # the parsers run meanwhile
        return real_load_data(*args, **kwargs)

    monkeypatch.setattr(model, "load_data", load_data)
    pooled = load_site(site, today=NOW.date(), cache=True)
    assert started == [True] and multiprocessing.active_children() == []
    for name, docs in plain.documents.items():
        assert [(d.slug, d.meta, d.html) for d in pooled.documents[name]] == [(d.slug, d.meta, d.html) for d in docs]
    assert pooled.problems == plain.problems


def test_a_failed_data_load_stops_the_document_parsers(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import model
    from generator.inputs import parsing

    monkeypatch.setattr(parsing, "POOL_MIN_DOCUMENTS", 1)

    def broken(*args: object, **kwargs: object) -> object:
        raise OSError("disk gone")

    monkeypatch.setattr(model, "load_data", broken)
    with pytest.raises(OSError, match="disk gone"):
        load_site(site, today=NOW.date(), cache=True)
    assert multiprocessing.active_children() == []


def test_a_build_leaves_the_garbage_collector_as_it_found_it(site: Path) -> None:
    # A build tells the collector to pass over its tables and pages (gc.freeze) and to collect young objects
    # less often; the dev server builds again and again in one process, so both must be undone after.
    import gc

    before = gc.get_threshold()
    build(site, clock=clock)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
    sales = next((site / "data").glob("sales.*"))
    sales.write_text("x,y\n1,2\n", encoding="utf-8")  # no usable columns: the build fails after loading
    with pytest.raises(TrackboardError, match="输入（文件或数据库查询）无法使用"):  # the site is in Chinese
        build(site, clock=clock)
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before


def test_no_build_makes_a_chart_template(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The kinds' Vega-Lite templates ship in the package (charts.TEMPLATES_FILE): making one imports altair (about
    # 0.4 s of a build), a first build's and an edit build's alike.
    from generator import charts

    charts._template.cache_clear()  # as in a new process

    def no_altair(*args: object, **kwargs: object) -> dict:
        raise AssertionError("a template was built")

    monkeypatch.setattr(charts, "_build", no_altair)
    build(site, clock=clock)
    edit_welcome_notice(site)  # recomputes the screens, whose chart is made again (and found in the cache)
    charts._template.cache_clear()
    build(site, clock=clock)
    charts._template.cache_clear()
