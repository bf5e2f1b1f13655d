"""Turn raw cells into typed values, column by column, noting each cell that does not fit.

Parsing works on the distinct values of a column, so a date column of a million rows costs a few
hundred parses, not a million.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Explained, Text, reason, say

EMPTY = object()  # marker: the cell is empty
MIN_YEAR, MAX_YEAR = 1900, 2199  # dates outside are typos (and beyond what pandas' datetime64[ns] holds)
# The largest magnitude of each numeric type: beyond it a value is a typo (and overflows sums, charts and Int64).
LIMITS = {"number": 1e12, "money": 1e12, "int": 1e9}
# Characters no renderer should get: C0 controls but tab and line breaks, DEL and C1, the non-characters
# U+FFFE/U+FFFF and lone surrogates. They are dropped from every cell, with a warning.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M", "%Y.%m.%d %H:%M",
)
_MONEY_JUNK = re.compile(r"[¥￥$,，\s]|元|RMB|CNY", re.IGNORECASE)
_PERIOD_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_PERIOD_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_PERIOD_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(:\d{2})?$")
# t and f: PostgreSQL's booleans in a query's result (inputs/database.py)
_TRUE = {"true", "yes", "y", "1", "是", "对", "√", "x", "t"}
_FALSE = {"false", "no", "n", "0", "否", "不", "", "f"}

# A parser takes one distinct raw value and returns the typed value, or raises ValueError (Explained: the
# reason shown to the user, a catalogue entry, so that it reads in the site's language).
Parser = Callable[[object], object]


def is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell(value: object) -> str:
    """Return a raw value as the user would see it in a message (shortened); the message quotes it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    written = str(value).strip()
    return written[:37] + "…" if len(written) > 40 else written


def parse_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 工号 1001 as 1001.0
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def _in_range(day: dt.date) -> dt.date:
    """Refuse years no business record has (a typo such as 3026): they also overflow the tables' date type."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise Explained(say("problem.value.year_range", first=MIN_YEAR, last=MAX_YEAR))
    return day


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = _TIME_SUFFIX.sub("", text)  # "2026/10/30 0:00:00" as some Excel exports write it
    for fmt in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        return _in_range(day)
    raise Explained(say("problem.value.not_date"))


def parse_datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        _in_range(value)
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, dt.date):
        _in_range(value)
        return dt.datetime(value.year, value.month, value.day)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for fmt in _DATETIME_FORMATS:
        try:
            moment = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        _in_range(moment)
        return moment
    try:
        day = parse_date(text)
    except ValueError as exc:
        if "out of range" in str(exc):
            raise
        raise Explained(say("problem.value.not_datetime")) from None
    return dt.datetime(day.year, day.month, day.day)


def _limited(number: float, limit: float) -> float:
    if not np.isfinite(number):
        raise Explained(say("problem.value.not_finite"))
    if abs(number) > limit:
        raise Explained(say("problem.value.number_range", limit=f"{limit:,.0f}"))
    return number


def parse_number(value: object) -> float:
    if isinstance(value, bool):
        raise Explained(say("problem.value.not_number"))
    if isinstance(value, (int, float)):
        return _limited(float(value), LIMITS["number"])
    text = unicodedata.normalize("NFKC", str(value)).strip()
    negative = text.startswith("(") and text.endswith(")")  # accounting style (1,200.00)
    text = _MONEY_JUNK.sub("", text.strip("()"))
    scale = 1.0
    if text.endswith("万"):
        text, scale = text[:-1], 10_000.0
    elif text.endswith("亿"):
        text, scale = text[:-1], 100_000_000.0
    try:
        number = float(text) * scale
    except ValueError:
        raise Explained(say("problem.value.not_number")) from None
    return _limited(-number if negative else number, LIMITS["number"])


def parse_money(value: object) -> float:
    try:
        number = parse_number(value)
    except ValueError as exc:
        if "range" in str(exc):
            raise Explained(say("problem.value.money_range", limit=f"{LIMITS['money']:,.0f}")) from None
        raise Explained(say("problem.value.not_money")) from None
    return round(_limited(number, LIMITS["money"]), 2)


def parse_int(value: object) -> int:
    try:
        number = parse_number(value)
    except ValueError as exc:
        if "range" in str(exc):
            raise Explained(say("problem.value.int_range", limit=f"{LIMITS['int']:,.0f}")) from None
        raise Explained(say("problem.value.not_int")) from None
    if not float(number).is_integer():
        raise Explained(say("problem.value.not_int"))
    _limited(number, LIMITS["int"])
    return int(number)


def parse_period(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    text = unicodedata.normalize("NFKC", parse_text(value))
    for pattern in (_PERIOD_MONTH, _PERIOD_COMPACT):
        match = pattern.match(text)
        if match and 1 <= int(match.group(2)) <= 12:
            return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"
    match = _PERIOD_WEEK.match(text)
    if match and 1 <= int(match.group(2)) <= 53:
        return f"{int(match.group(1)):04d}-W{int(match.group(2)):02d}"
    # A full date (first of the month, as Excel often stores months) names its month.
    try:
        day = parse_date(text)
        return f"{day.year:04d}-{day.month:02d}"
    except ValueError:
        pass
    raise Explained(say("problem.value.not_period"))


# A span of dates for targets: two dates joined by "..", "~", "～", "至" or "到" (2026-11-01..2026-11-15).
_SPAN = re.compile(r"^(.+?)\s*(?:\.\.|~|～|至|到)\s*(.+)$")


def parse_span(value: object) -> str:
    """A month (YYYY-MM), an ISO week (YYYY-Www) or a span of dates (YYYY-MM-DD..YYYY-MM-DD), in that canonical
    form. A week must exist (2026-W53 does, 2025-W53 does not); a span must not end before it starts."""
    text = unicodedata.normalize("NFKC", parse_text(value)) if not isinstance(value, (dt.date, dt.datetime)) else ""
    span = _SPAN.match(text)
    if span:
        try:
            first, last = parse_date(span.group(1)), parse_date(span.group(2))
        except ValueError:
            raise Explained(say("problem.value.not_span")) from None
        if last < first:
            raise Explained(say("problem.value.span_backwards"))
        return f"{first.isoformat()}..{last.isoformat()}"
    try:
        period = parse_period(value)
    except ValueError:
        raise Explained(say("problem.value.not_span_period")) from None
    if "-W" in period:
        try:
            dt.date.fromisocalendar(int(period[:4]), int(period[6:]), 1)
        except ValueError:
            raise Explained(say("problem.value.no_week", year=period[:4], week=int(period[6:]))) from None
    return period


def parse_time(value: object) -> str:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    match = _TIME.match(parse_text(value))
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise Explained(say("problem.value.not_time"))
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = parse_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Explained(say("problem.value.not_bool", chinese="是/否"))


PARSERS: dict[str, Parser] = {
    "text": parse_text, "int": parse_int, "number": parse_number, "money": parse_money, "date": parse_date,
    "datetime": parse_datetime, "period": parse_period, "span": parse_span, "time": parse_time, "bool": parse_bool,
}


def control_characters(text: str) -> str:
    """Name the control characters of a text (U+001B, …) for a message."""
    return ", ".join(sorted({f"U+{ord(c):04X}" for c in CONTROL.findall(text)}))


@dataclass
class Coerced:
    """A column parsed value by distinct value: cell i holds values[codes[i]].

    `errors` and `warnings` are by distinct value: the message for the cells that do not parse, and the warning
    for those whose control characters were dropped."""

    codes: np.ndarray
    values: list[object]
    errors: dict[int, Text]
    warnings: dict[int, Text]

    def cells(self, distinct: Iterable[int]) -> np.ndarray:
        """The positions, in order, of the cells holding any of these distinct values."""
        wanted = list(distinct)
        if not wanted:
            return np.empty(0, dtype=np.int64)
        return np.flatnonzero(np.isin(self.codes, wanted))


def distinct_values(raw: pd.Series) -> tuple[np.ndarray, list[object]]:
    """Each cell's code into the column's distinct values, and those values (None for missing cells): a
    Categorical's own (read by Arrow), else found by hashing."""
    if isinstance(raw.dtype, pd.CategoricalDtype):
        codes, uniques = raw.cat.codes.to_numpy(), list(raw.cat.categories)
    else:
        codes, found = pd.factorize(raw, use_na_sentinel=True)
        uniques = list(found)
    missing = codes < 0
    if missing.any():
        codes = codes.astype(np.int64)
        codes[missing] = len(uniques)
        uniques.append(None)
    return codes, uniques


def coerce_column(raw: pd.Series, parser: Parser) -> Coerced:
    """Parse every distinct value of a column, noting each that does not fit and each whose control characters
    were dropped; an empty value is EMPTY."""
    codes, uniques = distinct_values(raw)
    parsed: list[object] = []
    failures: dict[int, Text] = {}
    cleaned: dict[int, Text] = {}
    for i, value in enumerate(uniques):
        if isinstance(value, str) and CONTROL.search(value):
            cleaned[i] = say("problem.value.control", characters=control_characters(value))
            value = CONTROL.sub("", value)
        if is_empty(value):
            parsed.append(EMPTY)
            continue
        try:
            parsed.append(parser(value))
        except ValueError as exc:
            parsed.append(EMPTY)
            failures[i] = say("problem.value.refused", value=cell(value), reason=reason(exc))
    return Coerced(codes, parsed, failures, cleaned)
