"""Numbers and money for the locale: 9.4万, 1.2亿 in Chinese; the fast compact format says what babel says."""

from __future__ import annotations

import random

import pytest
from babel.numbers import format_compact_decimal

from generator import formats
from generator.formats import Formatter


@pytest.mark.parametrize(("value", "text"), [
    (94_000, "9.4万"), (10_000, "1万"), (99_950, "10万"), (123_456_789, "1.2亿"), (99_999_999, "1亿"),
    (-56_780, "-5.7万"), (1.5e12, "1.5万亿"), (9_999, "9,999"), (0, "0"), (-0.0, "0"), (None, "—"),
    (float("nan"), "—"),
])
def test_money_in_chinese(value: float | None, text: str) -> None:
    assert Formatter("zh-CN").money(value) == text


def test_money_in_english() -> None:
    assert Formatter("en").money(94_000) == "94,000"


def test_compact_money_matches_babel() -> None:
    """The hand-made compact format against babel's own, at every magnitude, rounding edges included."""
    rng = random.Random(3)
    values: list[float] = []
    for exponent in range(4, 17):
        low, high = 10**exponent, 10 ** (exponent + 1)
        values += [rng.uniform(low, high) for _ in range(400)]
        values += [round(rng.uniform(low, high), 2) for _ in range(400)]
        values += [int(rng.uniform(low, high)) for _ in range(200)]  # whole amounts, as ints and as floats
        values += [float(int(rng.uniform(low, high))) for _ in range(200)]
        values += [float(low), low - 0.01, low * 9.9995, low * 9.99949, low * 9.99951, low * 9.99950]
    values += [12_345.05, 12_345.15, 12_345.25, 10_050.0, 10_150.0, 10_250, 10_350, 99_995_000, 1e20]
    values += [-v for v in values]
    locale = formats._babel("zh-CN")
    quick = 0
    for value in values:
        if abs(value) >= 10_000:
            assert formats._compact(value, "zh-CN") == format_compact_decimal(value, locale=locale,
                                                                            fraction_digits=1), value
            quick += formats._compact_digits(str(value), formats._compact_bands("zh-CN")) is not None
    assert quick > len(values) * 0.8  # most by integer arithmetic; exponents and band edges the Decimal way


def test_numbers_percentages_and_small_money_match_babel() -> None:
    """Numbers formatted without babel (zh-CN and en write them as Python does) say what babel says: grouping,
    the half-to-even rounding of the shortest repr (2.675 is 2.68), negative zero after rounding, huge values."""
    from babel.numbers import format_decimal

    rng = random.Random(5)
    values: list[float] = [0, -0.3, -0.04, 2.675, 0.125, 0.05, 1.005, 99.95, 1e-7, 5e-324, 1e15, 1e20,
                           123_456_789.125, -1234.5, 12, -12, float("inf")]
    values += [rng.uniform(-1e7, 1e7) for _ in range(3000)]
    values += [round(rng.uniform(-1000, 1000), 3) for _ in range(3000)]
    values += [float(rng.randint(-10**9, 10**9)) for _ in range(1000)]
    for locale in ("zh-CN", "en"):
        babel_locale = formats._babel(locale)
        for value in values:
            for digits in (0, 1, 2):
                pattern = "#,##0" + ("." + "0" * digits if digits else "")
                expected = format_decimal(0 if value == 0 else value, format=pattern, locale=babel_locale)
                assert formats.number(value, locale, digits) == expected, (value, digits, locale)
            if value == value and abs(value) != float("inf") and (locale == "en" or abs(value) < 10_000):
                assert formats.money(value, locale) == format_decimal(round(value), locale=babel_locale), value
    assert formats.percent(0.12345, "zh-CN") == "12.3%" and formats.number(1234567, "en") == "1,234,567"
