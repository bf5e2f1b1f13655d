"""Offline search: the Pagefind index is built with the site and finds Chinese words, in a real browser."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlparse

import pytest

from generator.commands.build import build

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                                                ".wasm": "application/wasm", ".pagefind": "application/octet-stream"}

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("search")
    for part in ("site.toml", "data", "content"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, base / part)
    build(base)
    return base / "output"


def test_the_index_is_built_with_the_site(out: Path) -> None:
    index = out / "search" / "pagefind"
    assert (index / "pagefind-ui.js").is_file()
    assert list(index.glob("pagefind.zh-cn_*.pf_meta")), "a Chinese index"
    assert not (index / "pagefind-component-ui.js").exists()


def test_a_profile_without_search_has_no_index(tmp_path: Path, out: Path) -> None:
    site = out.parent
    config = (site / "site.toml").read_text("utf-8") + '\n[profiles.nosearch]\nexclude = ["search"]\n'
    (site / "site.toml").write_text(config, encoding="utf-8")
    build(site, out=tmp_path / "nosearch", profile="nosearch")
    assert not (tmp_path / "nosearch" / "search").exists()


@pytest.mark.browser
def test_search_finds_a_chinese_word(out: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page()
            hosts: list[str | None] = []
            errors: list[str] = []
            page.on("request", lambda r: hosts.append(urlparse(r.url).hostname))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/search/index.html")
            page.fill(".pagefind-ui__search-input", "没钱")
            page.wait_for_selector(".pagefind-ui__result", timeout=20000)
            titles = page.locator(".pagefind-ui__result-title").all_inner_texts()
            assert any("没钱" in title for title in titles), titles
            assert set(hosts) == {"127.0.0.1"}
            assert errors == []
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
