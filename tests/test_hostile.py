"""Hostile inputs: script in every field of every dataset and collection, path traversal in ids and file names,
formulas for Excel, huge cells, binary garbage, empty files and wrong encodings. Each gives safe output or a clear
error naming the file, never a traceback.

The hostile rows are made from the schemas (inputs/schemas.py), so a dataset or front-matter field added later
is attacked too.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from click.testing import CliRunner
from conftest import BASELINE, FIXED_NOW, xlsx_bytes
from selectolax.lexbor import LexborHTMLParser

from generator.cli import main
from generator.commands.build import build
from generator.csvfiles import csv_bytes, csv_cell
from generator.errors import TrackboardError
from generator.inputs.content import plain_text, render_markdown
from generator.inputs.schemas import COLLECTIONS, DATASETS, Column, Field
from generator.pages.links import id_segment, person_href, unit_href
from generator.render import json_for_script
from generator.writer import check_path

# Each would run a script if it reached a page unescaped; `{{7*7}}` would show 49 were a value run as a template.
PAYLOAD = ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
           "</script><script>window.__pwned=3</script>\"'&{{7*7}}")
SCRIPT_TEXT = "<script>window.__pwned=1</script>"
TRAVERSAL_IDS = ["../../evil", "..", "a/b", "a b", "CON", "！！", "x" * 200, "C:\\evil"]
FORMULAS = ["=1+2", "+SUM(1,1)", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]
CACHE = ".trackboard-cache"


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def hostile_value(column: Column | Field, n: int) -> object:
    """A value a loader accepts for the column's type, and the payload wherever text goes."""
    refs = {"units": "T1", "people": "P003"}
    if getattr(column, "ref", None) in refs:
        return refs[column.ref]  # type: ignore[index]
    if column.choices:
        return next(iter(column.choices))
    minimum = column.minimum if column.minimum is not None else 1
    return {
        "int": int(minimum), "number": minimum, "money": 60000, "date": "2026-03-04",
        "datetime": "2026-03-04 10:00", "period": "2026-03", "time": "10:00", "bool": "true",
    }.get(column.type, f"{PAYLOAD}{n}")


def hostile_dataset(name: str) -> str:
    """Two rows of a dataset under its canonical headers, the payload in every text column."""
    columns = DATASETS[name].columns
    rows = [[hostile_value(c, n) for c in columns] for n in (1, 2)]
    return csv_text([c.name for c in columns], rows)


def hostile_document(name: str) -> str:
    fields = COLLECTIONS[name].fields
    meta = {f.name: hostile_value(f, 1) for f in fields}
    for f in fields:  # YAML dates for date fields, as people write them
        if f.type == "date":
            meta[f.name] = "2026-03-04"
        if f.name == "rank":
            meta[f.name] = 2
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    body = (f"# {PAYLOAD}\n\n{PAYLOAD}\n\n[click](javascript:window.__pwned=4) [ok](../index.html)\n\n"
            '<a href="JaVaScRiPt:window.__pwned=5">x</a> <iframe src="https://example.invalid/"></iframe>\n\n'
            '![pic](https://example.invalid/t.png) <img src="//example.invalid/t.png">\n\n'
            '<div style="background:url(https://example.invalid/x)" onclick="window.__pwned=6">y</div>\n\n'
            "<style>body{display:none}</style><form action=https://example.invalid><input></form>\n")
    return f"---\n{front}---\n\n{body}"


def hostile_files() -> dict[str, str | bytes | None]:
    """The baseline site with hostile ids, names, products, every other dataset and every collection."""
    units = [["U-" + PAYLOAD, PAYLOAD, "HQ", "P003", "P005"]]
    units += [[uid, f"单位{n}", "T1", "", ""] for n, uid in enumerate(TRAVERSAL_IDS)]
    units += [["F1", FORMULAS[3], "HQ", "", ""]]
    people = [["P-" + PAYLOAD, PAYLOAD, "T1", "业务员", PAYLOAD, "2020-01-01", "", "13912345678"]]
    people += [[pid, f"人员{n}", "U-" + PAYLOAD if n == 0 else "T1", "业务员", "", "2020-01-01", "", ""]
               for n, pid in enumerate(TRAVERSAL_IDS)]
    people += [[f"F{n}", formula, "F1", "业务员", "", "2020-01-01", "", ""] for n, formula in enumerate(FORMULAS)]
    sellers = ["P-" + PAYLOAD, *TRAVERSAL_IDS, *(f"F{n}" for n in range(len(FORMULAS)))]
    sales = [["2026-03-04", person, "60000", 1, PAYLOAD] for person in sellers]
    files: dict[str, str | bytes | None] = {
        "data/units.csv": BASELINE["data/units.csv"] + csv_text([], units).lstrip("\n"),
        "data/people.csv": BASELINE["data/people.csv"] + csv_text([], people).lstrip("\n"),
        "data/sales.csv": BASELINE["data/sales.csv"] + csv_text([], sales).lstrip("\n"),
    }
    for name in DATASETS:
        if name not in ("units", "people", "sales"):
            files[f"data/{name}.csv"] = hostile_dataset(name)
    for name in COLLECTIONS:
        files[f"content/{name}/{name}-hostile.md"] = hostile_document(name)
    # File names become slugs: a name with markup, a reserved device name, dots.
    files["content/notices/<b>x</b>.md"] = hostile_document("notices")
    files["content/notices/CON.md"] = hostile_document("notices")
    files["content/notices/...md"] = hostile_document("notices")
    return files


@pytest.fixture(scope="session")
def chart_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One chart cache for every small site of this module: the same charts are drawn only once."""
    return tmp_path_factory.mktemp("chart-cache")


@pytest.fixture
def small_site(make_site: Callable[..., Path], chart_cache: Path) -> Callable[..., Path]:
    def make(path: Path, files: dict[str, str | bytes | None]) -> Path:
        site = make_site(path, files)
        (site / CACHE).symlink_to(chart_cache, target_is_directory=True)
        return site
    return make


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, chart_cache: Path) -> tuple[Path, Path]:
    """The hostile site and its output, built once."""
    from conftest import write_files

    base = tmp_path_factory.mktemp("hostile")
    site = base / "site"
    write_files(site, {**BASELINE, **hostile_files()})
    (site / CACHE).symlink_to(chart_cache, target_is_directory=True)
    out = base / "output"
    build(site, out=out, as_of=None, clock=lambda: FIXED_NOW)
    return site, out


def in_prose(node: object) -> bool:
    """Whether an element is inside rendered Markdown (the .prose blocks)."""
    parent = node.parent  # type: ignore[attr-defined]
    while parent is not None:
        if "prose" in (parent.attributes.get("class") or "").split():
            return True
        parent = parent.parent
    return False


def pages_of(out: Path) -> dict[str, LexborHTMLParser]:
    return {p.relative_to(out).as_posix(): LexborHTMLParser(p.read_text(encoding="utf-8"))
            for p in sorted(out.rglob("*.html"))}


# --- script injection ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_hostile_values_are_shown_as_text_and_never_run(hostile: tuple[Path, Path]) -> None:
    _, out = hostile
    pages = pages_of(out)
    bad = []
    shown = []
    for page, tree in pages.items():
        for script in tree.css("script"):
            if script.attributes.get("src") is None and script.attributes.get("type") != "application/json":
                bad.append(f"{page}: inline <script>: {script.text()[:60]}")
        for script in tree.css('script[type="application/json"]'):
            json.loads(script.text())  # the payload did not break out of its JSON
        for node in tree.css("*"):
            for name, value in node.attributes.items():
                if name.lower().startswith("on"):
                    bad.append(f"{page}: <{node.tag} {name}={value!r}>")
                if re.match(r"^\s*javascript:", value or "", re.IGNORECASE):
                    bad.append(f"{page}: <{node.tag} {name}={value!r}>")
            if node.tag in ("iframe", "object", "embed", "form", "input", "base"):
                bad.append(f"{page}: <{node.tag}> from content")
            src = (node.attributes.get("src") or "").strip() if node.tag == "img" else ""
            if "example.invalid" in src:
                bad.append(f"{page}: <img src={src!r}> from outside survived")
            # Markdown may hold pictures (sanitised, without handlers); a data value never becomes an element.
            if src == "x" and not in_prose(node):
                bad.append(f"{page}: a data value became an <img> element")
        for style in tree.css("body style"):
            bad.append(f"{page}: <style> from content: {style.text()[:40]}")
        text = tree.body.text() if tree.body else ""
        if SCRIPT_TEXT in text:
            shown.append(page)
        if "{{7*7}}" not in tree.html and "49" in text and SCRIPT_TEXT in text:
            bad.append(f"{page}: a value was run as a template")
    assert bad == [], "\n".join(bad[:40])
    # Escaped, not dropped: the payload is readable on the pages that show these values.
    sections = {page.split("/")[0] for page in shown}
    for expected in ("index.html", "units", "people", "notices", "battle", "faq", "daily", "leaderboard"):
        if (out / expected).exists():
            assert expected in sections, f"the hostile text is not shown in {expected}/ (dropped?)"


@pytest.mark.slow
def test_hostile_values_stay_text_in_svg_charts(hostile: tuple[Path, Path]) -> None:
    _, out = hostile
    svgs = list(out.rglob("*.svg"))
    assert svgs
    shown = 0
    for path in svgs:
        root = ElementTree.fromstring(path.read_bytes())  # well-formed: every value was escaped
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            assert tag not in ("script", "foreignObject", "iframe", "a"), path
            for name, value in element.attrib.items():
                assert not name.rsplit("}", 1)[-1].lower().startswith("on"), (path, name)
                assert not value.strip().lower().startswith("javascript:"), (path, name)
            shown += SCRIPT_TEXT in (element.text or "") or SCRIPT_TEXT in element.attrib.get("aria-label", "")
    assert shown  # the hostile unit's name is in its charts, as text


@pytest.mark.slow
def test_hostile_ids_and_file_names_stay_inside_the_output_folder(hostile: tuple[Path, Path]) -> None:
    site, out = hostile
    written = [p for p in site.parent.rglob("*") if p.is_file()]
    outside = [p for p in written if out not in p.parents and site not in p.parents]
    assert outside == []
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert all(p.name != "evil" for p in site.parent.rglob("*") if out not in p.parents)
    # Every unit and person, however its id is spelled, has its own page, linked where it is listed.
    for uid in ["U-" + PAYLOAD, *TRAVERSAL_IDS]:
        page = out / unit_href(uid) / "index.html"
        assert page.is_file(), uid
    names = {LexborHTMLParser((out / unit_href(uid) / "index.html").read_text("utf-8")).css_first("h1").text()
             for uid in ("a/b", "a b")}
    assert len(names) == 2  # the two ids reduce alike but keep pages of their own
    for pid in ["P-" + PAYLOAD, *TRAVERSAL_IDS]:
        assert (out / person_href(pid) / "index.html").is_file(), pid
    notices = sorted(p.parent.name for p in (out / "notices").glob("*/index.html"))
    assert all(check_path(f"notices/{n}/index.html") for n in notices)
    assert len(notices) >= 4  # welcome, the hostile one, and the three odd file names


@pytest.mark.slow
def test_formulas_are_neutralised_in_every_csv(hostile: tuple[Path, Path]) -> None:
    _, out = hostile
    cells: list[str] = []
    for path in out.rglob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")):
            cells.extend(row)
    risky = [c for c in cells if c[:1] in "=+-@\t\r" and c[:1] and not re.fullmatch(r"-?\d+(\.\d+)?", c)]
    assert risky == []
    for formula in FORMULAS:
        assert "'" + formula in cells, f"{formula} is missing from the CSVs (dropped instead of neutralised?)"


# --- the escaping and sanitising functions themselves ----------------------------------------------------------

MARKDOWN_ATTACKS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[x](vbscript:msgbox(1))",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<img src=x onerror=alert(1)>",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](https://example.invalid/track.png)",
    "![x](//example.invalid/track.png)",
    "<svg onload=alert(1)><circle/></svg>",
    "<iframe src=https://example.invalid></iframe>",
    "<object data=x></object><embed src=x>",
    "<style>*{display:none}</style>",
    '<p style="background:url(https://example.invalid/x)">x</p>',
    "<form action=https://example.invalid><button>go</button></form>",
    "<base href=https://example.invalid/>",
    "<meta http-equiv=refresh content='0;url=https://example.invalid'>",
    '<div id="main" class="skip">clobber</div>',
    "<details open ontoggle=alert(1)>x</details>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<!--<script>alert(1)</script>-->",
    "<scr<script>ipt>alert(1)</script>",
]


@pytest.mark.parametrize("source", MARKDOWN_ATTACKS)
def test_markdown_is_sanitised(source: str) -> None:
    html = render_markdown(source)
    tree = LexborHTMLParser(html)
    for node in tree.css("*"):
        assert node.tag not in ("script", "iframe", "object", "embed", "style", "form", "base", "meta", "svg",
                                "math", "button"), html
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), html
            assert name not in ("style", "id", "class"), html  # no styling, no clobbering the page's ids
            if name in ("href", "src"):
                assert not re.match(r"^\s*(javascript|vbscript|data):", value or "", re.IGNORECASE), html
            if name == "src":
                assert not re.match(r"^\s*([a-z][a-z0-9+.-]*:)?//", value or "", re.IGNORECASE), html


BRACKETS = {"open": "[" * 50_000, "unclosed-links": "[a](" * 50_000, "tags": "<a " * 50_000,
            "images": "![" * 50_000, "autolinks": "<http://" * 30_000, "paragraphs": "\n\n".join(["[" * 1400] * 300),
            "lines": "[\n" * 50_000}


@pytest.mark.parametrize("source", BRACKETS.values(), ids=BRACKETS.keys())
def test_markdown_full_of_brackets_renders_quickly(source: str) -> None:
    """Python-Markdown takes minutes over a paragraph of unclosed brackets; such text is shown as typed."""
    import time

    started = time.perf_counter()
    html = render_markdown(source)
    assert time.perf_counter() - started < 10
    assert "<a " not in html and "<img" not in html
    assert len(plain_text(html)) >= len(source.replace("\n", "")) // 2  # shown, not dropped


def test_markdown_keeps_ordinary_formatting() -> None:
    html = render_markdown("**粗体** [通知](../notices/index.html)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<strong>粗体</strong>" in html
    assert 'href="../notices/index.html"' in html
    assert "<table>" in html
    many = render_markdown("".join(f"- [第 {i} 条](../x{i}/index.html)\n" for i in range(2000))
                           + "\n" + " ".join(f"[链接 {i}](../y{i}/index.html)" for i in range(1000)))
    assert many.count("<a ") == 3000  # long lists and paragraphs of real links stay links


@pytest.mark.parametrize("value", [
    "</script><script>alert(1)</script>", "<!--<script>", "a\u2028b\u2029c", {"k</script>": ["&", "'", '"']},
])
def test_json_for_script_cannot_close_its_element(value: object) -> None:
    text = str(json_for_script(value))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == value


@pytest.mark.parametrize("value", [*FORMULAS, "\t=1", "\r=1", "-", "@", "+"])
def test_csv_cell_neutralises_formulas(value: str) -> None:
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize(("value", "cell"), [(-1234.5, "-1234.5"), (-3, "-3"), (0, "0"), ("张三", "张三"),
                                             ("1-2", "1-2"), (None, ""), (float("nan"), "")])
def test_csv_cell_keeps_numbers_and_plain_text(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_csv_bytes_is_excel_ready() -> None:
    data = csv_bytes(["name", "=x"], [["=1+2", -5], ['a,"b"', 1.5]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["name", "'=x"], ["'=1+2", "-5"], ['a,"b"', "1.5"]]


ODD_IDS = ["../../x", "..", ".", "a/b", "a b", "a\\b", "CON", "con", "nul", "COM1", "", "！！", "‮gpj.exe",
           "x" * 300, "HD01", "李四", "P001", "a\x00b", "-", "_", ".hidden"]


def test_id_segments_are_safe_unique_and_stable() -> None:
    segments = [id_segment(i) for i in ODD_IDS]
    for original, segment in zip(ODD_IDS, segments):
        check_path(f"units/{segment}/index.html")
        assert re.fullmatch(r"[\w-]+", segment), (original, segment)
        assert len(segment) <= 80
        assert segment.upper() not in ("CON", "NUL", "COM1", "AUX", "PRN")
    assert len({s.casefold() for s in segments}) == len(ODD_IDS)  # no two ids share a folder, even on Windows
    assert [id_segment(i) for i in ODD_IDS] == segments  # the same id always gets the same page
    assert id_segment("HD01") == "HD01" and id_segment("李四") == "李四"  # ordinary ids are kept as they are


# --- bad files: a clear error or safe output, never a traceback --------------------------------------------------

SALES_HEADER = "日期,工号,保费,件数,险种\n"
MB = 1024 * 1024

BAD_FILES: dict[str, dict[str, str | bytes | None]] = {
    "huge-cell-in-csv": {"data/sales.csv": SALES_HEADER + f"2026-03-04,P003,100,1,{'保' * MB}\n"},
    "huge-name": {"data/people.csv": BASELINE["data/people.csv"] + f"P009,{'名' * MB},T1,业务员,,2020-01-01,,\n"},
    "huge-unquoted-line": {"data/sales.csv": SALES_HEADER + "2026-03-04,P003,100,1," + "x" * (3 * MB) + "\n"},
    "huge-markdown": {"content/notices/big.md": "---\ntitle: 大\ndate: 2026-03-04\n---\n\n" + "长文" * MB},
    "huge-title": {"content/notices/big.md": f"---\ntitle: {'题' * MB}\ndate: 2026-03-04\n---\n\nx\n"},
    "nul-bytes": {"data/sales.csv": SALES_HEADER.encode() + b"2026-03-04,P003,100,1,a\x00b\n"},
    "binary-people": {"data/people.csv": bytes(range(256)) * 64},
    "binary-markdown": {"content/faq/01-no-money.md": bytes(range(256)) * 16},
    "empty-sales": {"data/sales.csv": b""},
    "empty-people": {"data/people.csv": ""},
    "header-only-sales": {"data/sales.csv": SALES_HEADER},
    "header-only-people": {"data/people.csv": BASELINE["data/people.csv"].splitlines()[0] + "\n"},
    "bom-only": {"data/sales.csv": b"\xef\xbb\xbf"},
    "utf16-people": {"data/people.csv": BASELINE["data/people.csv"].encode("utf-16")},
    "utf16le-no-bom": {"data/sales.csv": BASELINE["data/sales.csv"].encode("utf-16-le")},
    "big5-people": {"data/people.csv": BASELINE["data/people.csv"].replace("经理", "經理").replace("业务员", "業務員")
                    .encode("big5", errors="replace")},
    "gbk-markdown": {"content/notices/welcome.md": BASELINE["content/notices/welcome.md"].encode("gbk")},
    "latin1-sales": {"data/sales.csv": (SALES_HEADER + "2026-03-04,P003,100,1,Café\n").encode("gb18030")[:-8]
                     + "Café\n".encode("latin-1")},
    "yaml-billion-laughs": {"content/notices/lol.md": "---\ntitle: lol\ndate: 2026-03-04\n"
                            'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                            + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
                                      f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
                                      for i in range(8)) + "---\n\nx\n"},
    "yaml-python-object": {"content/notices/obj.md": "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n"
                           "date: 2026-03-04\n---\n\nx\n"},
    "markdown-brackets": {"content/faq/01-no-money.md": "---\nquestion: q\nrank: 1\n---\n\n" + "[a](" * 100_000},
    "markdown-deep-list": {"content/notices/deep.md": "---\ntitle: t\ndate: 2026-03-04\n---\n\n"
                           + "".join("  " * i + "- a\n" for i in range(1000))},
    "yaml-deep-nesting": {"content/notices/deep.md": "---\ntitle: " + "[" * 10000 + "]" * 10000 + "\n---\n"},
    "xlsx-with-hostile-cells": {
        "data/sales.csv": None, "site.toml": BASELINE["site.toml"].replace("data/sales.csv", "data/sales.xlsx"),
        "data/sales.xlsx": xlsx_bytes({"明细": [["日期", "工号", "保费", "件数", "险种"],
                                              ["2026-03-04", "P003", 100, 1, PAYLOAD],
                                              ["2026-03-04", "P003", "=1+2", 1, "=HYPERLINK(\"x\",\"y\")"],
                                              ["yesterday", "P003", 1, 1, "x"]]})},
    "xlsx-truncated": {"data/sales.csv": None, "site.toml": BASELINE["site.toml"].replace("data/sales.csv",
                                                                                          "data/sales.xlsx"),
                       "data/sales.xlsx": xlsx_bytes({"明细": [["日期"]]})[:200]},
}


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.slow
@pytest.mark.parametrize("files", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_give_a_clear_error_or_a_safe_site(tmp_path: Path, small_site: Callable[..., Path],
                                                      files: dict[str, str | bytes | None]) -> None:
    site = small_site(tmp_path / "site", files)
    out = tmp_path / "output"
    result = invoke("build", site, "--out", out, "--as-of", "2026-03-05")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.exit_code == 1
        changed = [name for name, value in files.items() if value is not None and name != "site.toml"]
        assert any(name in result.output for name in changed), result.output[-2000:]
        assert not out.exists()
        return
    assert (out / "index.html").is_file()
    for path in out.rglob("*.html"):
        tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
        assert all(s.attributes.get("src") for s in tree.css("script")), path
    for path in out.rglob("*"):
        assert out in path.resolve().parents
    if "pwned" in str(files):
        assert "window.__pwned" not in "".join(
            s.text() for p in out.rglob("*.html") for s in LexborHTMLParser(p.read_text("utf-8")).css("script"))


@pytest.mark.slow
def test_two_ids_reducing_alike_build_without_collision(tmp_path: Path, small_site: Callable[..., Path]) -> None:
    units = BASELINE["data/units.csv"] + "T 3,三组,HQ,,\nT/3,三组乙,HQ,,\nt3,小三组,HQ,,\n"
    site = small_site(tmp_path / "site", {"data/units.csv": units})
    out = tmp_path / "output"
    try:
        build(site, out=out, clock=lambda: FIXED_NOW)
    except TrackboardError as exc:  # a clear refusal is acceptable, a crash is not
        pytest.fail(f"two ids reducing alike stopped the build: {exc}")
    folders = sorted(p.name for p in (out / "units").iterdir() if p.is_dir())
    assert len([f for f in folders if f.casefold().startswith("t-3") or f == "t3"]) == 3
    assert os.path.isfile(out / unit_href("T/3") / "index.html")
