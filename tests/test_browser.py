"""The built example site in real headless Chromium (Debian's /usr/bin/chromium driven by playwright)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import serve_folder

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(example_build: Callable[..., Path]) -> Iterator[str]:
    with serve_folder(example_build()) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium: object) -> object:
    return chromium


PAGES = [
    "index.html",
    "daily/index.html",
    "units/index.html",
    "leaderboard/index.html",
    "battle/index.html",
    "notices/index.html",
    "faq/index.html",
    "quality/index.html",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_only_from_the_site(browser, server: str, path: str) -> None:
    """Every request a page makes goes to the local server, and the page shows its as-of date."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    response = page.goto(server + path)
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    outside = [u for u in requests if urlparse(u).hostname not in ("127.0.0.1",)]
    assert outside == []
    assert failed == []
    assert errors == []  # includes Content-Security-Policy violations
    assert "2026" in page.locator(".as-of").inner_text()
    page.close()


def test_board_shows_kpis_and_reports(browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "index.html")
    assert page.locator(".tiles .tile").count() >= 4
    assert page.locator(".battle-list li").count() >= 1
    page.close()


def test_charts_render_as_images(browser, server: str) -> None:
    """The chart images of a unit page load and have a size (the SVG is valid)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "units/index.html")
    page.locator("table.data tbody th a").first.click()
    page.wait_for_load_state("networkidle")
    images = page.locator(".chart img")
    assert images.count() >= 2
    for i in range(images.count()):
        width = images.nth(i).evaluate("img => img.naturalWidth")
        assert width > 0
    page.close()


WRAPPED_CELLS = """() => Array.from(document.querySelectorAll('table.data td.num, table.data tbody th'))
.filter(cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return new Set(Array.from(range.getClientRects()).map(rect => Math.round(rect.top))).size > 1;
}).map(cell => cell.textContent.trim())"""


def test_the_daily_report_prints_across_an_a4_sheet_with_every_figure_on_one_line(browser, server: str) -> None:
    # The manager's 8 a.m. printout: sixteen columns on A4 landscape, none cut off, no 1077.8万 broken in two.
    page = browser.new_page(viewport={"width": 1047, "height": 700})  # A4 landscape less its margins, 96 dpi
    try:
        page.emulate_media(media="print")
        page.goto(server + "daily/index.html")
        widths = page.evaluate("Array.from(document.querySelectorAll('table.data')).map(t => t.scrollWidth)")
        assert widths and max(widths) <= 1047, widths
        assert page.evaluate(WRAPPED_CELLS) == []
        pdf = page.pdf(prefer_css_page_size=True)
        assert b"/MediaBox [0 0 841.91998 594.95996]" in pdf  # A4 landscape, in points
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1280, "height": 900})
        assert page.evaluate(WRAPPED_CELLS) == []  # on screen too; a wider table would scroll in its frame
    finally:
        page.close()


def test_a_notice_prints_upright_on_a4(browser, server: str) -> None:
    page = browser.new_page()
    try:
        page.goto(server + "notices/index.html")
        page.goto(page.locator("main a[href*='notices/']").first.evaluate("a => a.href"))
        assert page.locator("table.data").count() == 0
        assert b"/MediaBox [0 0 594.95996 841.91998]" in page.pdf(prefer_css_page_size=True)  # A4 portrait
    finally:
        page.close()
