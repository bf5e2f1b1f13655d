"""Hostile inputs and requests: the dev server's Host check and error page, themes in the sandbox, URLs that
browsers read as another host, and control characters in the Atom feed."""

from __future__ import annotations

import http.client
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXED_NOW
from selectolax.lexbor import LexborHTMLParser

from generator.cli import main
from generator.commands import serve as serve_module
from generator.commands.build import build
from generator.commands.serve import DevServer
from generator.errors import Problem, TrackboardError
from generator.inputs.content import render_markdown

# --- the dev server -------------------------------------------------------------------------------------------


def request(dev: DevServer, path: str, host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Send GET path with exactly this Host header (none when None); the status, headers and body."""
    connection = http.client.HTTPConnection("127.0.0.1", dev.port, timeout=60)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


@pytest.mark.slow
def test_serve_answers_only_localhost_names(server: DevServer) -> None:
    port = server.port
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "localhost", f"LOCALHOST:{port}"):
        status, _, body = request(server, "/", host)
        assert status == 200 and b"<html" in body, host
    # A DNS-rebinding page reaches the server under its own name: refused, with nothing of the site.
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}",
                 f"localhost.evil.example:{port}", f"localhost:{port}@evil.example", "", None):
        for path in ("/", "/notices/index.html", "/__trackboard/version", "/static/site.css"):
            status, _, body = request(server, path, host)
            assert status in (400, 421) and body == b"", (host, path, status)


@pytest.mark.slow
def test_serve_answers_a_nul_in_the_path_with_400(server: DevServer, capsys: pytest.CaptureFixture[str]) -> None:
    host = f"127.0.0.1:{server.port}"
    for path in ("/x%00.html", "/x%00", "/notices/%00/"):
        status, _, _ = request(server, path, host)
        assert status == 400, path
    assert "Traceback" not in capsys.readouterr().err
    assert request(server, "/", host)[0] == 200  # and it still serves


@pytest.mark.slow
def test_serve_pages_carry_a_content_security_policy(server: DevServer) -> None:
    status, headers, body = request(server, "/", f"127.0.0.1:{server.port}")
    assert status == 200
    policy = headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    # The live-reload script is a file of the server's, allowed by 'self': the page has no inline script.
    scripts = LexborHTMLParser(body.decode()).css("script")
    assert scripts and all(node.attributes.get("src") for node in scripts)


def failing_server(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception,
                   debug: bool = False) -> DevServer:
    def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(serve_module, "build", broken)
    dev = DevServer(site, port=0, out=tmp_path / "served", log=lambda line: None, debug=debug)
    dev.start()
    return dev


@pytest.mark.slow
@pytest.mark.parametrize("debug", [False, True])
def test_a_failed_build_shows_no_traceback_unless_debugging(site: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch, debug: bool) -> None:
    dev = failing_server(site, tmp_path, monkeypatch, RuntimeError("boom <b>"), debug=debug)
    try:
        status, headers, body = request(dev, "/", f"localhost:{dev.port}")
        text = body.decode()
        assert status == 500
        assert "default-src 'self'" in headers.get("content-security-policy", "")
        assert "RuntimeError" in text and "boom &lt;b&gt;" in text and "<b>" not in text
        assert ("Traceback" in text) is debug
        assert ("test_hostile_serve_theme.py" in text) is debug
    finally:
        dev.stop()


@pytest.mark.slow
def test_a_failed_build_lists_its_problems_as_check_does(site: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    problems = [Problem("data/sales.csv", 4, "保费", "not a number: <script>x</script>", severity="warning"),
                Problem("content/notices/a.md", 2, "title", "missing")]
    dev = failing_server(site, tmp_path, monkeypatch, TrackboardError("build failed", problems))
    try:
        status, headers, body = request(dev, "/", f"localhost:{dev.port}")
        assert status == 500 and "default-src 'self'" in headers["content-security-policy"]
        page = LexborHTMLParser(body.decode())
        lines = [node.text() for node in page.css("main li")]
        assert lines == ["content/notices/a.md:2:title: missing",
                         "data/sales.csv:4:保费: not a number: <script>x</script>"]
        assert not page.css("main script") and "Traceback" not in body.decode()
    finally:
        dev.stop()


def test_serve_has_a_debug_flag() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0 and "--debug" in result.output


# --- themes run in the sandbox --------------------------------------------------------------------------------

ATTACKS = {
    "self": "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('touch %s').read() }}",
    "cycler": "{{ cycler.__init__.__globals__.os.popen('touch %s').read() }}",
    "joiner": "{{ joiner.__init__.__globals__.os.popen('touch %s').read() }}",
    "namespace": "{{ namespace.__init__.__globals__.os.popen('touch %s').read() }}",
    "lipsum": "{{ lipsum.__globals__['os'].popen('touch %s').read() }}",
    "t": "{{ t.__globals__.__builtins__.__import__('os').popen('touch %s').read() }}",
    "format": "{{ '{0.__class__.__mro__}'.format(page) }}{{ ''.__class__.__mro__[1].__subclasses__() }}%s",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_theme_template_cannot_run_commands(tmp_path: Path, make_site: Callable[..., Path], attack: str) -> None:
    marker = tmp_path / "pwned"
    template = '{% extends "base.html" %}{% block main %}' + ATTACKS[attack] % marker + "{% endblock %}\n"
    site = make_site(tmp_path / "site", {"theme/templates/battle.html": template})
    with pytest.raises(TrackboardError) as caught:
        build(site, out=tmp_path / "out", clock=lambda: FIXED_NOW)
    assert "battle.html" in caught.value.message
    assert "Traceback" not in caught.value.message
    assert not marker.exists()


def test_a_theme_attack_fails_the_command_with_one_clear_error(tmp_path: Path, make_site: Callable[..., Path]
                                                               ) -> None:
    marker = tmp_path / "pwned"
    template = '{% extends "base.html" %}{% block main %}' + ATTACKS["cycler"] % marker + "{% endblock %}\n"
    site = make_site(tmp_path / "site", {"theme/templates/battle.html": template})
    result = CliRunner().invoke(main, ["build", str(site), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "battle.html" in result.output and "Traceback" not in result.output
    assert not marker.exists()


def test_a_harmless_theme_override_still_renders(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    template = ('{% extends "base.html" %}{% block main %}<p id="mine">{{ reports | length > 0 }} '
                '{{ cycler("a", "b").next() }}{{ namespace(x=1).x }} {{ reports[0].date.isoformat() }}</p>'
                '{% endblock %}\n')
    site = make_site(tmp_path / "site", {"theme/templates/battle.html": template})
    build(site, out=tmp_path / "out", clock=lambda: FIXED_NOW)
    page = LexborHTMLParser((tmp_path / "out" / "battle" / "index.html").read_text(encoding="utf-8"))
    assert page.css_first("#mine").text() == "True a1 2026-03-03"


# --- URLs a browser reads as another host ---------------------------------------------------------------------

BYPASSES = [
    '<img src="/\\h/a.png">',
    '<img src="\\\\h\\a.png">',
    '<img src="\\/h/a.png">',
    '<img src="/&Tab;/h/a.png">',
    '<img src="&#32;//h/a.png">',
    '<img src="/&#10;/h/a.png">',
    "![x](/\\h/a.png)",
    '<a href="/\\h/a.png">x</a>',
    '<a href="\\\\h\\a.png">x</a>',
    '<a href="/&Tab;/h/a.png">x</a>',
    "[x](/\\h/a.png)",
    '<a href="java&Tab;script:alert(1)">x</a>',
    '<a href="&#1;javascript:alert(1)">x</a>',
    '<a href="ftp://h/a.png">x</a>',
]


def urls(html: str) -> list[str]:
    page = LexborHTMLParser(html)
    return [v for node in page.css("[src], [href]") for k, v in node.attributes.items() if k in ("src", "href") and v]


@pytest.mark.parametrize("source", BYPASSES)
def test_urls_a_browser_reads_as_another_host_are_dropped(source: str) -> None:
    found = urls(render_markdown(source + "\n"))
    assert found == [], found


@pytest.mark.parametrize(("source", "kept"), [
    ('<img src="pics/a.png">', "pics/a.png"),
    ("![x](../static/a.png)", "../static/a.png"),
    ("[x](https://example.com/a)", "https://example.com/a"),
    ("[x](/notices/index.html)", "/notices/index.html"),
    ("[x](#top)", "#top"),
    ("[x](mailto:a@example.com)", "mailto:a@example.com"),
    ("[x](tel:+8613800000000)", "tel:+8613800000000"),
])
def test_local_and_allowed_urls_are_kept(source: str, kept: str) -> None:
    assert urls(render_markdown(source + "\n")) == [kept]


def test_the_feed_is_valid_xml_and_clean(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    report = ('---\ntitle: "王\\x01业务\\x1b签下\\x7f金福年金"\ndate: 2026-03-02\nperson: P003\nunit: T1\n'
              'amount: 12000\n---\n\n坚持拜访 <img src="/\\h/a.png"> ![x](/\\h/b.png) [y](/&Tab;/h/c.png)\n')
    site = make_site(tmp_path / "site", {"content/battle/first-order.md": report})
    build(site, out=tmp_path / "out", clock=lambda: FIXED_NOW)
    feed = ET.parse(tmp_path / "out" / "battle" / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [node.text for node in feed.iter(f"{atom}title")]
    assert "王业务签下金福年金" in titles  # control characters are dropped at load, and none reach the feed
    content = "".join(node.text or "" for node in feed.iter(f"{atom}content"))
    assert "坚持拜访" in content
    assert urls(content) == []
