"""Readable at a glance, measured in headless Chromium on the built example site at a phone's (390×844), a laptop's
(1366×900) and a wall screen's (1920×1080) size: the phone's one-line navigation, no page scrolling sideways, chart
text of at least 11 CSS px as shown, the wall screens' text size and time-progress mark, the tracking grid's newest
day in view, and the battle reports' pages and month filter."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import serve_folder
from golden import AS_OF

from generator.metrics.pace import time_progress
from generator.pages.battle import PAGE_SIZE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
TV = {"width": 1920, "height": 1080}
MIN_CHART_TEXT = 11  # CSS px
MIN_TV_TEXT = 28  # CSS px at 1920×1080: secondary text read from five metres


@pytest.fixture(scope="module")
def site(example_build: Callable[..., Path]) -> Path:
    return example_build()


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    with serve_folder(site) as url:
        yield url


def page_kinds(site: Path) -> list[str]:
    """One page of each kind of the built site: the first page of each folder pattern (people/*, daily/*/units/* …)."""
    kinds: dict[str, str] = {}
    for path in sorted(site.rglob("index.html")):
        parts = path.relative_to(site).parts[:-1]
        kinds.setdefault("/".join(parts[:1] + ("*",) * (len(parts) - 1)), path.relative_to(site).as_posix())
    return sorted(kinds.values())


def open_page(chromium, viewport: dict[str, int], url: str):
    page = chromium.new_page(viewport=viewport)
    page.goto(url)
    page.wait_for_load_state("load")
    return page


def test_the_phone_navigation_is_one_line(chromium, server: str) -> None:
    page = open_page(chromium, PHONE, server + "index.html")
    nav = page.locator(".masthead nav").bounding_box()
    links = page.locator(".masthead nav a")
    assert nav is not None and nav["height"] <= 56
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1  # every entry on one row (it scrolls sideways)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.close()


def test_the_phone_navigation_shows_the_current_entry(chromium, server: str) -> None:
    """The last entries are beyond the row's right edge: the current one is scrolled into view."""
    page = open_page(chromium, PHONE, server + "search/index.html")
    current = page.locator(".masthead nav [aria-current=page]").bounding_box()
    assert current is not None and current["x"] >= 0 and current["x"] + current["width"] <= PHONE["width"]
    page.close()


def test_phone_tiles_stand_two_a_row(chromium, server: str) -> None:
    page = open_page(chromium, PHONE, server + "units/index.html")
    page.locator("table.data tbody th a").first.click()
    page.wait_for_load_state("load")
    boxes = [page.locator(".tiles .tile").nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[1]["x"] > boxes[0]["x"] + boxes[0]["width"] - 1
    page.close()


@pytest.mark.parametrize(("viewport", "locale"), [(PHONE, "zh-CN"), (PHONE, "en"), (LAPTOP, "zh-CN")],
                         ids=["phone", "phone-en", "laptop"])
def test_no_page_scrolls_sideways(chromium, example_build: Callable[..., Path], viewport: dict[str, int],
                                  locale: str) -> None:
    """One page of every kind (English words are longer than Chinese ones: the English site too)."""
    site = example_build(locale=locale)
    page = chromium.new_page(viewport=viewport)
    wide = []
    with serve_folder(site) as server:
        for path in page_kinds(site):
            page.goto(server + path)
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                wide.append((path, width))
    page.close()
    assert len(page_kinds(site)) > 20
    assert wide == []


def test_a_wide_table_scrolls_in_its_frame_with_its_first_column_fixed(chromium, server: str) -> None:
    page = open_page(chromium, PHONE, server + "daily/index.html")
    # the daily report's table of every unit is wider than a phone: it scrolls in its frame, not the page
    wide = page.evaluate("[...document.querySelectorAll('.table-wrap')].findIndex(e => e.scrollWidth > e.clientWidth)")
    assert wide >= 0
    frame = page.locator(".table-wrap").nth(wide)
    heads = frame.locator("thead th")
    assert all(heads.nth(i).evaluate("e => e.getClientRects().length") == 1 for i in range(heads.count()))
    first = frame.locator("tbody th").first
    before = first.bounding_box()["x"]
    frame.evaluate("e => { e.scrollLeft = 200; }")
    assert abs(first.bounding_box()["x"] - before) < 1  # the row's name stays in place
    page.close()


CHART_TEXT = """async (img) => {
  const svg = await (await fetch(img.src)).text();
  const sizes = [...svg.matchAll(/font-size="([0-9.]+)px"/g)].map(m => parseFloat(m[1]));
  return {smallest: Math.min(...sizes), scale: img.getBoundingClientRect().width / img.naturalWidth};
}"""


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP, TV], ids=["phone", "laptop", "tv"])
def test_chart_text_reads_at_11_px_or_more(chromium, site: Path, server: str, viewport: dict[str, int]) -> None:
    """The smallest text of every chart of a unit and a person page, at the size the chart is shown."""
    person = next(p for p in sorted(site.glob("people/*/index.html")) if list(p.parent.glob("*.svg")))
    page = chromium.new_page(viewport=viewport)
    shown = []
    for path in ["units/index.html", person.relative_to(site).as_posix()]:
        page.goto(server + path)
        if path == "units/index.html":
            page.locator("table.data tbody th a").first.click()
        page.wait_for_load_state("networkidle")
        images = page.locator(".chart img")
        assert images.count() >= 1
        for i in range(images.count()):
            text = images.nth(i).evaluate(CHART_TEXT)
            shown.append(text["smallest"] * text["scale"])
    page.close()
    assert min(shown) >= MIN_CHART_TEXT, shown


def show_slide(page, kind: str) -> None:
    page.evaluate("""(kind) => document.querySelectorAll('.slide').forEach(
        s => s.classList.toggle('active', s.dataset.kind === kind))""", kind)


SMALLEST_TEXT = """() => {
  let smallest = [1e9, ''];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element.checkVisibility()) continue;
    const size = element.closest('svg') ?
      parseFloat(getComputedStyle(element).fontSize) * Math.hypot(element.getScreenCTM().a, element.getScreenCTM().b) :
      parseFloat(getComputedStyle(element).fontSize);
    if (size < smallest[0]) smallest = [size, node.textContent.trim()];
  }
  return smallest;
}"""


def test_tv_text_reads_from_five_metres_and_bars_mark_time_progress(chromium, server: str) -> None:
    page = open_page(chromium, TV, server + "screen/index.html")
    kinds = page.evaluate("[...document.querySelectorAll('.slide')].map(s => s.dataset.kind)")
    assert {"kpis", "chart", "battle"} <= set(kinds)
    for kind in kinds:
        if kind == "celebrate":
            continue
        show_slide(page, kind)
        size, text = page.evaluate(SMALLEST_TEXT)
        assert size >= MIN_TV_TEXT, (kind, text, size)
    show_slide(page, "kpis")
    marks = page.locator(".slide-kpis .pace-mark")
    assert marks.count() >= 2  # the branch's bar and each division's
    expected = time_progress(AS_OF)
    for i in range(marks.count()):
        where = marks.nth(i).evaluate("""m => { const box = m.getBoundingClientRect(),
            bar = m.ownerSVGElement.getBoundingClientRect();
            return (box.left + box.width / 2 - bar.left) / bar.width; }""")
        assert where == pytest.approx(expected, abs=0.005)
    assert f"{expected * 100:.1f}%" in page.locator(".slide-kpis .bars-key").inner_text()
    page.close()


def test_tv_slide_of_cards_fills_the_screen(chromium, server: str) -> None:
    page = open_page(chromium, TV, server + "screen/index.html")
    show_slide(page, "battle")
    cards = page.locator(".slide-battle .cheers li")
    assert cards.count() >= 3
    last = cards.nth(cards.count() - 1).bounding_box()
    slide = page.locator(".slide-battle").bounding_box()
    assert last["y"] + last["height"] >= slide["y"] + slide["height"] - 0.06 * TV["height"]
    page.close()


def test_tv_chart_is_dark(chromium, server: str) -> None:
    page = open_page(chromium, TV, server + "screen/index.html")
    show_slide(page, "chart")
    background = page.locator(".screen-chart svg > rect").first.get_attribute("fill")
    assert background is not None and background.lower() not in ("white", "#fff", "#ffffff")
    page.close()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_tracking_grid_shows_the_newest_day_in_view(chromium, server: str, viewport: dict[str, int]) -> None:
    page = open_page(chromium, viewport, server + "tracking/index.html")
    days = page.locator(".tracking-grid thead time")
    dates = [days.nth(i).get_attribute("datetime") for i in range(days.count())]
    assert dates and dates[0] == max(dates)
    days.first.scroll_into_view_if_needed()  # down the page, not across the grid
    page.evaluate("document.querySelector('.tracking-grid').closest('.table-wrap').scrollLeft = 0")
    box = days.first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    page.close()


def test_battle_list_is_paged_and_filtered_by_month(chromium, site: Path, server: str) -> None:
    total = int(re.sub(r"\D", "", (site / "battle/index.html").read_text(encoding="utf-8")
                       .split('<p class="meta">', 1)[1].split("条", 1)[0]))
    page = open_page(chromium, PHONE, server + "battle/index.html")
    assert page.locator(".battle-index li").count() == min(total, PAGE_SIZE)
    if total > PAGE_SIZE:
        page.locator(".pager.pages a[rel=next]").click()
        page.wait_for_load_state("load")
        assert page.url.endswith("battle/page/2/index.html")
        assert page.locator(".battle-index li").count() == min(total - PAGE_SIZE, PAGE_SIZE)
    month = page.locator(".battle-filters p a").nth(2)  # "All", then the months, newest first: the second month
    key = month.get_attribute("href").rstrip("/index.html").rsplit("/", 1)[-1]
    count = int(month.locator(".count").inner_text())
    month.click()
    page.wait_for_load_state("load")
    days = [page.locator(".battle-index time").nth(i).get_attribute("datetime")
            for i in range(page.locator(".battle-index time").count())]
    assert len(days) == min(count, PAGE_SIZE) and all(day.startswith(key) for day in days)
    page.locator(".battle-index li a").first.click()
    page.wait_for_load_state("load")
    assert page.locator("article.battle h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.close()
