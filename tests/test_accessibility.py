"""The built example site in real headless Chromium: axe-core finds no serious or critical accessibility problem,
no request leaves the site, and the Content-Security-Policy stops a script that got into a page.

axe-core comes inside the axe-playwright-python package (never from a CDN); Chromium is Debian's.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import serve_folder

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOCAL_HOSTS = ("127.0.0.1",)


@pytest.fixture(scope="module")
def out(example_build: Callable[..., Path]) -> Path:
    return example_build()


@pytest.fixture(scope="module")
def server(out: Path) -> Iterator[str]:
    with serve_folder(out) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium: object) -> object:
    return chromium


@pytest.fixture
def guarded(browser: object) -> Iterator[tuple[object, list[str]]]:
    """A page whose every request to another host is blocked and counted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    outside: list[str] = []

    def route(r: object) -> None:
        if urlsplit(r.request.url).hostname in LOCAL_HOSTS or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    yield page, outside
    context.close()


def first_link_under(out: Path, listing: str, folder: str) -> str | None:
    """The first page under `folder` linked from the page `listing` (e.g. a unit page from the units list)."""
    from selectolax.lexbor import LexborHTMLParser

    path = out / listing
    if not path.is_file():
        return None
    for a in LexborHTMLParser(path.read_text("utf-8")).css("main a[href]"):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(listing), a.attributes["href"] or ""))
        if target.startswith(folder) and target.endswith("index.html") and target != listing:
            return target
    return None


def axe_pages(out: Path) -> list[str]:
    pages = [
        "index.html",
        "daily/index.html",
        "leaderboard/index.html",
        "warnings/index.html",
        "faq/index.html",
        "screen/index.html",
    ]
    unit = first_link_under(out, "units/index.html", "units/")
    pages.append(unit or "units/index.html")
    pages += sorted(p.relative_to(out).as_posix() for p in out.glob("screen/*/index.html"))[:1]
    pages += [p for p in sample_pages(out) if p not in pages]  # and one page of every other kind
    return [p for p in pages if (out / p).is_file()]


def test_the_pages_to_check_exist(out: Path) -> None:
    pages = axe_pages(out)
    for expected in ("index.html", "daily/index.html", "leaderboard/index.html", "faq/index.html", "screen/index.html"):
        assert expected in pages
    assert any(p.startswith("units/") and p != "units/index.html" for p in pages)


def test_axe_finds_no_serious_or_critical_violation(out: Path, server: str, guarded) -> None:
    """axe-core's rules (WCAG 2.x A and AA and best practices) on the board, the daily report, a unit, the
    leaderboard, the warnings, the FAQ, the screens, and one page of every other kind."""
    from axe_playwright_python.sync_playwright import Axe

    page, outside = guarded
    axe = Axe()
    found: list[str] = []
    for path in axe_pages(out):
        response = page.goto(server + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        results = axe.run(page).response
        for violation in results["violations"]:
            if violation.get("impact") in ("serious", "critical"):
                targets = [", ".join(map(str, n.get("target", []))) for n in violation["nodes"][:3]]
                found.append(
                    f"{path}: {violation['id']} ({violation['impact']}, {len(violation['nodes'])} "
                    f"element(s)): {violation['help']} e.g. {targets}"
                )
    assert outside == []
    assert found == [], "\n".join(found)


def sample_pages(out: Path) -> list[str]:
    """One page of every kind: the first page of each top-level folder at each depth."""
    chosen: dict[tuple[str, int], str] = {}
    for path in sorted(out.rglob("*.html")):
        relative = path.relative_to(out).as_posix()
        parts = relative.split("/")
        chosen.setdefault((parts[0] if len(parts) > 1 else "", len(parts)), relative)
    return sorted(chosen.values())


def test_no_request_leaves_the_site(out: Path, server: str, guarded) -> None:
    """Every request of a sample of every kind of page goes to the local server, and none fails."""
    page, outside = guarded
    failed: list[str] = []
    aborted: set[str] = set()
    bad_status: list[str] = []
    errors: list[str] = []

    def on_failed(r: object) -> None:
        # Chromium cancels what a page still fetches when the next page is opened (the favicon, often):
        # such a request is fetched again below, so a missing file still fails the test.
        if r.failure == "net::ERR_ABORTED":  # type: ignore[attr-defined]
            aborted.add(r.url)  # type: ignore[attr-defined]
        else:
            failed.append(f"{r.url}: {r.failure}")  # type: ignore[attr-defined]

    page.on("requestfailed", on_failed)
    page.on("response", lambda r: bad_status.append(f"{r.url}: {r.status}") if r.status >= 400 else None)
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    pages = sample_pages(out)
    assert len(pages) >= 8
    for path in pages:
        response = page.goto(server + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # the screen's first check of build.json, a slide change
    assert outside == []
    assert failed == []
    assert bad_status == []
    refetched = {url: page.request.get(url).status for url in sorted(aborted)}
    assert {url: status for url, status in refetched.items() if status != 200} == {}
    assert errors == []  # a Content-Security-Policy violation shows here too


ATTEMPTS = """async () => {
  const violations = [];
  document.addEventListener("securitypolicyviolation", (e) => violations.push(e.effectiveDirective));
  window.__ran = [];
  const s = document.createElement("script");
  s.textContent = "window.__ran.push('inline script')";
  document.body.appendChild(s);
  document.body.insertAdjacentHTML("beforeend", '<img src="x.png" onerror="window.__ran.push(\\'onerror\\')">');
  const link = document.createElement("a");
  link.href = "javascript:window.__ran.push('javascript link')";
  document.body.appendChild(link);
  link.click();
  const img = new Image();
  img.src = "http://example.invalid/pixel.png";
  document.body.appendChild(img);
  let fetched = "blocked";
  try { await fetch("http://example.invalid/data.json"); fetched = "loaded"; } catch (e) { fetched = "blocked"; }
  const style = document.createElement("link");
  style.rel = "stylesheet"; style.href = "https://example.invalid/x.css";
  document.head.appendChild(style);
  await new Promise((resolve) => setTimeout(resolve, 500));
  return {ran: window.__ran, fetched, violations};
}"""


@pytest.mark.parametrize("path", ["index.html", "screen/index.html"])
def test_content_security_policy_stops_injected_scripts_and_outside_loads(
    out: Path, server: str, guarded, path: str
) -> None:
    """Were a script or an outside address ever to get into a page, the browser would refuse to run or load it."""
    page, outside = guarded
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    result = page.evaluate(ATTEMPTS)
    assert result["ran"] == []
    assert result["fetched"] == "blocked"
    for directive in ("script-src-elem", "script-src-attr", "img-src", "connect-src", "style-src-elem"):
        assert directive in result["violations"], result["violations"]
    assert outside == []  # the policy stopped them before any request was made


def test_charts_have_text_alternatives_in_the_browser(out: Path, server: str, guarded) -> None:
    """A unit page's charts: each image has its summary as alt text, and its data table opens from <details>."""
    page, _ = guarded
    unit = first_link_under(out, "units/index.html", "units/")
    assert unit is not None
    page.goto(server + unit)
    figures = page.locator("figure.chart")
    assert figures.count() >= 1
    for i in range(figures.count()):
        figure = figures.nth(i)
        alt = figure.locator("img").first.get_attribute("alt") or ""
        assert len(alt) > 10
        table = figure.locator("details table")
        assert not table.is_visible()
        figure.locator("details summary").click()
        assert table.is_visible()
        assert table.locator("tbody tr").count() >= 1


def test_axe_would_catch_a_bad_page(guarded) -> None:
    """The harness itself: a picture without alt text and an unlabelled field are reported."""
    from axe_playwright_python.sync_playwright import Axe

    page, _ = guarded
    page.set_content('<html lang="en"><title>t</title><main><img src="data:,"><input></main></html>')
    found = {v["id"] for v in Axe().run(page).response["violations"]}
    assert {"image-alt", "label"} <= found
