"""`trackboard serve`: pages served on 127.0.0.1, rebuilt on edits, live reload, an error page for bad edits."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from generator.commands.serve import SCRIPT_PATH, VERSION_PATH, DevServer

pytestmark = pytest.mark.slow


def notice(title: str, date: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\ncategory: 活动\n---\n\n正文。\n"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def wait_for(condition, seconds: float = 90.0) -> None:  # generous: CI shares two cores
    """Poll until condition() is true (builds run on a shared, busy machine: generous, but fails loudly)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not true within {seconds} s")


def version(dev: DevServer) -> int:
    return json.loads(fetch(dev.url + VERSION_PATH.lstrip("/"))[1])["version"]


def notice_title(dev: DevServer) -> str | None:
    status, body = fetch(dev.url + "notices/welcome/index.html")
    if status != 200:
        return None
    node = LexborHTMLParser(body).css_first("h1")
    return node.text(strip=True) if node else None


def test_serves_pages_on_localhost_with_the_reload_script(server: DevServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    status, body = fetch(server.url)
    assert status == 200
    page = LexborHTMLParser(body)
    scripts = [n.attributes.get("src") for n in page.css("script")]
    assert f"{SCRIPT_PATH}?v={version(server)}" in scripts
    status, script = fetch(server.url + SCRIPT_PATH.lstrip("/"))
    assert status == 200 and VERSION_PATH in script
    # The script is the server's: no build ever contains it.
    assert not any("livereload" in p.name for p in server.out.rglob("*"))
    assert "__trackboard" not in (server.out / "index.html").read_text(encoding="utf-8")


def test_edit_is_served_then_a_broken_front_matter_shows_the_error_page(site: Path, server: DevServer) -> None:
    file = site / "content" / "notices" / "welcome.md"
    assert notice_title(server) == "三月开门红启动"
    before = version(server)
    file.write_text(notice("三月开门红正式启动", "2026-03-01"), encoding="utf-8")
    # The page is written a moment before the version a tab polls goes up: wait for both.
    wait_for(lambda: notice_title(server) == "三月开门红正式启动" and version(server) > before)

    file.write_text("---\ntitle: [unclosed\ndate: 2026-03-01\n---\n正文\n", encoding="utf-8")
    wait_for(lambda: fetch(server.url)[0] == 500)
    status, body = fetch(server.url + "notices/index.html")
    assert status == 500
    assert "content/notices/welcome.md 第 3 行：文件头格式有误" in body
    assert SCRIPT_PATH in body  # the error page reloads itself once the file is fixed

    file.write_text(notice("三月开门红再启动", "2026-03-01"), encoding="utf-8")
    wait_for(lambda: notice_title(server) == "三月开门红再启动")
    assert fetch(server.url)[0] == 200


def test_output_and_cache_writes_do_not_trigger_builds(site: Path, server: DevServer) -> None:
    assert not server.relevant(str(site / ".trackboard-cache" / "charts" / "x.svg"))
    assert not server.relevant(str(site / "output" / "index.html"))
    assert not server.relevant(str(site / "content" / "notices" / ".welcome.md.swp"))
    assert server.relevant(str(site / "content" / "notices" / "welcome.md"))
    assert server.relevant(str(site / "site.toml"))
    assert server.relevant(str(site / "data" / "sales.csv"))


def test_a_stopped_server_lets_go_of_the_tables_it_kept(site: Path, tmp_path: Path) -> None:
    # The server keeps the tables in memory between its builds; stopped, it must not leave a later build in
    # the same process (a test, an embedding program) reading stale tables instead of the files.
    dev = DevServer(site, port=0, out=tmp_path / "served", log=lambda line: None)
    dev.start()
    kept = dev.build_state.tables
    assert kept.keep and kept.checked is not None
    dev.stop()
    assert not kept.keep and kept.checked is None and not kept.files


def test_a_tab_opened_during_the_first_build_waits_for_it(site: Path, tmp_path: Path, monkeypatch) -> None:
    # A large site's first build takes a minute or more: the server answers meanwhile, and the page it shows
    # carries the reload script, so the tab shows the site once it is built.
    import threading

    from generator.commands import serve as serve_module

    release = threading.Event()
    real_build = serve_module.build

    def slow_build(*args, **kwargs):
        release.wait(60)
        return real_build(*args, **kwargs)

    monkeypatch.setattr(serve_module, "build", slow_build)
    lines: list[str] = []
    dev = DevServer(site, port=0, out=tmp_path / "served", log=lines.append)
    starting = threading.Thread(target=dev.start)
    starting.start()
    try:
        wait_for(lambda: dev.port != 0, 30)
        assert any(dev.url in line for line in lines)  # the address is printed before the build
        status, body = fetch(dev.url + "notices/welcome/index.html")
        assert status == 503 and "正在构建" in body and f"{SCRIPT_PATH}?v=0" in body
        assert version(dev) == 0
        assert json.loads(fetch(dev.url + VERSION_PATH.lstrip("/"))[1])["building"] is True
        release.set()
        starting.join(120)
        assert version(dev) == 1 and notice_title(dev) == "三月开门红启动"
        assert json.loads(fetch(dev.url + VERSION_PATH.lstrip("/"))[1])["building"] is False
    finally:
        release.set()
        starting.join(120)
        dev.stop()


def test_a_port_in_use_is_reported_without_building(site: Path, monkeypatch) -> None:
    import socket

    from generator.commands import serve as serve_module
    from generator.errors import TrackboardError

    built: list[object] = []
    monkeypatch.setattr(serve_module, "build", lambda *args, **kwargs: built.append(args))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(TrackboardError, match=f"cannot serve on 127.0.0.1:{port} .*choose another --port"):
            serve_module.serve(site, port=port, log=lambda line: None)
    assert built == []


@pytest.mark.browser
def test_an_open_tab_reloads_by_itself_and_shows_a_broken_edit(site: Path, server: DevServer, chromium) -> None:
    # What the tracker sees: the tab is never reloaded by hand; the edit, then the error, then the fix show in it.
    file = site / "content" / "notices" / "welcome.md"
    page = chromium.new_page()
    try:
        page.goto(server.url + "notices/welcome/index.html")
        assert page.locator("h1").inner_text() == "三月开门红启动"
        loads: list[str] = []
        page.on("load", lambda: loads.append(page.url))

        def text(selector: str) -> str:
            try:
                return page.locator(selector).first.inner_text(timeout=2000)
            except Exception:  # between two documents while the tab reloads
                return ""

        def heading() -> str:
            return text("h1")

        file.write_text(notice("三月开门红正式启动", "2026-03-01"), encoding="utf-8")
        # The new heading is parsed before the load event fires: wait for both, the load is what proves the
        # page was reloaded by its own script, not by this test.
        wait_for(lambda: heading() == "三月开门红正式启动" and bool(loads))

        file.write_text("---\ntitle: [unclosed\ndate: 2026-03-01\n---\n正文\n", encoding="utf-8")
        wait_for(lambda: "文件头格式有误" in text("main"))
        assert "content/notices/welcome.md 第 3 行" in text("main")

        file.write_text(notice("三月开门红再启动", "2026-03-01"), encoding="utf-8")
        wait_for(lambda: heading() == "三月开门红再启动")  # the error page reloaded itself once fixed
    finally:
        page.close()
