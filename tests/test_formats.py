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
        values += [float(low), low - 0.01, low * 9.9995, low * 9.99949, low * 9.99951]
    values += [12_345.05, 12_345.15, 12_345.25, 10_050.0, 10_150.0, 1e20]
    values += [-v for v in values]
    locale = formats._babel("zh-CN")
    for value in values:
        if abs(value) >= 10_000:
            assert formats._compact(value, "zh-CN") == format_compact_decimal(value, locale=locale,
                                                                            fraction_digits=1), value
