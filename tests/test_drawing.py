"""Charts drawn in the background while the site is computed: the same SVGs, and nothing lost when a worker
fails."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_charts import cumulative, needs_cjk, trend

from generator import charts, drawing
from generator.charts import render_svgs
from generator.drawing import ChartDrawer


def _many(n: int) -> list[charts.Chart]:
    return [trend(f"第{i}组 · 近30天保费", 1 + i / 7) for i in range(n)] + [cumulative()]


@needs_cjk
def test_charts_drawn_in_the_background_are_the_ones_drawn_in_the_build(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drawing, "MIN_CHARTS", 5)
    monkeypatch.setattr(drawing, "CHUNK", 3)
    first, second = _many(6), [trend("王小明 · 近30天保费", 0.3), trend("李娜 · 近30天保费", 2.5)]
    drawer = ChartDrawer("zh-CN", tmp_path / "charts", hint="王小明李娜", processes=2)
    drawer.submit(first)
    assert len(drawer.workers) == 2  # started: enough charts
    drawer.submit(second + first[:2])  # charts handed over twice are drawn once
    spool = drawer.spool
    assert spool is not None and spool.is_dir()
    assert drawer.finish() == len(first) + len(second)
    assert drawer.spool is None and not spool.exists()
    cached = sorted(p.name for p in (tmp_path / "charts").glob("*.svg"))
    assert len(cached) == len(first) + len(second)

    def refuse(*args: object) -> str:
        raise AssertionError("drawn again: the background SVG was not used")

    monkeypatch.setattr(charts, "render_job", refuse)
    background = render_svgs(first + second, "zh-CN", tmp_path / "charts", known=drawer.known)
    assert render_svgs(first + second, "zh-CN", tmp_path / "charts") == background
    # An entry for another chart under the same id (an object since freed) is not taken for this one.
    stale = {id(first[0]): (second[0], "{}", "0" * 64)}
    assert render_svgs(first[:1], "zh-CN", tmp_path / "charts", known=stale) == background[:1]
    monkeypatch.undo()
    fresh = render_svgs(first + second, "zh-CN", tmp_path / "fresh", workers=1)
    assert background == fresh
    assert "王小明 · 近30天保费</text>" in background[-2]


@needs_cjk
def test_charts_a_worker_did_not_draw_are_drawn_by_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drawing, "MIN_CHARTS", 2)
    monkeypatch.setattr(ChartDrawer, "command", (sys.executable, "-c", "import sys; sys.exit(3)"))  # dies at once
    items = _many(3)
    drawer = ChartDrawer("zh-CN", tmp_path / "charts", processes=2)
    drawer.submit(items)
    assert drawer.finish() == len(items)  # handed over, and lost
    assert drawer.failed
    assert not list((tmp_path / "charts").glob("*.svg"))
    svgs = render_svgs(items, "zh-CN", tmp_path / "charts", workers=1)
    assert all(f"{c.title}</text>" in svg for c, svg in zip(items, svgs, strict=True))


def test_few_charts_or_one_core_start_no_worker(tmp_path: Path) -> None:
    few = ChartDrawer("zh-CN", tmp_path, processes=2)
    few.submit(_many(3))
    assert few.workers == [] and few.finish() == 0
    alone = ChartDrawer("zh-CN", tmp_path, processes=1)
    alone.submit(_many(drawing.MIN_CHARTS))
    assert alone.workers == [] and alone.finish() == 0


@needs_cjk
def test_workers_warmed_up_before_any_chart_draw_those_submitted_later(tmp_path: Path) -> None:
    drawer = ChartDrawer("zh-CN", tmp_path / "charts", processes=2)
    drawer.warm_up(drawing.FLUSH_MIN - 1)
    assert drawer.workers == []  # too few charts expected to be worth a worker
    drawer.warm_up(drawing.FLUSH_MIN)
    assert len(drawer.workers) == 1  # one a PER_WORKER charts expected
    items = _many(3)
    drawer.submit(items)  # fewer than MIN_CHARTS: handed to the waiting worker all the same
    assert drawer.finish() == len(items) and not drawer.failed
    assert len(list((tmp_path / "charts").glob("*.svg"))) == len(items)
    alone = ChartDrawer("zh-CN", tmp_path / "one", processes=1)
    alone.warm_up(1000)
    assert alone.workers == []


def test_cancel_stops_the_workers_and_removes_the_spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drawing, "MIN_CHARTS", 1)
    monkeypatch.setattr(ChartDrawer, "command", (sys.executable, "-c", "import time; time.sleep(60)"))
    drawer = ChartDrawer("zh-CN", tmp_path / "charts", processes=2)
    drawer.submit(_many(2))
    spool, processes = drawer.spool, list(drawer.workers)
    assert spool is not None and spool.is_dir() and len(list(spool.glob("chunk-*.json"))) == 1
    drawer.cancel()
    assert all(p.poll() is not None for p in processes) and not spool.exists()


def test_a_chunk_is_taken_by_one_worker_only(tmp_path: Path) -> None:
    (tmp_path / "chunk-000000.json").write_text("{}")
    (tmp_path / "chunk-000001.json").write_text("{}")
    taken = [drawing._claim(tmp_path), drawing._claim(tmp_path), drawing._claim(tmp_path)]
    assert taken[2] is None
    assert [p.name.split("-")[2] for p in taken[:2]] == ["000000", "000001"]  # in order


def test_a_worker_leaves_when_its_spool_is_gone(tmp_path: Path) -> None:
    import subprocess
    import time

    spool = tmp_path / "spool"
    spool.mkdir()
    worker = subprocess.Popen([*ChartDrawer.command, str(spool), str(tmp_path / "charts")])
    try:
        time.sleep(0.5)
        assert worker.poll() is None  # waiting for chunks
        spool.rmdir()
        assert worker.wait(timeout=30) == 0
    finally:
        worker.kill()


@needs_cjk
@pytest.mark.slow
def test_screens_show_the_chart_drawn_while_the_other_pages_rendered(example_build: Callable[..., Path]) -> None:
    """Pages are rendered while the charts are drawn; those that show a chart inline (the screens) wait for it."""
    import re

    out = example_build()
    page = (out / "screen" / "index.html").read_text(encoding="utf-8")
    figure = re.search(r'<figure class="screen-chart">(.*?)<figcaption>', page, re.S)
    assert figure is not None
    inline = figure.group(1)
    assert inline.startswith("<svg") and inline == (out / "screen" / "trend.svg").read_text(encoding="utf-8")
    assert inline.count("<text") > 5  # the title and the axis labels drawn
