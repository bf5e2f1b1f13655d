"""Markdown collections: front matter checked and placed, bodies rendered and sanitised, notices and FAQ ordered."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import HTMLParser, texts

from generator.inputs.content import (
    Document,
    check_collections,
    load_collections,
    parse_document,
    render_markdown,
    safe_segment,
)
from generator.inputs.schemas import COLLECTIONS
from generator.pages.faq import faq_order
from generator.pages.notices import select_notices


def parse(text: str, collection: str = "notices", file: str = "content/notices/x.md") -> tuple[Document | None,
                                                                                               list[str]]:
    document, problems = parse_document(text, file, COLLECTIONS[collection], Path(file).stem)
    return document, [str(p) for p in problems]


# --- front matter ---------------------------------------------------------------------------------------------


def test_valid_notice() -> None:
    document, problems = parse("---\ntitle: 三月开门红\ndate: 2026-03-01\npinned: true\nexpires: 2026/03/31\n---\n"
                               "正文\n")
    assert problems == []
    assert document is not None
    assert document.meta == {"title": "三月开门红", "date": dt.date(2026, 3, 1), "expires": dt.date(2026, 3, 31),
                             "pinned": True, "category": None, "audience": None, "units": None}
    assert document.title == "三月开门红"


def test_missing_title_names_the_file_and_the_field() -> None:
    document, problems = parse("---\ndate: 2026-03-01\n---\n正文\n")
    assert document is None
    assert problems == ["content/notices/x.md:1:title: is missing; this field is required"]


def test_missing_date_names_the_file_and_the_field() -> None:
    document, problems = parse("---\ntitle: 通知\n---\n正文\n", "battle", "content/battle/y.md")
    assert document is None
    assert problems == ["content/battle/y.md:1:date: is missing; this field is required"]


def test_empty_title_counts_as_missing() -> None:
    _, problems = parse('---\ntitle: ""\ndate: 2026-03-01\n---\n')
    assert problems == ["content/notices/x.md:1:title: is missing; this field is required"]


def test_bad_field_value_names_its_line() -> None:
    _, problems = parse("---\ntitle: 通知\n\ndate: 2026-13-01\n---\n")
    assert problems == ['content/notices/x.md:4:date: "2026-13-01" is not a date (expected YYYY-MM-DD or YYYY/MM/DD)']


def test_date_that_does_not_exist_is_reported_not_crashed() -> None:
    # YAML itself reads 2026-02-30 as a timestamp and fails on it
    _, problems = parse("---\ntitle: 通知\ndate: 2026-02-30\n---\n")
    assert problems == ['content/notices/x.md:3:date: "2026-02-30" is not a date (expected YYYY-MM-DD or YYYY/MM/DD)']


def test_bad_bool_and_out_of_range_rank() -> None:
    assert parse("---\ntitle: t\ndate: 2026-03-01\npinned: maybe\n---\n")[1] == [
        'content/notices/x.md:4:pinned: "maybe" is not yes or no (expected true/false, 是/否)'
    ]
    assert parse("---\nquestion: q\nrank: 11\n---\n", "faq", "content/faq/q.md")[1] == [
        'content/faq/q.md:3:rank: "11" must be at most 10'
    ]


def test_value_not_in_the_choices() -> None:
    _, problems = parse("---\ndate: 2026-03-01\nlevel: brunch\n---\n", "meetings", "content/meetings/m.md")
    assert problems == [
        'content/meetings/m.md:3:level: "brunch" is not allowed; expected one of branch, division, team; '
        'did you mean "branch"?'
    ]


def test_bad_yaml_names_the_line() -> None:
    document, problems = parse("---\ntitle: 通知\ndate: 2026-03-01\ncategory: [活动\n---\n正文\n")
    assert document is None
    assert problems == [
        "content/notices/x.md:4: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'"
    ]


def test_bad_yaml_colon_in_value_names_the_line() -> None:
    _, problems = parse("---\ntitle: 通知: 三月\ndate: 2026-03-01\n---\n")
    assert problems == ["content/notices/x.md:2: the value holds a colon and a space; put the whole value in "
                        'quotes: title: "Time: 9 am"']


# The slips an office clerk makes, each explained in the site's language with its line (Problem.localized).
SLIPS = [
    ("---\ntitle: 通知\ndate:2026-03-01\n---\n", 3, "冒号后缺少空格"),
    ("---\ntitle：年终冲刺\ndate: 2026-03-01\n---\n", 2, "中文冒号"),
    ("---\ntitle: 通知\ncategory:\n\t- 活动\n---\n", 4, "Tab 缩进"),
    ('---\ntitle: "通知\ndate: 2026-03-01\n---\n', 2, "引号只有开头"),
    ("---\ntitle: 通知: 三月\ndate: 2026-03-01\n---\n", 2, "用英文引号括起来"),
    ("---\ntitle: 通知\ndate: 2026-03-01\n", 1, "文件头没有结束"),
]


@pytest.mark.parametrize(("text", "line", "words"), SLIPS)
def test_a_slip_in_the_front_matter_is_explained_in_chinese_with_its_line(text: str, line: int, words: str) -> None:
    _, problems = parse_document(text, "content/notices/x.md", COLLECTIONS["notices"], "x")
    [problem] = [p.localized("zh-CN") for p in problems if p.is_error]
    assert problem.row == line and words in problem.message, problem
    assert str(problem).startswith(f"content/notices/x.md 第 {line} 行："), "the line, once, in Chinese"
    assert f"{line} 行" not in problem.message
    assert not re.search(r"[A-Za-z]{5,}", problem.message.replace("title", "")), "no English parser words"


def test_a_url_in_the_front_matter_is_not_taken_for_a_missing_space() -> None:
    document, problems = parse("---\ntitle: 通知\ndate: 2026-03-01\ncategory: http://intranet/x\n---\n")
    assert document is not None and problems == []


def test_no_front_matter() -> None:
    _, problems = parse("# 通知\n\n正文\n")
    assert problems == [
        "content/notices/x.md:1: has no front matter: start the file with a '---' line, the fields, and another "
        "'---' line"
    ]


def test_unknown_field_is_a_warning_with_a_suggestion() -> None:
    document, problems = parse("---\ntitle: 通知\ndate: 2026-03-01\npined: true\n---\n")
    assert document is not None  # still published
    assert problems == ['content/notices/x.md:4:pined: unknown field; did you mean "pinned"?']


@pytest.mark.parametrize(("value", "expected"), [("[HD01, HD02-1]", ["HD01", "HD02-1"]), ("HD01", ["HD01"]),
                                               ("[HD01, '']", ["HD01"])])
def test_the_units_a_notice_is_for(value: str, expected: list[str]) -> None:
    document, problems = parse(f"---\ntitle: 通知\ndate: 2026-03-01\nunits: {value}\n---\n")
    assert problems == [] and document is not None
    assert document.meta["units"] == expected


def test_units_that_are_not_ids_are_an_error_naming_the_field() -> None:
    _, problems = parse("---\ntitle: 通知\ndate: 2026-03-01\nunits: [{HD01: 1}]\n---\n")
    assert problems == ["content/notices/x.md:4:units: \"[{'HD01': 1}]\" expected a list of ids, e.g. [HD01, HD02]"]


def test_unknown_field_without_a_close_match_lists_the_fields() -> None:
    _, problems = parse("---\ntitle: 通知\ndate: 2026-03-01\nzzz: 1\n---\n")
    assert problems == [
        "content/notices/x.md:4:zzz: unknown field; fields are: title, date, expires, pinned, category, audience, "
        "units"
    ]


# --- sanitising and rendering ---------------------------------------------------------------------------------

HOSTILE = """\
# 标题

<script>alert(1)</script>

<img src="x.png" onerror="alert(1)"> <div onclick="steal()">点我</div> <p onmouseover="x()">段落</p>

<a href="javascript:alert(1)">链接一</a> [链接二](javascript:alert(2)) <a href="JaVaScRiPt:alert(3)">链接三</a>
<a href="&#106;avascript:alert(4)">链接四</a> <a href=" javascript:alert(5)">链接五</a>
<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>
<svg onload="alert(6)"></svg><object data="x"></object><form action="x"><input></form>
<img src="https://tracker.example/pixel.gif"> [好链接](https://example.com/a)
"""


def test_sanitising_removes_scripts_handlers_and_javascript_links() -> None:
    tree = HTMLParser(render_markdown(HOSTILE))
    for tag in ("script", "iframe", "style", "svg", "object", "form", "input"):
        assert tree.css(tag) == [], tag
    for node in tree.css("*"):
        assert not [name for name in node.attributes if name.lower().startswith("on")], node.tag
    hrefs = [a.attributes.get("href") for a in tree.css("a")]
    assert hrefs == [None, None, None, None, None, "https://example.com/a"]
    assert [img.attributes.get("src") for img in tree.css("img")] == ["x.png", None]  # no requests leave the site
    assert "alert" not in (tree.body.text() if tree.body else "")  # script text is dropped, not shown


def test_markdown_renders_headings_lists_tables_and_emphasis() -> None:
    source = ("## 活动时间\n\n- 第一条\n- 第二条\n\n1. 一\n2. 二\n\n"
              "| 档位 | 奖励 |\n|---|---|\n| 一档 | 500元 |\n\n**加粗**\n")
    tree = HTMLParser(render_markdown(source))
    assert texts(tree, "h2") == ["活动时间"]
    assert texts(tree, "ul > li") == ["第一条", "第二条"]
    assert texts(tree, "ol > li") == ["一", "二"]
    assert texts(tree, "table th") == ["档位", "奖励"]
    assert texts(tree, "table td") == ["一档", "500元"]
    assert texts(tree, "strong") == ["加粗"]


def test_document_plain_text() -> None:
    document, _ = parse("---\ntitle: t\ndate: 2026-03-01\n---\n## 标题\n\n正文 <b>粗</b> & 细\n")
    assert document is not None
    assert document.text == "标题 正文 粗 & 细"


# --- slugs and collections on disk ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "slug"),
    [("2026-11-10-年终冲刺方案", "2026-11-10-年终冲刺方案"), ("../../etc/passwd", "etc-passwd"), ("..", "item"),
     ("a b?c", "a-b-c"), (".hidden", "hidden"), ("Ｑ４冲刺", "Q4冲刺")],
)
def test_safe_segment(stem: str, slug: str) -> None:
    assert safe_segment(stem) == slug


def test_collections_from_disk(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {
        "content/notices/2026-03-01-年终冲刺方案.md": "---\ntitle: 冲刺\ndate: 2026-03-01\n---\n",
        "content/notices/a b.md": "---\ntitle: 一\ndate: 2026-03-01\n---\n",
        "content/notices/a-b.md": "---\ntitle: 二\ndate: 2026-03-01\n---\n",
        "content/notices/gbk.md": "---\ntitle: 国标编码\ndate: 2026-03-01\n---\n正文\n".encode("gb18030"),
        "content/notices/broken.md": "---\ndate: 2026-03-01\n---\n",
        "content/notices/readme.txt": "not markdown",
        "content/notice/stray.md": "---\ntitle: x\n---\n",
    })
    documents, problems = load_collections(site)
    assert sorted(str(p) for p in problems) == [
        'content/notice: unknown collection; its files are ignored; did you mean "notices"?',
        "content/notices/broken.md:1:title: is missing; this field is required",
    ]
    assert sorted(d.slug for d in documents["notices"]) == [
        "2026-03-01-年终冲刺方案", "a-b", "a-b-2", "gbk", "welcome"]
    assert {d.slug: d.title for d in documents["notices"]}["gbk"] == "国标编码"


def test_faq_rank_used_twice_is_a_warning(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"content/faq/02-dup.md": "---\nquestion: 又一个\nrank: 1\n---\n"})
    documents, problems = load_collections(site)
    assert problems == []
    assert [str(p) for p in check_collections(documents)] == [
        "content/faq/02-dup.md:rank: rank 1 is also used by content/faq/01-no-money.md"
    ]


# --- notices and FAQ order ------------------------------------------------------------------------------------


def notice(slug: str, date: str, **meta: object) -> Document:
    fields = {"title": slug, "date": dt.date.fromisoformat(date), "expires": None, "pinned": False, **meta}
    return Document("notices", slug, f"content/notices/{slug}.md", fields, "")


def test_notices_pinned_first_expired_gone_future_hidden() -> None:
    as_of = dt.date(2026, 3, 15)
    documents = [
        notice("old", "2026-03-01"),
        notice("new", "2026-03-10"),
        notice("pinned-old", "2026-02-01", pinned=True),
        notice("expired", "2026-03-05", expires=dt.date(2026, 3, 14)),
        notice("expires-today", "2026-03-02", expires=dt.date(2026, 3, 15)),
        notice("future", "2026-03-16"),
        notice("pinned-expired", "2026-03-03", pinned=True, expires=dt.date(2026, 3, 10)),
    ]
    selected = select_notices(documents, as_of)
    assert [d.slug for d in selected.current] == ["pinned-old", "new", "expires-today", "old"]
    assert [d.slug for d in selected.expired] == ["expired", "pinned-expired"]


def test_faq_in_rank_order_with_missing_ranks() -> None:
    documents = [Document("faq", f"q{rank}", f"content/faq/q{rank}.md", {"question": f"问题{rank}", "rank": rank},
                          "") for rank in (3, 1, 10, 2)]
    entries, missing = faq_order(documents)
    assert [d.meta["rank"] for d in entries] == [1, 2, 3, 10]
    assert missing == [4, 5, 6, 7, 8, 9]


def test_front_matter_date_with_an_impossible_year() -> None:
    _, problems = parse("---\ntitle: 通知\ndate: 3026-03-01\n---\n")
    assert problems == ['content/notices/x.md:3:date: "3026-03-01" is out of range (expected a year from 1900 to 2199)']


# --- the plain-text fast path of the inline patterns ------------------------------------------------------------


def _markdown_corpus() -> list[str]:
    """Every Markdown file of the repository (example site, fixtures, docs, seeds), and generated text mixing
    every character an inline pattern starts with, CJK text, spaces and line breaks."""
    import random

    root = Path(__file__).resolve().parent.parent
    skip = {"benchmarks", ".git", "output", "node_modules"}
    corpus = [path.read_text(encoding="utf-8", errors="replace") for path in sorted(root.rglob("*.md"))
              if not skip & set(path.relative_to(root).parts)]
    seeds = root.parent / "shared" / "seeds"
    corpus += [path.read_text(encoding="utf-8", errors="replace") for path in sorted(seeds.rglob("*.md"))]
    pieces = ["通知", "各组", " ", "  \n", "\n", "\n\n", "*", "**", "_", "__", "`", "``", "\\", "[", "]", "(", ")",
              "!", "<", ">", "&", ";", "&amp;", "#", "- ", "1. ", "| a | b |\n|---|---|\n| 1 | 2 |\n", "> ",
              "<b>", "</b>", "http://x.cn", "a@b.cn", "&#35;", "```\ncode\n```\n", "    ", "\t", "中文。", "x",
              "|", "a | b\n", "--|--\n", "\\|", "\\\\"]
    rng = random.Random(7)
    corpus += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) for _ in range(3000)]
    return corpus


def test_plain_text_fast_path_renders_what_python_markdown_renders() -> None:
    from generator.inputs.content import _converter

    fast, stock = _converter(), _converter(plain_text_first=False)
    corpus = _markdown_corpus()
    assert len(corpus) > 3000
    for source in corpus:
        assert fast.reset().convert(source) == stock.reset().convert(source), source


def test_plain_text_fast_path_steps_aside_for_other_inline_patterns() -> None:
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    from generator.inputs.content import _converter

    converter = _converter()
    converter.inlinePatterns.register(SimpleTagInlineProcessor(r"()~~(.+?)~~", "del"), "del", 65)
    assert converter.convert("一行~~删除~~文字") == "<p>一行<del>删除</del>文字</p>"
