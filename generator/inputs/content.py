"""Load the Markdown collections: front matter checked against its schema, body rendered and sanitised."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import nh3
import yaml

from ..config import did_you_mean
from ..errors import Problem
from .coerce import PARSERS, is_empty
from .schemas import COLLECTIONS, Collection, Field

CONTENT_DIR = "content"


@dataclass
class Document:
    collection: str
    slug: str  # a safe path segment, unique within the collection
    file: str  # relative to the site
    meta: dict[str, Any]
    html: str  # rendered and sanitised body
    text: str  # plain text of the body (summaries, search)
    source: str = field(repr=False, default="")

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


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Images load resources: only pictures inside the site (relative paths) may be shown.
    if tag == "img" and attribute == "src" and re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", value, re.IGNORECASE):
        return None
    return value


def render_markdown(source: str) -> str:
    """Render Markdown to HTML and sanitise it: no script, no event handlers, no javascript: links."""
    html = markdown.markdown(source, extensions=["tables", "fenced_code", "sane_lists", "nl2br"],
                             output_format="html")
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer", attribute_filter=_keep_attribute, strip_comments=True,
    )


def plain_text(html: str) -> str:
    """Return the visible text of sanitised HTML, whitespace collapsed."""
    text = nh3.clean(html, tags=set())
    text = re.sub(r"&(lt|gt|amp|quot|#39);", lambda m: {"lt": "<", "gt": ">", "amp": "&", "quot": '"',
                                                      "#39": "'"}[m.group(1)], text)
    return re.sub(r"\s+", " ", text).strip()


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, except that a date that does not exist (2026-02-30) stays text, so that it is
    reported as a bad field value instead of crashing the build."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


def _line_of(front: str, name: str) -> int:
    for number, line in enumerate(front.splitlines(), start=2):
        if re.match(rf"^\s*{re.escape(name)}\s*:", line):
            return number
    return 1


def _check_field(spec: Field, value: Any) -> Any:
    if spec.type == "text":
        if isinstance(value, (dict, list)):
            raise ValueError("expected text")
        return str(value).strip()
    if spec.type == "bool" and not isinstance(value, bool):
        return PARSERS["bool"](value)
    parsed = PARSERS[spec.type](value)
    if isinstance(parsed, (int, float)) and not isinstance(parsed, bool):
        if spec.minimum is not None and parsed < spec.minimum:
            raise ValueError(f"must be at least {spec.minimum:g}")
        if spec.maximum is not None and parsed > spec.maximum:
            raise ValueError(f"must be at most {spec.maximum:g}")
    return parsed


def parse_document(text: str, file: str, collection: Collection, stem: str) -> tuple[Document | None, list[Problem]]:
    """Parse one Markdown file; None (with problems) when it cannot be used."""
    problems: list[Problem] = []
    match = _FRONT.match(text)
    if not match:
        return None, [Problem(file, 1, None, "has no front matter: start the file with a '---' line, "
                              "the fields, and another '---' line")]
    front, body = match.group(1), match.group(2)
    try:
        raw = yaml.load(front, Loader=_FrontMatterLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(file, line, None, f"front matter is not valid YAML: {reason}")]
    if not isinstance(raw, dict):
        return None, [Problem(file, 2, None, "front matter must be a list of `field: value` lines")]
    meta: dict[str, Any] = {}
    fields = {f.name: f for f in collection.fields}
    for name in raw:
        if str(name) not in fields:
            hint = did_you_mean(str(name), tuple(fields)) or " fields are: " + ", ".join(fields)
            problems.append(Problem(file, _line_of(front, str(name)), str(name), f"unknown field;{hint}", "warning"))
    usable = True
    for spec in collection.fields:
        value = raw.get(spec.name)
        if is_empty(value):
            if spec.required:
                problems.append(Problem(file, 1, spec.name, "is missing; this field is required"))
                usable = False
            meta[spec.name] = spec.default
            continue
        try:
            meta[spec.name] = _check_field(spec, value)
        except ValueError as exc:
            problems.append(Problem(file, _line_of(front, spec.name), spec.name, f'"{value}" {exc}'))
            usable = False
            continue
        if spec.choices and meta[spec.name] not in spec.choices:
            hint = did_you_mean(str(meta[spec.name]), spec.choices)
            problems.append(Problem(file, _line_of(front, spec.name), spec.name,
                                    f'"{meta[spec.name]}" is not allowed; expected one of '
                                    f"{', '.join(spec.choices)}{';' + hint if hint else ''}"))
            usable = False
    if not usable:
        return None, problems
    html = render_markdown(body)
    return Document(collection.name, safe_segment(stem), file, meta, html, plain_text(html), body), problems


Parse = Callable[[str, str, Collection, str], tuple[Document | None, list[Problem]]]


def load_collections(site: Path, parse: Parse = parse_document) -> tuple[dict[str, list[Document]], list[Problem]]:
    """Load every Markdown file of every collection under content/ (`parse` may answer from a cache)."""
    documents: dict[str, list[Document]] = {}
    problems: list[Problem] = []
    root = site / CONTENT_DIR
    if root.is_dir():
        for child in sorted(root.iterdir()):
            if child.is_dir() and child.name not in COLLECTIONS and not child.name.startswith((".", "_")):
                hint = did_you_mean(child.name, tuple(COLLECTIONS)) or " collections are: " + ", ".join(COLLECTIONS)
                problems.append(Problem(f"{CONTENT_DIR}/{child.name}", None, None,
                                        f"unknown collection; its files are ignored;{hint}", "warning"))
    for name, collection in COLLECTIONS.items():
        folder = root / name
        docs: list[Document] = []
        used: set[str] = set()
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
            if not path.is_file():  # a folder named like a Markdown file
                continue
            file = path.relative_to(site).as_posix()
            try:
                text = path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    text = path.read_bytes().decode("gb18030")
                except UnicodeDecodeError:
                    problems.append(Problem(file, None, None, "is not UTF-8 text; save it as UTF-8"))
                    continue
            document, found = parse(text, file, collection, path.stem)
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
            problems.append(Problem(doc.file, None, "rank", f"rank {rank} is also used by {seen[rank].file}",
                                    "warning"))
        seen.setdefault(rank, doc)
    return problems
