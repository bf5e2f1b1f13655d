"""scripts/: call scripts (电话追踪话术) and SMS templates, each template with its length in SMS segments.

Segments, as operators bill them: a message written only in the GSM-7 alphabet (plain English letters,
digits, common punctuation) holds 160 characters, or 153 a segment once it is split; any other character
(Chinese, full-width punctuation, emoji) makes the whole message UCS-2: 70 characters, or 67 a segment
once split. The GSM-7 extension characters (^ { } [ ] ~ | € and backslash) take two places.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..i18n import Translator
from ..inputs.content import Document
from ..inputs.schemas import DATASETS
from ..render import Page
from .context import Context, Section
from .tables import Col, Table

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
SINGLE = {"gsm7": 160, "ucs2": 70}
CONCATENATED = {"gsm7": 153, "ucs2": 67}
_WRAP = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
# The four kinds of tracking message of the source document and how the office writes them: declared once, as
# the choices of the sms dataset's category (inputs/schemas.py), so that a script and a sent message agree.
_CATEGORY_CHOICES = DATASETS["sms"].column("category").choices or {}
SMS_CATEGORIES = tuple(_CATEGORY_CHOICES)
CATEGORY_ALIASES = {key: (key, *spellings) for key, spellings in _CATEGORY_CHOICES.items()}


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # gsm7 or ucs2
    characters: int  # characters as a person counts them
    units: int  # places taken: GSM-7 septets or UTF-16 code units
    segments: int
    per_segment: int  # capacity of a segment for this message

    @property
    def long(self) -> bool:
        return self.segments > 1


def sms_length(text: str) -> SmsLength:
    """Count the SMS segments a message takes (see the module docstring for the rule)."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        encoding = "gsm7"
        units = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
    else:
        encoding = "ucs2"
        units = len(text.encode("utf-16-le")) // 2  # characters beyond the BMP (emoji) take two
    if units <= SINGLE[encoding]:
        per, segments = SINGLE[encoding], 1 if units else 0
    else:
        per = CONCATENATED[encoding]
        segments = math.ceil(units / per)
    return SmsLength(encoding, len(text), units, segments, per)


def sms_text(doc: Document) -> str:
    """The message of an SMS template: the visible text of its body. Line breaks in the Markdown are only
    wrapping, so no space is kept beside a Chinese character (a space between English words stays)."""
    return _WRAP.sub("", doc.text)


def category_of(value: object) -> str | None:
    text = str(value).strip().casefold() if value else ""
    return next((key for key, names in CATEGORY_ALIASES.items() if text in names), None)


def _category_label(t: Translator, value: object) -> str | None:
    key = category_of(value)
    return t(f"smscat.{key}") if key else (str(value) if value else None)


def build(ctx: Context) -> Section | None:
    """scripts/: the phone scripts in full, then the SMS templates with their lengths and a table of them."""
    if not ctx.wants("scripts"):
        return None
    docs = ctx.site.documents.get("scripts", [])
    if not docs:
        return None
    t = ctx.t
    phone = sorted((d for d in docs if d.meta.get("channel") != "sms"),
                   key=lambda d: (str(d.meta.get("category") or ""), d.slug))

    def sms_order(doc: Document) -> tuple[int, str]:
        key = category_of(doc.meta.get("category"))
        return (SMS_CATEGORIES.index(key) if key else len(SMS_CATEGORIES), doc.slug)

    templates: list[dict[str, Any]] = []
    rows = []
    for doc in sorted((d for d in docs if d.meta.get("channel") == "sms"), key=sms_order):
        text = sms_text(doc)
        length = sms_length(text)
        entry = {
            "doc": doc, "text": text, "length": length, "category": _category_label(t, doc.meta.get("category")),
            "summary": t("scripts.length", characters=length.characters, segments=length.segments,
                         encoding=t(f"encoding.{length.encoding}"), per=length.per_segment),
            "warning": t("scripts.long", segments=length.segments) if length.long else None,
        }
        templates.append(entry)
        rows.append({
            "title": doc.title, "category": entry["category"], "characters": length.characters,
            "segments": length.segments, "encoding": t(f"encoding.{length.encoding}"), "per": length.per_segment,
            "warning": t("scripts.long_short") if length.long else None, "text": text,
            "_href": f"scripts/index.html#{doc.slug}",
            **({"_class": "flag"} if length.long else {}),
        })
    table = Table("sms-templates", t("scripts.sms"), [
        Col("title", t("scripts.col.title")), Col("category", t("scripts.col.category")),
        Col("characters", t("scripts.col.characters"), "number"), Col("segments", t("scripts.col.segments"), "number"),
        Col("encoding", t("scripts.col.encoding")), Col("per", t("scripts.col.per"), "number"),
        Col("warning", t("scripts.col.warning")), Col("text", t("scripts.col.text")),
    ], rows)
    page = Page("scripts/index.html", "scripts.html", t("scripts.title"), "scripts", {
        "phone": phone, "templates": templates, "table": table,
        "categories": {d.slug: _category_label(t, d.meta.get("category")) for d in phone},
    })
    return Section("scripts", "scripts/", [page])
