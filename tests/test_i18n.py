"""Interface text: the catalogues (generator/locales/*.toml) and the English example site.

The rules: a key is defined once; both locales have the same keys and {placeholders}; every key the code uses
exists and every key is used; the English site shows no Chinese outside the data it was given.
"""

from __future__ import annotations

import ast
import csv
import html
import io
import re
import string
from functools import cache
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.i18n import CATALOGUES, CatalogueError, catalogue, parse_catalogue
from generator.inputs.tables import decode, read_table

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"

# ---------------------------------------------------------------- the catalogues


def test_a_key_given_twice_is_an_error_naming_the_file_and_the_key():
    text = '"nav.board" = "Board"\n"nav.daily" = "Daily"\n\n"nav.board" = "Notice board"\n'
    with pytest.raises(CatalogueError, match=r"en\.toml: duplicate key 'nav\.board' \(lines 1 and 4\)"):
        parse_catalogue(text, "generator/locales/en.toml")


def test_a_key_given_twice_in_a_shipped_catalogue_fails_to_load(tmp_path, monkeypatch):
    """The loader itself, not only the parser: a catalogue file with a key twice cannot be loaded."""
    import generator.i18n as i18n

    source = (CATALOGUES / "en.toml").read_text(encoding="utf-8")
    (tmp_path / "en.toml").write_text(source + '"skip" = "Skip"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "CATALOGUES", tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(CatalogueError, match=r"en\.toml: duplicate key 'skip'"):
            i18n.catalogue("en")
    finally:
        i18n.catalogue.cache_clear()


def test_a_dotted_key_without_quotes_is_refused():
    with pytest.raises(CatalogueError, match="in quotes"):
        parse_catalogue('nav.board = "Board"\n', "en.toml")


def test_both_locales_have_the_same_keys():
    zh, en = catalogue("zh-CN"), catalogue("en")
    assert sorted(zh.keys() - en.keys()) == [], "in zh-CN.toml only"
    assert sorted(en.keys() - zh.keys()) == [], "in en.toml only"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_both_locales_have_the_same_placeholders():
    zh, en = catalogue("zh-CN"), catalogue("en")
    differ = {k: (sorted(_placeholders(zh[k])), sorted(_placeholders(en[k])))
              for k in zh.keys() & en.keys() if _placeholders(zh[k]) != _placeholders(en[k])}
    assert differ == {}


# Chinese the English text may quote: words the parser reads in the data (metrics/meetings.py), which an
# English reader of Chinese minutes has to know.
INPUT_WORDS = ("决议", "负责人", "截止")


def test_english_strings_have_no_chinese():
    """The catalogue is where an English leak would start: no CJK character or punctuation in en.toml."""
    found = {k: runs for k, v in catalogue("en").items() if (runs := set(CJK.findall(v)) - set(INPUT_WORDS))}
    assert found == {}


# Keys in code and templates: t("key") / t('key') in full; t(f"prefix.{…}") and t("prefix." ~ …) by prefix.
_FULL = re.compile(r"""\bt\(\s*(["'])([\w./-]+)\1\s*[,)]""")
_PREFIX = re.compile(r"""\bt\(\s*(?:f(["'])([\w./-]*)\{|(["'])([\w./-]+)\3\s*~)""")
_LITERAL = re.compile(r"""(["'])([\w./-]+)\1""")
_FSTRING = re.compile(r"""\bf(["'])([\w./-]+\.)\{""")  # f"chart.axis.{name}": a key made elsewhere than in t()
# Keys made from a prefix handed to a helper (pages/meetings.py _label(t, "level", …)).
HELPER_PREFIXES = ("level.", "mkind.")


def _sources() -> dict[Path, str]:
    """The package's Python (its comments left out: they quote t("key") as an example) and templates (pages and
    posters)."""
    return {p: re.sub(r"(?m)  # .*$", "", p.read_text(encoding="utf-8")) if p.suffix == ".py"
            else p.read_text(encoding="utf-8")
            for p in sorted(PACKAGE.rglob("*"))
            if p.suffix in (".py", ".html", ".svg") and "__pycache__" not in p.parts}


def test_every_key_used_exists():
    keys = catalogue("en").keys()
    missing = {}
    for path, text in _sources().items():
        for match in _FULL.finditer(text):
            if match[2] not in keys and path.name != "i18n.py":  # its docstring shows t("area.name")
                missing[match[2]] = path.relative_to(ROOT).as_posix()
        for match in _PREFIX.finditer(text):
            prefix = match[2] if match[2] is not None else match[4]
            if prefix and not any(k.startswith(prefix) for k in keys) and path.name != "i18n.py":
                missing[prefix + "…"] = path.relative_to(ROOT).as_posix()
    assert missing == {}


def test_every_key_is_used():
    """A key is used when some code or template names it in full (anywhere, in quotes) or by a prefix."""
    named: set[str] = set()
    prefixes: set[str] = set(HELPER_PREFIXES)
    for text in _sources().values():
        named.update(m[2] for m in _LITERAL.finditer(text))
        prefixes.update(p for m in _PREFIX.finditer(text) if (p := m[2] if m[2] is not None else m[4]))
        prefixes.update(m[2] for m in _FSTRING.finditer(text))
    unused = sorted(k for k in catalogue("en") if k not in named and not k.startswith(tuple(prefixes)))
    assert unused == []


# ---------------------------------------------------------------- no Chinese in the English site

# CJK ideographs (with extension A and compatibility ideographs) and CJK punctuation: the symbols and punctuation
# block (、。「」《》【】…), full-width forms (，：；（）！？) and the CJK compatibility forms. Not “”‘’·—…: English
# uses them too.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")
_PUNCTUATION = re.compile(r"[\u3000-\u303f\ufe30-\ufe4f\uff00-\uffef]")
SKIPPED_TAGS = ("script", "style", "noscript", "template")
ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "content")


def chinese_leaks(texts: list[str], corpus: str) -> list[str]:
    """Return each run of Chinese in texts that the data does not explain, with what surrounds it.

    A run is explained when it occurs in the corpus (the data's texts). A number touching the run, and the
    character next to CJK punctuation at its edge (not a space), must occur with it: "Category：Notice" and
    "11月20日" are interface, even though the data has "：" and "月" in plenty.
    """
    leaks = []
    for text in texts:
        for match in CJK.finditer(text):
            start, end, run = match.start(), match.end(), match[0]
            if start > 0 and _PUNCTUATION.match(run[0]) and not text[start - 1].isspace():
                start -= 1
            while start > 0 and text[start - 1].isdigit():
                start -= 1
            if end < len(text) and _PUNCTUATION.match(run[-1]) and not text[end].isspace():
                end += 1
            while end < len(text) and text[end].isdigit():
                end += 1
            if text[start:end] not in corpus:
                leaks.append(f"{text[start:end]!r} in {text.strip()[:80]!r}")
    return leaks


def _html_texts(html: str) -> list[str]:
    """The text a reader meets in a page: each text node outside scripts and styles, and the attributes that are
    read aloud or shown (title, alt, aria-label, placeholder, a meta's content)."""
    tree = HTMLParser(html)
    tree.strip_tags(list(SKIPPED_TAGS))
    texts = []
    for node in tree.root.traverse(include_text=True) if tree.root else []:
        if node.tag == "-text":
            texts.append(node.text_content or "")
        else:
            texts.extend(v for a, v in (node.attributes or {}).items() if a in ATTRIBUTES and v)
    return texts


def _svg_texts(svg: str) -> list[str]:
    """A chart's drawn text, its title and the labels read aloud."""
    found = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.DOTALL)]
    found += re.findall(r"<title>(.*?)</title>", svg, re.DOTALL) + re.findall(r'aria-label="([^"]*)"', svg)
    return [html.unescape(t) for t in found]


def _feed_texts(xml: str) -> list[str]:
    """An Atom feed's texts; an entry's HTML content as a page's."""
    texts = []
    for element in ElementTree.fromstring(xml).iter():
        if element.text and element.text.strip():
            html = element.get("type") == "html"
            texts.extend(_html_texts(element.text) if html else [element.text])
    return texts


def _csv_texts(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(decode(data)[0])) for cell in row]


def output_texts(out: Path) -> dict[str, list[str]]:
    """Every page's, chart's, table's and feed's visible text, by file."""
    texts = {}
    for path in sorted(out.rglob("*")):
        name = path.relative_to(out).as_posix()
        if path.suffix == ".html":
            texts[name] = _html_texts(path.read_text(encoding="utf-8"))
        elif path.suffix == ".svg":
            texts[name] = _svg_texts(path.read_text(encoding="utf-8"))
        elif path.suffix == ".csv":
            texts[name] = _csv_texts(path.read_bytes())
        elif path.suffix == ".xml":
            texts[name] = _feed_texts(path.read_text(encoding="utf-8"))
    return texts


@cache
def data_corpus(site: Path = ROOT) -> str:
    """The example data's own texts, one per line: every header and cell of data/ (decoded as the build decodes
    them, every sheet of a workbook), every Markdown file of content/ and site.toml (titles, names)."""
    from python_calamine import CalamineWorkbook

    parts = [(site / "site.toml").read_text(encoding="utf-8")]
    for path in sorted((site / "data").iterdir()):
        sheets = CalamineWorkbook.from_path(str(path)).sheet_names if path.suffix == ".xlsx" else [None]
        for sheet in sheets:
            table = read_table(path, sheet=sheet)
            parts += table.headers
            parts += [str(v) for v in table.cells.to_numpy().ravel() if v is not None]
    for path in sorted((site / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        parts.append(text)
        if text.startswith("---"):  # front matter values as YAML reads them (quotes and escapes undone)
            front = yaml.safe_load(text.split("---", 2)[1]) or {}
            parts += [str(v) for v in (front.values() if isinstance(front, dict) else [])]
    return "\n".join(parts)


def _string_literals(source: str) -> list[str]:
    """The string constants of a module, docstrings left out."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_chinese_punctuation_in_the_code_that_writes_pages():
    """Punctuation written by the pages' code or templates would show in every language: it belongs in the
    catalogues (sep.label, sep.clause, sep.list). Catches what the example data does not reach."""
    found = []
    for path in sorted((PACKAGE / "pages").glob("*.py")):
        found += [f"{path.name}: {s!r}" for s in _string_literals(path.read_text(encoding="utf-8"))
                  if _PUNCTUATION.search(s)]
    for path in sorted((PACKAGE / "theme" / "templates").glob("*.html")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        found += [f"{path.name}: {line.strip()[:80]!r}" for line in text.splitlines() if _PUNCTUATION.search(line)]
    assert found == []


def test_the_leak_check_finds_what_it_should():
    """The check can fail: interface Chinese and CJK punctuation next to English are found, data is not."""
    corpus = "华东分公司\n一部一组\n负责人：张三（截止 11月25日）\n月度目标"
    texts = ["Unit 华东分公司", "一部一组", "Owner: 负责人：张三", "Rule：overdue", "Category： Notice",
             "Nov 20", "11月20日", "一部一组、一部二组", "目标", "Premium, 万元", "(截止 11月25日)"]
    assert chinese_leaks(texts, corpus) == [
        "'e：o' in 'Rule：overdue'", "'y：' in 'Category： Notice'", "'11月20' in '11月20日'", "'20日' in '11月20日'",
        "'一部一组、一部二组' in '一部一组、一部二组'", "'万元' in 'Premium, 万元'",
    ]
    html = ('<html><head><title>Board</title><style>p::before{content:"："}</style></head><body>'
            '<p title="提示">Today</p><script>var s="你好"</script><table><th>保费</th></table></body></html>')
    assert _html_texts(html) == ["Board", "提示", "Today", "保费"]


@pytest.mark.slow
def test_the_english_site_has_no_chinese_outside_the_data(example_build):
    out = example_build(locale="en")
    corpus = data_corpus()
    texts = output_texts(out)
    assert any(CJK.search(t) for t in texts["index.html"]), "the board shows the data's Chinese names"
    leaks = {name: found for name, ts in texts.items() if (found := chinese_leaks(ts, corpus))}
    summary = sorted({leak for found in leaks.values() for leak in found})
    assert leaks == {}, f"{len(summary)} different leaks in {len(leaks)} files: " + "\n".join(summary[:200])
