"""An unchanged rebuild publishes the previous build again without reading a table (build.probe_key), saying
what the previous build said; any change to what decides the build falls back to the full build."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import BASELINE, write_files
from conftest import built_files as files

from generator import cli
from generator.cache import CACHE_DIR
from generator.commands import build as build_module
from generator.commands.build import build

pytestmark = pytest.mark.slow

NOW = dt.datetime(2026, 3, 6, 1, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(hours=3)  # the same day (in UTC and in the site's time zone)
AS_OF = dt.date(2026, 3, 5)

# The baseline site with a bad premium (an error: the row is skipped), a sale dated ahead of the clock's day by
# more than is allowed (an error naming that day) and a notice for a unit that does not exist (a warning).
FILES = {
    **BASELINE,
    "data/sales.csv": BASELINE["data/sales.csv"] + "2026-03-04,P002,abc,1,意外险\n2026-04-20,P003,5000,1,意外险\n",
    "content/notices/unknown-unit.md": "---\ntitle: 只给不存在的单位\ndate: 2026-03-01\nunits: [ZZ9]\n---\n\n正文\n",
    "theme/static/extra.css": "body { color: #123456; }\n",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write_files(root, FILES)
    return root


def clock_at(moment: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: moment


def built_at(out: Path) -> str:
    return str(json.loads((out / "build.json").read_text(encoding="utf-8"))["built_at"])


@pytest.fixture
def no_load(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call to make loading the site fail: a build that still succeeds read no table."""

    def forbid() -> None:
        def load_site(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("the site was loaded")

        monkeypatch.setattr(build_module, "load_site", load_site)

    return forbid


def run_cli(monkeypatch: pytest.MonkeyPatch, site: Path, *options: str, now: dt.datetime = NOW) -> Any:
    """`trackboard build SITE OPTIONS` with the clock at `now`."""
    monkeypatch.setattr(cli, "run_build", functools.partial(build, clock=clock_at(now)))
    return CliRunner().invoke(cli.main, ["build", str(site), *options])


def said(result: Any) -> list[str]:
    """What the command printed (stdout and stderr) but the stage timings."""
    lines = (result.stdout + result.stderr).splitlines()
    return [line for line in lines if not line.startswith(("load ", "compute ", "charts ", "render ", "assets ",
                                                           "pdfs ", "search ", "write "))]


def test_an_unchanged_rebuild_reads_no_table_and_says_what_the_full_build_said(
        site: Path, monkeypatch: pytest.MonkeyPatch, no_load: Callable[[], None]) -> None:
    strict_full = run_cli(monkeypatch, site, "--strict")
    assert strict_full.exit_code == 1 and "--strict" not in said(strict_full)
    first = run_cli(monkeypatch, site)
    assert first.exit_code == 0, first.output
    before, time_before = files(site / "output"), built_at(site / "output")
    warning = [line for line in said(first) if "ZZ9" in line]
    errors = [line for line in said(first) if "abc" in line or "2026-04-20" in line]
    assert len(warning) == 1 and len(errors) == 2, said(first)

    no_load()
    shutil.rmtree(site / CACHE_DIR / "checked")  # a full load would parse the data files again
    again = run_cli(monkeypatch, site, now=LATER)
    assert again.exit_code == 0, again.output
    assert "inputs unchanged: no table read" in again.stdout
    assert said(again) == said(first)  # the same problems, counts, as-of date and page count
    assert files(site / "output") == before  # build.json but its build time, and every other file
    assert built_at(site / "output") != time_before
    assert not (site / CACHE_DIR / "checked").exists()

    strict_fast = run_cli(monkeypatch, site, "--strict", now=LATER)
    assert strict_fast.exit_code == 1
    assert said(strict_fast) == said(strict_full)  # the same errors listed, the same refusal
    assert files(site / "output") == before  # nothing written


def test_an_unchanged_rebuild_publishes_what_a_full_build_does(site: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                no_load: Callable[[], None]) -> None:
    build(site, clock=clock_at(NOW))
    no_load()
    again = build(site, clock=clock_at(LATER))
    assert again.site is None  # published again without loading the site
    monkeypatch.undo()
    full = build(site, out=tmp_path / "full", clock=clock_at(LATER), cache=False)
    assert full.site is not None
    assert files(site / "output") == files(tmp_path / "full")
    assert built_at(site / "output") == built_at(tmp_path / "full")
    assert (again.pages, again.files, again.build_id) == (full.pages, full.files, full.build_id)


def edit_keeping_size_and_time(path: Path, old: bytes, new: bytes) -> None:
    """Edit a file without changing its size or modification time: only its bytes tell."""
    assert len(old) == len(new)
    stat = path.stat()
    data = path.read_bytes()
    assert data.count(old) == 1
    path.write_bytes(data.replace(old, new))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def damage_record(site: Path) -> None:
    records = list((site / CACHE_DIR / "outputs").iterdir())
    assert records
    for record in records:
        record.write_bytes(b"not a record")


def replace_keeping_bytes(path: Path) -> None:
    """Put a copy of a file in its place: the same bytes and time, another inode."""
    copy = path.with_name(path.name + ".copy")
    shutil.copy2(path, copy)
    copy.replace(path)


def edit_search_index(site: Path) -> None:
    index = sorted(p for p in (site / "output" / "search" / "pagefind").rglob("*") if p.is_file())
    assert index
    with index[0].open("ab") as file:
        file.write(b"\0")


ONE_DAY = dt.timedelta(days=1)

# Each change: the first build's options, what is changed, and the next build's options.
CHANGES: dict[str, tuple[dict[str, Any], Callable[[Path], None], dict[str, Any]]] = {
    "a data file's bytes": ({}, lambda site: edit_keeping_size_and_time(
        site / "data" / "sales.csv", b"P002,3000", b"P002,4000"), {}),
    "site.toml": ({}, lambda site: edit_text(site / "site.toml", "测试分公司", "测试支公司"), {}),
    "a theme file": ({}, lambda site: edit_text(site / "theme" / "static" / "extra.css", "#123456", "#654321"), {}),
    "a new document": ({}, lambda site: write_files(site, {"content/faq/02-new.md": BASELINE[
        "content/faq/01-no-money.md"].replace("01", "02")}), {}),
    "the as-of date": ({"as_of": AS_OF}, lambda site: None, {"as_of": AS_OF - ONE_DAY}),
    "the clock's day": ({}, lambda site: None, {"clock": clock_at(NOW + ONE_DAY)}),
    "the clock's day, after the as-of date": ({"as_of": AS_OF}, lambda site: None,
                                              {"as_of": AS_OF, "clock": clock_at(NOW + ONE_DAY)}),
    "the profile": ({}, lambda site: None, {"profile": "screen"}),
    "an output file deleted": ({}, lambda site: (site / "output" / "faq" / "index.html").unlink(), {}),
    "an output file edited": ({}, lambda site: edit_text(site / "output" / "index.html", "</body>",
                                                         "<p>mine</p></body>"), {}),
    "a file added to the output": ({}, lambda site: write_files(site, {"output/extra.html": "<p>x</p>"}), {}),
    "the record unreadable": ({}, damage_record, {}),
    "an output file replaced by a copy": ({}, lambda site: replace_keeping_bytes(site / "output" / "index.html"), {}),
    "a file added in a new output folder": ({}, lambda site: write_files(site, {"output/new/extra.html": "x"}), {}),
    "the search index edited": ({}, edit_search_index, {}),
    "the search index removed": ({}, lambda site: shutil.rmtree(site / "output" / "search" / "pagefind"), {}),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_builds_in_full_and_publishes_what_a_full_build_does(site: Path, tmp_path: Path,
                                                                      change: str) -> None:
    first, edit, second = CHANGES[change]
    build(site, **{"clock": clock_at(NOW), **first})
    edit(site)
    options = {"clock": clock_at(NOW), **second}
    again = build(site, **options)
    assert again.site is not None, "the site was loaded"
    full = build(site, out=tmp_path / "full", cache=False, **options)
    assert files(site / "output") == files(tmp_path / "full")
    assert (again.pages, again.build_id, again.summary) == (full.pages, full.build_id, full.summary)
    # and the build after it publishes that build again
    third = build(site, **options)
    assert third.site is None and third.build_id == again.build_id


def test_the_dev_server_and_an_uncached_build_load_the_site(site: Path) -> None:
    build(site, clock=clock_at(NOW))
    assert build(site, clock=clock_at(NOW), cache=False).site is not None
    build(site, clock=clock_at(NOW))
    in_place = build(site, clock=clock_at(NOW), in_place=True)
    assert in_place.site is not None
    assert in_place.finish is None  # nothing but build.json changed: nothing left to do

