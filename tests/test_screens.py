"""Wall screens in real headless Chromium: size, rotation, live reload, requests, and steady memory."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import copy_example_site, html, serve_folder, texts

from generator.commands.build import build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = [(1920, 1080), (1280, 720)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = copy_example_site(tmp_path_factory.mktemp("screens"))
    build(base)
    return base


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    with serve_folder(site / "output") as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium: object) -> object:
    return chromium


def _active(page) -> str:
    return page.evaluate("document.querySelector('.slide.active').dataset.kind")


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_slide_fits_without_scrolling(browser, server: str, width: int, height: int, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server + "screen/lobby/index.html?seconds=3600")
    kinds = page.evaluate(
        "Array.from(document.querySelectorAll('.slide:not(.slide-celebrate)')).map(s => s.dataset.kind)"
    )
    assert {"kpis", "leaderboard", "notices", "chart"} <= set(kinds)
    for index, kind in enumerate(kinds):
        page.evaluate(
            """i => document.querySelectorAll('.slide:not(.slide-celebrate)').forEach(
            (s, j) => s.classList.toggle('active', i === j))""",
            index,
        )
        page.wait_for_timeout(50)
        sizes = page.evaluate("""() => {
            const d = document.documentElement, s = document.querySelector('.slide.active');
            return {docW: d.scrollWidth, docH: d.scrollHeight, slideScroll: s.scrollHeight, slideClient: s.clientHeight,
                    slideScrollW: s.scrollWidth, slideClientW: s.clientWidth};
        }""")
        assert sizes["docW"] <= width and sizes["docH"] <= height, (kind, sizes)
        assert sizes["slideScroll"] <= sizes["slideClient"] + 1, (kind, sizes)  # nothing cut off at the bottom
        assert sizes["slideScrollW"] <= sizes["slideClientW"] + 1, (kind, sizes)
        page.screenshot(path=str(tmp_path / f"{width}x{height}-{kind}.png"))
    assert re.match(r"\d\d:\d\d:\d\d", page.locator("#clock").inner_text())
    assert "2026" in page.locator(".as-of").inner_text()
    page.close()


def test_slides_advance_on_time(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(server + "screen/lobby/index.html?seconds=0.5")
    # The slide shown, watched in the page every 10 ms until it has changed three times (or 10 s have passed):
    # times measured there, not by sleeping here, which a busy machine stretches.
    seen = page.evaluate("""() => new Promise(resolve => {
        const active = () => document.querySelector('.slide.active').dataset.kind;
        const seen = [[performance.now(), active()]];
        const timer = setInterval(() => {
            if (active() !== seen[seen.length - 1][1]) { seen.push([performance.now(), active()]); }
            if (seen.length === 4 || performance.now() - seen[0][0] > 10000) { clearInterval(timer); resolve(seen); }
        }, 10);
    })""")
    assert len(seen) == 4, seen  # it moved on three times
    gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(seen[1:])]  # whole intervals only
    assert all(400 <= gap <= 2000 for gap in gaps), gaps  # every half second, give or take a busy machine
    page.close()


def test_only_local_requests(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    hosts = []
    page.on("request", lambda r: hosts.append(urlparse(r.url).hostname))
    page.goto(server + "screen/lobby/index.html?seconds=0.3&refresh=0.5")
    page.wait_for_timeout(2000)
    assert hosts and set(hosts) == {"127.0.0.1"}
    page.close()


def test_dom_and_heap_steady_over_many_rotations(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(server + "screen/lobby/index.html?seconds=0.05")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")

    def measure() -> tuple[int, int]:
        # The fewest of a few samples: a node or two can be in flight (the clock's text, a fetch)
        # at any one instant, and that is not growth.
        samples = []
        for _ in range(3):
            cdp.send("HeapProfiler.collectGarbage")
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            samples.append((int(metrics["Nodes"]), int(metrics["JSHeapUsedSize"])))
            page.wait_for_timeout(50)
        return min(n for n, _ in samples), min(h for _, h in samples)

    page.wait_for_timeout(500)
    nodes_before, heap_before = measure()
    start = page.evaluate("window.trackboardScreen.rotations()")
    deadline = time.monotonic() + 30
    while page.evaluate("window.trackboardScreen.rotations()") - start < 120 and time.monotonic() < deadline:
        page.wait_for_timeout(500)
    assert page.evaluate("window.trackboardScreen.rotations()") - start >= 100
    nodes_after, heap_after = measure()
    # A node kept per rotation would add 100 or more; a steady screen stays within a few.
    assert nodes_after - nodes_before < 10, (nodes_before, nodes_after)
    assert heap_after - heap_before < 512 * 1024, (heap_before, heap_after)
    page.close()


def test_reloads_after_a_rebuild_with_a_new_as_of(browser, server: str, site: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(server + "screen/lobby/index.html?seconds=3600&refresh=0.5")
    before = page.get_attribute("body", "data-as-of")
    page.wait_for_timeout(800)  # the first poll remembers the current build
    build(site, as_of=dt.date(2026, 11, 19))
    after = before
    deadline = time.monotonic() + 30
    while after == before and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        try:
            after = page.get_attribute("body", "data-as-of")
        except Exception:  # the page is being reloaded just now
            continue
    assert before == "2026-11-20" and after == "2026-11-19"
    page.close()


def test_a_new_battle_report_interrupts_with_a_celebration(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    url = server + "screen/lobby/index.html?seconds=3600&refresh=3600"
    page.goto(url)
    assert _active(page) != "celebrate"  # first visit on this screen: nothing counts as new
    keys = page.get_attribute("body", "data-battle").split()
    # As if the screen had last seen the site before the newest report was published.
    page.evaluate("k => localStorage.setItem('trackboard.battle.seen', JSON.stringify(k))", keys[1:])
    page.goto(url)
    assert _active(page) == "celebrate"
    assert page.locator("#celebrate-text").inner_text().strip()
    page.goto(url)
    assert _active(page) != "celebrate"  # celebrated once, not again
    page.close()


def test_ranks_on_the_leaderboard_slide_are_whole_numbers(site: Path) -> None:
    # Ranks come from pandas as floats; "1.0" across the room reads as a decimal, not first place.
    ranks = texts(html(site / "output" / "screen" / "index.html"), ".ranking .rank")
    assert ranks and all(re.fullmatch(r"[1-9]\d*", rank) for rank in ranks), ranks
    assert ranks[:3] == ["1", "2", "3"]
