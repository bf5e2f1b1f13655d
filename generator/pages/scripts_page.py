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

from ..i18n import register
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


register({
    "zh-CN": {
        "nav.scripts": "话术",
        "scripts.title": "追踪话术与短信模板",
        "scripts.intro": "电话追踪四步：问候 → 近况如何 → 需要什么支持 → 鼓励继续努力。"
                         "短信分激励、关怀、战报、通知四类。",
        "scripts.phone": "电话话术",
        "scripts.sms": "短信模板",
        "scripts.none": "暂无。",
        "scripts.rule": "计费规则：含中文（或任何非 GSM-7 字符）的短信每条 70 字，超过 70 字拆成长短信，每段 67 字；"
                        "纯英文数字（GSM-7）每条 160 字，拆分后每段 153 字。"
                        "模板中的占位符按原样计数，实际发送时以替换后的内容为准。",
        "scripts.long": "超过一条：将拆成 {segments} 条发送、按 {segments} 条计费。",
        "scripts.col.title": "模板", "scripts.col.category": "类别", "scripts.col.characters": "字数",
        "scripts.col.segments": "条数", "scripts.col.encoding": "编码", "scripts.col.per": "每条容量",
        "scripts.col.warning": "提示", "scripts.col.text": "内容",
        "scripts.long_short": "长短信",
        "scripts.length": "{characters} 字 · {segments} 条（{encoding}，每条 {per} 字）",
        "scripts.category": "类别",
        "smscat.incentive": "激励类", "smscat.care": "关怀类", "smscat.battle": "战报类", "smscat.notice": "通知类",
        "encoding.gsm7": "GSM-7", "encoding.ucs2": "中文（UCS-2）",
    },
    "en": {
        "nav.scripts": "Scripts",
        "scripts.title": "Call scripts and SMS templates",
        "scripts.intro": "A tracking call in four steps: greet → how are things going → what support do you need → "
                         "encourage. Text messages come in four kinds: incentive, care, battle report, notice.",
        "scripts.phone": "Call scripts",
        "scripts.sms": "SMS templates",
        "scripts.none": "None yet.",
        "scripts.rule": "Billing: a message with Chinese (or any character outside GSM-7) holds 70 characters; a "
                        "longer one is split into segments of 67. Plain GSM-7 text holds 160, split into segments of "
                        "153. Placeholders are counted as written; the message sent may differ.",
        "scripts.long": "Longer than one message: sent as {segments} segments and billed as {segments}.",
        "scripts.col.title": "Template", "scripts.col.category": "Category", "scripts.col.characters": "Characters",
        "scripts.col.segments": "Segments", "scripts.col.encoding": "Encoding", "scripts.col.per": "Per segment",
        "scripts.col.warning": "Note", "scripts.col.text": "Text",
        "scripts.long_short": "long message",
        "scripts.length": "{characters} characters · {segments} segments ({encoding}, {per} a segment)",
        "scripts.category": "Category",
        "smscat.incentive": "Incentive", "smscat.care": "Care", "smscat.battle": "Battle report",
        "smscat.notice": "Notice",
        "encoding.gsm7": "GSM-7", "encoding.ucs2": "Unicode (UCS-2)",
    },
})


def _category_label(t, value: object) -> str | None:
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
