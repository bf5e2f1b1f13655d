"""Numbers, money and dates formatted for the site's locale (9.4万 in zh-CN, 94,000 in en)."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import (
    format_compact_decimal,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    parse_pattern,
)


@cache
def _babel(locale: str) -> Locale:
    # Parsed once: babel parses a locale name anew on every call (most of the time of rendering a page).
    return Locale.parse(locale.replace("-", "_"))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# Formatting with babel costs tens of microseconds a number, and a large site's tables show millions of them,
# many alike (counts, zeros, percentages, the same totals on every daily page): each is formatted once. The
# cache cannot tell -0.0 from 0 (equal keys), so the functions are given 0 for both: "0", never "-0".
def _signless_zero(value: float) -> float:
    return 0 if value == 0 else value


@lru_cache(maxsize=1 << 16)
def money(value: float | None, locale: str) -> str:
    """Format an amount for reading: 9.4万 / 1.2亿 in Chinese, 94,000 in English."""
    if _missing(value):
        return "—"
    assert value is not None
    value = _signless_zero(value)
    if locale == "zh-CN" and abs(value) >= 10_000:
        return _compact(value, locale)
    if _plain_decimals(locale):
        return format(round(float(value)), ",")  # float first: round() of a NumPy float is a float before NumPy 2
    return format_decimal(round(value), locale=_babel(locale))


def money_as(value: float | None, like: float | None, locale: str) -> str:
    """Format an amount in the unit of another it stands beside: a change of 5,000 beside 12.4万 is 0.5万, so
    that the two read in one unit. Otherwise as money()."""
    bands = _compact_bands(locale) if locale == "zh-CN" else None
    if _missing(value) or _missing(like) or not bands:
        return money(value, locale)
    assert value is not None and like is not None
    for magnitude, divisor, suffix in bands:
        if abs(like) >= magnitude:
            if abs(value) >= magnitude:
                return money(value, locale)
            share = Decimal(str(value)) / divisor
            # a tenth of the unit, or a hundredth for a change smaller than that (not "0万" for 300)
            digits = 1 if abs(share) >= Decimal("0.1") or share == 0 else 2
            rounded = round(share, digits)
            if rounded == 0 and share != 0:  # too small for this unit (5,000 beside 1.5亿): the next one down
                continue
            text = format(rounded.normalize(), "f")
            return ("0" if text in ("0", "-0") else text) + suffix
    return money(value, locale)


@cache
def _plain_decimals(locale: str) -> bool:
    """Whether the locale writes numbers as Python's format does (groups of three digits with ",", "." before
    the fraction, "-" in front), as zh-CN and en do: they are then formatted without babel, which looks up and
    parses the pattern for every number (much of the time of rendering a large site's daily report)."""
    loc = _babel(locale)
    return (loc.decimal_formats[None].pattern == "#,##0.###" and get_group_symbol(loc) == ","
            and get_decimal_symbol(loc) == "." and get_minus_sign_symbol(loc) == "-")


_PLAIN_PATTERN = re.compile(r"0+")


@cache
def _compact_bands(locale: str) -> tuple[tuple[int, int, str], ...] | None:
    """The locale's short compact patterns ("0万", "00万" … "000万亿") as (magnitude, divisor, suffix), largest
    first; None when they are not all plain digits and a suffix, in one plural form, as in Chinese."""
    formats = _babel(locale).compact_decimal_formats["short"]
    if set(formats) != {"other"}:
        return None
    bands = []
    for magnitude in sorted((int(m) for m in formats["other"]), reverse=True):
        pattern = parse_pattern(formats["other"][str(magnitude)])
        if (not _PLAIN_PATTERN.fullmatch(pattern.pattern.rstrip(pattern.suffix[0])) or pattern.prefix != ("", "-")
                or pattern.suffix[1] != pattern.suffix[0]):
            return None
        if pattern.suffix[0]:  # the bare "0" pattern (thousands) is not compact
            bands.append((magnitude, magnitude // 10 ** (pattern.pattern.count("0") - 1), pattern.suffix[0]))
    return tuple(bands)


def _compact(value: float, locale: str) -> str:
    """format_compact_decimal(value, fraction_digits=1), the same text in a tenth of the time: babel looks up and
    parses the patterns for every number (most of the time of rendering a daily report)."""
    bands = _compact_bands(locale)
    if bands is None:
        return format_compact_decimal(value, locale=_babel(locale), fraction_digits=1)
    text = str(value)
    quick = _compact_digits(text, bands)
    if quick is not None:
        return quick
    number = Decimal(text)
    size = abs(number)
    for index, (magnitude, divisor, suffix) in enumerate(bands):
        if size < magnitude:
            continue
        rounded = round(number / divisor, 1)
        if index > 0 and abs(rounded) * divisor >= bands[index - 1][0]:  # 9999.96万 is 1亿
            return _compact(float(bands[index - 1][0]) * (1 if number > 0 else -1), locale)
        return format(rounded.normalize(), "f") + suffix
    return format_compact_decimal(value, locale=_babel(locale), fraction_digits=1)


_PLAIN_NUMBER = re.compile(r"(-?)(\d+)(?:\.(\d+))?")


def _compact_digits(text: str, bands: tuple[tuple[int, int, str], ...]) -> str | None:
    """What _compact writes for a number written as plain digits (the shortest repr of a float, or an int), by
    integer arithmetic instead of Decimal (a large site formats hundreds of thousands of distinct amounts):
    its digits rounded half to even at a tenth of the band's divisor. None for anything else (an exponent, a
    rounding that reaches the next band up), which the Decimal way then writes."""
    match = _PLAIN_NUMBER.fullmatch(text)
    if match is None:
        return None
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    digits, scale = int(whole + fraction), len(fraction)  # the number is digits / 10**scale
    for index, (magnitude, divisor, suffix) in enumerate(bands):
        if digits < magnitude * 10**scale:
            continue
        # tenths of the band's unit: digits * 10 / (divisor * 10**scale), rounded half to even
        below = divisor * 10**scale
        tenths, rest = divmod(digits * 10, below)
        if rest * 2 > below or (rest * 2 == below and tenths % 2 == 1):
            tenths += 1
        if index > 0 and tenths * divisor >= bands[index - 1][0] * 10:  # 9999.96万 is 1亿: the Decimal way
            return None
        units, tenth = divmod(tenths, 10)
        return f"{sign}{units}{suffix}" if tenth == 0 else f"{sign}{units}.{tenth}{suffix}"
    return None


@lru_cache(maxsize=1 << 16)
def number(value: float | None, locale: str, digits: int = 0) -> str:
    """Format a count or a number with grouping."""
    if _missing(value):
        return "—"
    assert value is not None
    value = _signless_zero(value)
    if _plain_decimals(locale):
        # As babel does it: the float's shortest repr rounded half to even (2.675 is 2.68, not Python's 2.67).
        try:
            return format(Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN), ",f")
        except InvalidOperation:  # infinite, or more digits than a Decimal holds: babel's way
            pass
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_babel(locale))


@lru_cache(maxsize=1 << 16)
def percent(value: float | None, locale: str, digits: int = 1) -> str:
    if _missing(value):
        return "—"
    assert value is not None
    return number(value * 100, locale, digits) + "%"


@lru_cache(maxsize=1 << 12)
def date(value: dt.date | None, locale: str, year: bool = False) -> str:
    """Format a date: 10月30日 / Oct 30 (with the year when asked)."""
    if value is None:
        return "—"
    return format_skeleton("yMMMd" if year else "MMMd", value, locale=_babel(locale))


def other_year(value: dt.date | None, as_of: dt.date | None) -> bool:
    """Whether a date needs its year to be read right: it lies in another year than the as-of date."""
    return value is not None and as_of is not None and value.year != as_of.year


def month(value: dt.date, locale: str) -> str:
    """Format a month: 2026年11月 / November 2026."""
    return format_skeleton("yMMMM", value, locale=_babel(locale))


def long_date(value: dt.date | None, locale: str) -> str:
    """Format a date with year and weekday: 2026年10月30日周五 / Fri, Oct 30, 2026."""
    if value is None:
        return "—"
    return format_skeleton("yMMMEd", value, locale=_babel(locale))


class Formatter:
    """The formats above, bound to one locale; with the as-of date, a date of another year says its year."""

    def __init__(self, locale: str, as_of: dt.date | None = None) -> None:
        self.locale = locale
        self.as_of = as_of

    def money(self, value: float | None) -> str:
        return money(value, self.locale)

    def number(self, value: float | None, digits: int = 0) -> str:
        return number(value, self.locale, digits)

    def percent(self, value: float | None, digits: int = 1) -> str:
        return percent(value, self.locale, digits)

    def money_as(self, value: float | None, like: float | None) -> str:
        return money_as(value, like, self.locale)

    def date(self, value: dt.date | None, year: bool = False) -> str:
        return date(value, self.locale, year or other_year(value, self.as_of))

    def long_date(self, value: dt.date | None) -> str:
        return long_date(value, self.locale)

    def month(self, value: dt.date) -> str:
        return month(value, self.locale)
