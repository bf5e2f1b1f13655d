"""Load the Markdown collections: front matter checked against its schema, body rendered and sanitised."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import markdown
import markdown.preprocessors
import markdown.treeprocessors
import markdown.util
import nh3
import yaml

from ..errors import Explained, Problem, closest, explained, hint, reason, say
from .coerce import CONTROL, PARSERS, control_characters, is_empty
from .frontmatter import yaml_problem
from .schemas import COLLECTIONS, Collection, Field

CONTENT_DIR = "content"


@dataclass
class Document:
    collection: str
    slug: str  # a safe path segment, unique within the collection
    file: str  # relative to the site
    meta: dict[str, Any]
    html: str  # rendered and sanitised body
    source: str = field(repr=False, default="")

    @functools.cached_property
    def text(self) -> str:
        """The plain text of the body, whitespace collapsed; made when first asked for (few pages show it, and
        10,000 notices would spend a tenth of their parsing on it)."""
        return plain_text(self.html)

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.meta.get("question") or self.slug)

    @property
    def date(self) -> dt.date | None:
        value = self.meta.get("date")
        return value if isinstance(value, dt.date) else None


_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)(?:\r?\n)---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)
_SAFE = re.compile(r"[^\w-]+", re.UNICODE)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q",
    "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}, "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"}, "ol": {"start"}, "abbr": {"title"},
}


def safe_segment(text: str) -> str:
    """Reduce text to a safe path segment: letters and digits of any script, '-' and '_'."""
    segment = _SAFE.sub("-", unicodedata.normalize("NFKC", text)).strip("-_")
    segment = segment.lstrip(".")
    return segment[:80] or "item"


LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# The schemes for which browsers read "\\" as "/" (WHATWG URL: the "special" schemes); a relative URL resolves
# against the page's, which is one of them.
_SPECIAL_SCHEMES = frozenset({"http", "https", "ftp", "ws", "wss", "file"})
_EDGES = "".join(chr(code) for code in range(0x21))  # C0 controls and space
_TAB_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def browser_url(value: str) -> str:
    """A URL as a browser reads it (WHATWG URL parsing): C0 controls and spaces stripped from both ends, tabs and
    new lines removed anywhere, and backslashes read as slashes unless the scheme is not a special one."""
    url = _TAB_NEWLINE.sub("", value.strip(_EDGES))
    scheme = _SCHEME.match(url)
    if scheme is None or scheme.group(1).lower() in _SPECIAL_SCHEMES:
        url = url.replace("\\", "/")
    return url


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Links go to the site, or to the allowed schemes; images load resources: only pictures inside the site
    (relative paths) may be shown. Decided on the URL as a browser reads it: "/\\h", "\\\\h" and "/<tab>/h"
    are "//h", another host."""
    if attribute not in ("src", "href"):
        return value
    url = browser_url(value)
    if url.startswith("//"):
        return None
    scheme = _SCHEME.match(url)
    if scheme is not None and (tag == "img" or scheme.group(1).lower() not in LINK_SCHEMES):
        return None
    return value


# Python-Markdown looks for the end of a link or tag from every "[" and "<" to the end of its paragraph or list
# item, so a paragraph packed with unclosed ones (a few kilobytes of "[[[[") takes minutes. The cost is about
# their number times the paragraph's length. Past these budgets (about a tenth of a second for a paragraph, a
# second for the whole text) the costliest paragraphs are shown as typed, escaped, without Markdown.
PARAGRAPH_BUDGET = 1_000_000
TEXT_BUDGET = 5_000_000
# Paragraph boundaries: blank lines, and new lines that start a list item, heading, quote or table row.
_BOUNDARY = re.compile(r"(\n[ \t]*\n|\n(?=[ \t]*(?:[-*+>|#]|\d+[.)])))")
# Links and tags that close on their line cost little: they are not counted.
_CLOSED = re.compile(r"\[[^\[\]\n]*\](?:\([^()\n]*\)|(?!\())|<[^<>\n]*>")


def _openers(text: str) -> int:
    return text.count("[") + text.count("<") + text.count("](")


def _cost(text: str) -> int:
    openers = _openers(text)
    if openers * len(text) <= PARAGRAPH_BUDGET // 10:
        return openers * len(text)
    closed = sum(_openers(m.group()) for m in _CLOSED.finditer(text))
    return max(openers - closed, 0) * len(text)


def defuse(source: str) -> tuple[str, bool]:
    """Return the Markdown with pathological paragraphs turned into escaped text, and whether any was."""
    parts = _BOUNDARY.split(source)  # the odd items are the boundaries themselves
    costs = {i: _cost(parts[i]) for i in range(0, len(parts), 2)}
    plain = {i for i, cost in costs.items() if cost > PARAGRAPH_BUDGET}
    total = sum(cost for i, cost in costs.items() if i not in plain)
    for i in sorted(costs, key=lambda i: -costs[i]):
        if total <= TEXT_BUDGET:
            break
        if i not in plain:
            plain.add(i)
            total -= costs[i]
    for i in plain:  # an HTML block: Markdown leaves its inside alone, the sanitiser still checks it
        parts[i] = "\n\n<p>" + escape(parts[i]).replace("\n", "<br>") + "</p>\n\n"
    return "".join(parts), bool(plain)


# The inline patterns of the converter below, and for each the characters a text needs for it to match at all:
# `code`, \escapes, [links] and ![images], <autolinks> and <html>, &entities;, *emphasis* and _emphasis_, and the
# line breaks of nl2br. A pattern is not offered a text with none of its characters (most of a Chinese notice:
# headings, list items, table cells have none at all), where its own search would find nothing.
_TRIGGERS = {"backtick": "`", "escape": "\\", "reference": "[", "link": "[", "image_link": "[",
             "image_reference": "[", "short_reference": "[", "short_image_ref": "[", "autolink": "<", "automail": "<",
             "linebreak": "\n", "html": "<", "entity": "&", "em_strong": "*_", "nl": "\n"}
# Any of them: a text with none is offered to no pattern at all.
_INLINE_TRIGGER = re.compile(f"[{re.escape(''.join(sorted(set(''.join(_TRIGGERS.values())))))}]")


class _PlainTextFirst(markdown.treeprocessors.InlineProcessor):
    """Python-Markdown's inline processor, passing over text that no inline pattern can match, and offering a text
    only to the patterns that can (the same HTML, about twice as fast on a typical notice). It only does so while
    the patterns are the known ones."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        self.inlinePatterns = list(self.md.inlinePatterns)  # indexed for every text: a list, not the registry
        patterns = self.md.inlinePatterns
        # By pattern index: the characters one of which a text needs for the pattern to match; None (nothing passed
        # over) when the patterns are not the known ones.
        self.triggers: list[str] | None = None
        if len(patterns) == len(_TRIGGERS) and all(name in patterns for name in _TRIGGERS):
            by_id = {id(patterns[name]): chars for name, chars in _TRIGGERS.items()}
            self.triggers = [by_id[id(pattern)] for pattern in self.inlinePatterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if (patternIndex == 0 and self.triggers is not None and not isinstance(data, markdown.util.AtomicString)
                and _INLINE_TRIGGER.search(data) is None):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)

    def _InlineProcessor__applyPattern(self, pattern: Any, data: str, patternIndex: int, startIndex: int = 0
                                       ) -> tuple[str, bool, int]:
        if self.triggers is not None:
            chars = self.triggers[patternIndex]
            if chars[0] not in data and (len(chars) == 1 or chars[1] not in data):
                return data, False, 0  # what Python-Markdown answers when the pattern finds nothing
        return super()._InlineProcessor__applyPattern(pattern, data, patternIndex, startIndex)


class _NoteBackslashes(markdown.preprocessors.Preprocessor):
    """Note whether the text has a backslash: without one, nothing was escaped, and nothing needs unescaping."""

    def run(self, lines: list[str]) -> list[str]:
        self.md.backslashes = any("\\" in line for line in lines)
        return lines


class _UnescapeWhenEscaped(markdown.treeprocessors.UnescapeTreeprocessor):
    """Python-Markdown's unescaping of backslash escapes, passed over for a text that has no backslash: only the
    escape and backtick patterns mark escaped characters, and only from a backslash."""

    def run(self, root: Any) -> None:
        if getattr(self.md, "backslashes", True):
            super().run(root)


class _BlockLevel(dict):
    """tag -> whether Python-Markdown treats it as block level (`Markdown.is_block_level`), remembered."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = frozenset(names)

    def __missing__(self, tag: Any) -> bool:
        answer = isinstance(tag, str) and tag.lower().rstrip("/") in self.names
        self[tag] = answer
        return answer


def _converter(plain_text_first: bool = True) -> markdown.Markdown:
    converter = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists", "nl2br"], output_format="html")
    if plain_text_first:
        converter.treeprocessors.register(_PlainTextFirst(converter), "inline", 20)
        converter.preprocessors.register(_NoteBackslashes(converter), "note_backslashes", 40)
        converter.treeprocessors.register(_UnescapeWhenEscaped(converter), "unescape", 0)
        # Asked of every element, several times (about 70 times a notice): each tag's answer is remembered, not
        # looked up again in Python-Markdown's list of 59 names (these extensions add none to it).
        converter.is_block_level = _BlockLevel(converter.block_level_elements).__getitem__
        # A block without "|" is never a table (its first row would be one cell, without a border): not split
        # into cells to find out, character by character, for every paragraph and list.
        table = converter.parser.blockprocessors["table"]
        is_table, split = table.test, table._split
        table.test = lambda parent, block: "|" in block and is_table(parent, block)
        # A row without ` or \ has no code span or escaped pipe to keep whole: its cells are what lies between pipes.
        table._split = lambda row: row.split("|") if "`" not in row and "\\" not in row else split(row)
    return converter


@functools.cache
def _markdown() -> markdown.Markdown:
    """One converter per process, reset between documents: setting up its extensions costs more than
    converting a typical notice."""
    return _converter()


def render_markdown(source: str) -> str:
    """Render Markdown to HTML and sanitise it: no script, no event handlers, no javascript: links.

    Raises RecursionError for Markdown nested too deeply to render (hundreds of levels of lists).
    """
    return _render(defuse(source)[0])


@functools.cache
def _sanitiser() -> nh3.Cleaner:
    """The sanitiser's rules, made once per process (passed to nh3.clean, they were converted again for every
    document: a third of its time)."""
    return nh3.Cleaner(
        tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer", attribute_filter=_keep_attribute, strip_comments=True,
    )


@functools.cache
def _text_only() -> nh3.Cleaner:
    return nh3.Cleaner(tags=set())


def _render(source: str) -> str:
    return _sanitiser().clean(_markdown().reset().convert(source))


def plain_text(html: str) -> str:
    """Return the visible text of sanitised HTML, whitespace collapsed."""
    text = _text_only().clean(html)
    text = re.sub(r"&(lt|gt|amp|quot|#39);", lambda m: {"lt": "<", "gt": ">", "amp": "&", "quot": '"',
                                                      "#39": "'"}[m.group(1)], text)
    return re.sub(r"\s+", " ", text).strip()


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a date that does not exist (2026-02-30) stays text, so that it is
    reported as a bad field value instead of crashing the build."""


class _FastFrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same with libyaml when PyYAML has it (ten times faster); its error messages are vaguer, so front
    matter it rejects is read again by the loader above for the message."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
_FastFrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


MAX_DEPTH = 50  # front matter is a list of fields; anything nested deeper is hostile or broken


def _too_deep(value: Any) -> bool:
    """Whether lists and mappings nest deeper than MAX_DEPTH. Without recursion, and each container measured
    once: YAML aliases share containers, and a "billion laughs" document must not be walked a billion times."""
    height: dict[int, int] = {}  # id of a container: how deep it nests
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, children_done = stack.pop()
        if not isinstance(item, (dict, list)) or (id(item) in height and not children_done):
            continue
        children = [c for c in (item.values() if isinstance(item, dict) else item) if isinstance(c, (dict, list))]
        if children_done:
            height[id(item)] = 1 + max((height.get(id(c), 0) for c in children), default=0)
            if height[id(item)] > MAX_DEPTH:
                return True
        else:
            height[id(item)] = 0  # being measured: a container inside itself counts once
            stack.append((item, True))
            stack.extend((c, False) for c in children if id(c) not in height)
    return False


def _load_front(front: str) -> Any:
    """Read front matter; RecursionError when it is nested too deeply."""
    try:
        value = yaml.load(front, Loader=_FastFrontMatterLoader)
    except yaml.YAMLError:
        return yaml.load(front, Loader=_FrontMatterLoader)
    if _too_deep(value):
        raise RecursionError("front matter nested too deeply")
    return value


def _line_of(front: str, name: str) -> int:
    for number, line in enumerate(front.splitlines(), start=2):
        if re.match(rf"^\s*{re.escape(name)}\s*:", line):
            return number
    return 1


def _check_list(value: Any) -> list[str]:
    """A list of texts: a YAML list, or one line of items separated by commas (either width) or 、."""
    items = value if isinstance(value, list) else re.split(r"[,，、]", str(value))
    if any(isinstance(item, (dict, list)) for item in items):
        raise Explained(say("problem.doc.not_ids"))
    return [text for item in items if (text := str(item).strip())]


# How a prize tier is written, quoted by the messages in either language (the name is an example of the data's).
_TIER = "{name: 铜牌, threshold: 10000}"


def _check_tiers(value: Any) -> list[dict[str, Any]]:
    """Prize tiers: a list of {name, threshold}, each threshold a number at least 0, returned lowest first."""
    if not isinstance(value, list):
        raise Explained(say("problem.doc.not_tiers", example=_TIER))
    tiers = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict) or is_empty(item.get("name")) or is_empty(item.get("threshold")):
            raise Explained(say("problem.doc.tier_incomplete", number=number, example=_TIER))
        try:
            threshold = float(PARSERS["number"](item["threshold"]))  # type: ignore[arg-type]  # the number parser gives a float
        except ValueError as exc:
            raise Explained(say("problem.doc.tier_threshold", number=number, reason=reason(exc))) from None
        if threshold < 0:
            raise Explained(say("problem.doc.tier_negative", number=number))
        tiers.append({"name": str(item["name"]).strip(), "threshold": threshold})
    return sorted(tiers, key=lambda tier: tier["threshold"])


def _check_field(spec: Field, value: Any) -> Any:
    if spec.type == "list":
        return _check_list(value)
    if spec.type == "tiers":
        return _check_tiers(value)
    if spec.type == "text":
        if isinstance(value, (dict, list)):
            raise Explained(say("problem.doc.not_text"))
        return str(value).strip()
    if spec.type == "bool" and not isinstance(value, bool):
        return PARSERS["bool"](value)
    parsed = PARSERS[spec.type](value)
    if isinstance(parsed, (int, float)) and not isinstance(parsed, bool):
        if spec.minimum is not None and parsed < spec.minimum:
            raise Explained(say("problem.doc.below", minimum=f"{spec.minimum:g}"))
        if spec.maximum is not None and parsed > spec.maximum:
            raise Explained(say("problem.doc.above", maximum=f"{spec.maximum:g}"))
    return parsed


# Limits on a Markdown file, checked before YAML and Markdown see it (each costs far more than linear time, or
# memory, past them): a file past one is an error for that file, which is skipped. Documented in
# docs/operations.md ("Limits on input").
MAX_DOCUMENT_CHARS = 2_000_000
MAX_LINES = 20_000
MAX_ENTITIES = 20_000
MAX_FIELDS = 200
MAX_NESTING = 50  # lists and quotes inside one another
_ENTITY = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{0,31});")
# The markers a line opens with: quotes ">" and list items ("-", "*", "+", "1." followed by a space).
_MARKERS = re.compile(r"(?:>[ \t]*|(?:[-*+]|\d{1,9}[.)])[ \t]+)*")
_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]")


def _nesting(line: str) -> int:
    """How deep a line nests lists and quotes at most: its indentation in steps of four, and its markers."""
    stripped = line.lstrip(" \t")
    indent = len(line[: len(line) - len(stripped)].expandtabs(4)) // 4
    prefix = _MARKERS.match(stripped)
    markers = prefix.group() if prefix else ""
    return indent + markers.count(">") + len(_ITEM.findall(markers))


def check_limits(text: str, file: str) -> Problem | None:
    """The first limit the file's text goes past, as an error placed at its line; None when within them all.
    Linear in the text's length."""
    if len(text) > MAX_DOCUMENT_CHARS:
        return explained(file, 1, None, say("problem.doc.too_large", length=f"{len(text):,}",
                                             limit=f"{MAX_DOCUMENT_CHARS:,}"))
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        return explained(file, MAX_LINES + 1, None, say("problem.doc.too_many_lines", lines=f"{lines:,}",
                                                         limit=f"{MAX_LINES:,}"))
    if text.count("&") > MAX_ENTITIES:
        for number, match in enumerate(_ENTITY.finditer(text), start=1):
            if number > MAX_ENTITIES:
                return explained(file, text.count("\n", 0, match.start()) + 1, None,
                                 say("problem.doc.too_many_entities", limit=f"{MAX_ENTITIES:,}"))
    for number, line in enumerate(text.split("\n"), start=1):
        if _nesting(line) > MAX_NESTING:
            return explained(file, number, None, say("problem.doc.too_nested", limit=MAX_NESTING))
    return None


def _count_fields(front: str) -> int:
    """The top-level `field:` lines of front matter (a mapping on one line is counted once read)."""
    return len(re.findall(r"^[^\s#\-][^\n]*?:(?:[ \t]|$)", front, re.MULTILINE))


def parse_document(text: str, file: str, collection: Collection, stem: str) -> tuple[Document | None, list[Problem]]:
    """Parse one Markdown file; None (with problems) when it cannot be used."""
    problems: list[Problem] = []
    limit = check_limits(text, file)
    if limit is not None:
        return None, [limit]
    match = _FRONT.match(text)
    if not match:
        opened = re.match(r"\A\ufeff?---[ \t]*\r?\n", text) is not None
        return None, [explained(file, 1, None, say("problem.front.unclosed" if opened else "problem.front.missing"))]
    front, body = match.group(1), match.group(2)
    if _count_fields(front) > MAX_FIELDS:
        return None, [explained(file, 2, None, say("problem.doc.too_many_fields", limit=MAX_FIELDS))]
    try:
        raw = _load_front(front) or {}
    except RecursionError:
        return None, [explained(file, 2, None, say("problem.doc.front_too_deep"))]
    except yaml.YAMLError as exc:
        return None, [yaml_problem(file, front, exc)]
    if not isinstance(raw, dict):
        return None, [yaml_problem(file, front, None)]
    if len(raw) > MAX_FIELDS:
        return None, [explained(file, 2, None, say("problem.doc.too_many_fields", limit=MAX_FIELDS))]
    meta: dict[str, Any] = {}
    fields = {f.name: f for f in collection.fields}
    for name in raw:
        if str(name) not in fields:
            close = closest(str(name), tuple(fields))
            line = _line_of(front, str(name))
            found = (say("problem.front.unknown_similar", similar=close) if close
                     else say("problem.front.unknown", fields=", ".join(fields)))
            problems.append(explained(file, line, str(name), found, "warning"))
    usable = True
    for spec in collection.fields:
        value = raw.get(spec.name)
        if is_empty(value):
            if spec.required:
                problems.append(explained(file, 1, spec.name, say("problem.front.required")))
                usable = False
            meta[spec.name] = spec.default
            continue
        try:
            meta[spec.name] = _check_field(spec, value)
        except ValueError as exc:
            problems.append(explained(file, _line_of(front, spec.name), spec.name,
                                      say("problem.value.refused", value=value, reason=reason(exc))))
            usable = False
            continue
        if isinstance(meta[spec.name], str) and CONTROL.search(meta[spec.name]):
            problems.append(explained(file, _line_of(front, spec.name), spec.name,
                                      say("problem.value.control", characters=control_characters(meta[spec.name])),
                                      "warning"))
            meta[spec.name] = CONTROL.sub("", meta[spec.name])
        if spec.aliases and isinstance(meta[spec.name], str):
            meta[spec.name] = next((choice for choice, names in spec.aliases.items()
                                    if meta[spec.name].strip() in names), meta[spec.name])
        if spec.choices and meta[spec.name] not in spec.choices:
            problems.append(explained(file, _line_of(front, spec.name), spec.name,
                                      say("problem.doc.choice", hint(str(meta[spec.name]), spec.choices),
                                          value=meta[spec.name], choices=", ".join(spec.choices))))
            usable = False
    if not usable:
        return None, problems
    defused, changed = defuse(body)
    if changed:
        problems.append(explained(file, None, None, say("problem.doc.defused"), "warning"))
    try:
        html = _render(defused)
    except RecursionError:
        problems.append(explained(file, None, None, say("problem.doc.body_too_deep"), "warning"))
        html = "<pre>" + escape(body) + "</pre>"
    return Document(collection.name, safe_segment(stem), file, meta, html, body), problems


def collection_files(folder: Path) -> list[tuple[str, str, str]]:
    """The Markdown files of a collection folder: their names, paths and stems (as Path.stem: "..md" gives "."), by
    name; none when there is no folder. Files (a linked one included), not folders named like one; listed with
    scandir, without a stat call or a Path object for each of ten thousand notices."""
    try:
        with os.scandir(folder) as entries:
            found = [(entry.name, entry.path) for entry in entries if entry.name.endswith(".md") and entry.is_file()]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [(name, path, name[:-3] if len(name) > 3 else name) for name, path in sorted(found)]


Parse = Callable[[str, str, Collection, str], tuple[Document | None, list[Problem]]]


def load_collections(site: Path, parse: Parse = parse_document, read: Callable[[str], str | None] | None = None
                     ) -> tuple[dict[str, list[Document]], list[Problem]]:
    """Load every Markdown file of every collection under content/ (`parse` may answer from a cache; `read` may
    give a file's text, by its name as in problems, when it was read already in this build)."""
    documents: dict[str, list[Document]] = {}
    problems: list[Problem] = []
    root = site / CONTENT_DIR
    if root.is_dir():
        for child in sorted(root.iterdir()):
            if child.is_dir() and child.name not in COLLECTIONS and not child.name.startswith((".", "_")):
                problems.append(explained(f"{CONTENT_DIR}/{child.name}", None, None,
                                          say("problem.doc.unknown_collection",
                                              hint(child.name, COLLECTIONS, "problem.hint.collections")),
                                          "warning"))
    for name, collection in COLLECTIONS.items():
        docs: list[Document] = []
        used: set[str] = {slug.casefold() for slug in collection.reserved}
        for filename, path, stem in collection_files(root / name):
            file = f"{CONTENT_DIR}/{name}/{filename}"
            known = read(file) if read is not None else None
            try:
                text = known if known is not None else Path(path).read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    text = Path(path).read_bytes().decode("gb18030")
                except UnicodeDecodeError:
                    problems.append(explained(file, None, None, say("problem.file.not_utf8")))
                    continue
            document, found = parse(text, file, collection, stem)
            problems.extend(found)
            if document is None:
                continue
            slug, n = document.slug, 2
            while slug.casefold() in used:  # two files reducing to one segment, or differing in case only
                slug, n = f"{document.slug}-{n}", n + 1
            used.add(slug.casefold())
            document.slug = slug
            docs.append(document)
        documents[name] = docs
    return documents, problems


def check_collections(documents: dict[str, list[Document]]) -> list[Problem]:
    """Checks across the files of a collection: FAQ ranks used twice."""
    problems = []
    seen: dict[int, Document] = {}
    for doc in sorted(documents.get("faq", []), key=lambda d: (d.meta["rank"], d.file)):
        rank = doc.meta["rank"]
        if rank in seen:
            problems.append(explained(doc.file, None, "rank", say("problem.doc.rank_twice", rank=rank,
                                                                  file=seen[rank].file), "warning"))
        seen.setdefault(rank, doc)
    return problems
