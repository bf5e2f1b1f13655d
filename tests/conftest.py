"""Shared fixtures: tiny sites made from a dict of files (MkDocs style), XLSX files, HTML helpers."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

if TYPE_CHECKING:
    from generator.commands.serve import DevServer

# A small valid site. Tests override it file by file: make_site(path, files={"data/sales.csv": "..."}).
# Headers are Chinese where a Chinese export would have them; sales go through the column mapping.
BASELINE: dict[str, str] = {
    "site.toml": """\
[site]
title = "测试分公司"
locale = "zh-CN"
timezone = "Asia/Shanghai"
currency = "CNY"

[data.sales]
file = "data/sales.csv"
[data.sales.columns]
date = "日期"
person = "工号"
premium = "保费"
cases = "件数"
product = "险种"

[rules]
big_order = 50000
""",
    "data/units.csv": """\
单位编码,单位名称,上级单位,负责人,督办人
HQ,测试分公司,,P001,P005
T1,一组,HQ,P002,P005
T2,二组,HQ,,
""",
    "data/people.csv": """\
工号,姓名,所属单位,岗位,职级,入司日期,离司日期,手机
P001,张经理,HQ,经理,高级经理,2015-03-01,,13800000001
P002,李主管,T1,主管,主管,2018-06-01,,13800000002
P003,王业务,T1,业务员,业务员,2020-01-15,,13800000003
P004,赵新人,T2,业务员,见习,2026-02-20,,13800000004
P005,钱督办,HQ,督办,内勤,2019-09-01,,13800000005
""",
    "data/sales.csv": """\
日期,工号,保费,件数,险种
2026-03-02,P003,"¥12,000.00",1,金福年金
2026-03-03,P004,"¥94,000.00",1,康宁终身
2026-03-05,P002,3000,1,意外险
""",
    "content/notices/welcome.md": """\
---
title: 三月开门红启动
date: 2026-03-01
category: 活动
---

三月开门红今天启动，**全员参与**。
""",
    "content/battle/first-order.md": """\
---
title: 王业务签下金福年金
date: 2026-03-02
person: P003
unit: T1
amount: 12000
---

王业务坚持拜访，终于签单。
""",
    "content/faq/01-no-money.md": """\
---
question: 客户说“我没钱”怎么办？
rank: 1
category: 客户异议
---

先认同，再把保费化整为零。
""",
}

AS_OF = dt.date(2026, 3, 5)  # the latest sale of the baseline
FIXED_NOW = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC)

Files = dict[str, str | bytes | None]


def write_files(root: Path, files: Files) -> None:
    """Write files under root: str as UTF-8, bytes as they are, None deletes the file."""
    for relative, content in files.items():
        path = root / relative
        if content is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


@pytest.fixture
def make_site() -> Callable[..., Path]:
    """Return make_site(path, files={...}, baseline=True): a site folder made from a dict of files."""

    def make(path: Path, files: Files | None = None, baseline: bool = True) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        merged: Files = dict(BASELINE) if baseline else {}
        merged.update(files or {})
        write_files(path, merged)
        return path

    return make


@pytest.fixture
def site(tmp_path: Path, make_site: Callable[..., Path]) -> Path:
    """The baseline site, untouched, in tmp_path/site."""
    return make_site(tmp_path / "site")


def xlsx_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """Return an XLSX workbook with the given sheets (name -> rows); dates become real date cells."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def write_xlsx() -> Callable[..., bytes]:
    """Return xlsx_bytes(sheets): an XLSX workbook written with openpyxl."""
    return xlsx_bytes


def html(path: Path) -> HTMLParser:
    return HTMLParser(path.read_text(encoding="utf-8"))


def texts(tree: HTMLParser, selector: str) -> list[str]:
    """The visible text of every element matching a CSS selector, whitespace collapsed."""
    return [" ".join(node.text(separator=" ").split()) for node in tree.css(selector)]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder: relative path -> bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def built_files(out: Path) -> dict[str, bytes]:
    """Every file of a build; build.json without its build time (the only part allowed to differ)."""
    found = snapshot(out)
    info = json.loads(found["build.json"])
    info.pop("built_at")
    found["build.json"] = json.dumps(info, sort_keys=True).encode()
    return found


def copy_example_site(base: Path) -> Path:
    """Copy the repository's example site (site.toml, data/, content/, theme/) into `base`, for tests that edit or
    rebuild it; return `base`."""
    root = Path(__file__).resolve().parent.parent
    for part in ("site.toml", "data", "content", "theme"):
        source = root / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, base / part)
    return base


@pytest.fixture
def server(site: Path, tmp_path: Path) -> Iterator[DevServer]:
    """`trackboard serve` of the baseline site on a free port of 127.0.0.1, stopped after the test."""
    from generator.commands.serve import DevServer

    dev = DevServer(site, port=0, out=tmp_path / "served", log=lambda line: None)
    dev.start()
    try:
        yield dev
    finally:
        dev.stop()


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Return build_example(profile=None, locale="zh-CN"): the repository's example site built once per session,
    profile and locale, at the golden copy's as-of date and clock (tests/golden.py).

    Whole-site checks (golden copy, validator, crawler, browser, profiles, the English site) share these builds:
    each takes most of a minute.
    """
    import golden

    built: dict[tuple[str | None, str], Path] = {}

    def build_example(profile: str | None = None, locale: str = "zh-CN") -> Path:
        if (profile, locale) not in built:
            base = tmp_path_factory.mktemp(f"example-{profile or 'default'}-{locale}")
            built[profile, locale] = golden.build_golden(locale, base, profile)
        return built[profile, locale]

    return build_example


# Browser tests: Debian's Chromium driven by playwright (`playwright install` cannot download here), and the
# built site served on loopback. The flags keep Chromium from calling out to Google's services.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--enable-precise-memory-info",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm", ".pagefind": "application/octet-stream",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a rebuilt site is seen at once
        super().end_headers()


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (a free port) while the block runs; yield its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """A headless Chromium for the whole session (one per xdist worker)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
