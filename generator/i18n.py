"""Interface text: one catalogue per locale, generator/locales/<locale>.toml (zh-CN.toml and en.toml).

To add a translated string:
1. add `"area.name" = "…"` to generator/locales/zh-CN.toml AND to generator/locales/en.toml — same key, same
   {placeholders}, each key once per file (quoted, so the dot stays part of the key);
2. use it as t("area.name", placeholder=value) in Python (ctx.t) or {{ t("area.name") }} in a template, with the
   key written out in full where you can (a key built at run time, t(f"area.{value}"), is checked by its prefix).
tests/test_i18n.py checks that a duplicate key fails to load, that both catalogues have the same keys and
placeholders, that every key used in code and templates exists and every key is used, and that the English
example site shows no Chinese interface text.

One catalogue per locale, not dicts spread over the page modules: a translator sees every string of a language in
one place, and a key defined twice is an error instead of the last import silently winning.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import cache
from pathlib import Path

Translator = Callable[..., str]  # t(key, **values) -> text

CATALOGUES = Path(__file__).resolve().with_name("locales")


class CatalogueError(ValueError):
    """A catalogue that cannot be used: not TOML, a key given twice or a value that is not text."""


def parse_catalogue(text: str, name: str) -> dict[str, str]:
    """Return the messages of one catalogue's text; name (its file) is for the errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(_explain(text, name, error)) from None
    for key, value in data.items():
        if not isinstance(value, str):  # an unquoted dotted key makes a table: say how to write it
            raise CatalogueError(f'{name}: the value of {key!r} is not text; write every key in quotes, '
                                 f'"{key}.name" = "…"')
    return data


def _explain(text: str, name: str, error: tomllib.TOMLDecodeError) -> str:
    """The error for the reader: a key given twice named with both lines (tomllib says only "Cannot overwrite")."""
    lines = text.splitlines()
    at = error.args[0].rsplit("(at line ", 1)
    number = int(at[1].split(",")[0]) if len(at) == 2 and at[1].split(",")[0].isdigit() else 0
    key = _key(lines[number - 1]) if 0 < number <= len(lines) else None
    if key is not None:
        first = next((i for i, line in enumerate(lines[: number - 1], 1) if _key(line) == key), None)
        if first is not None:
            return f"{name}: duplicate key {key!r} (lines {first} and {number}); each key may appear only once"
    return f"{name}: {error}"


def _key(line: str) -> str | None:
    """The key a `key = value` line sets, or None for any other line."""
    try:
        data = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    return next(iter(data), None) if len(data) == 1 and isinstance(next(iter(data.values())), str) else None


@cache
def catalogue(locale: str) -> dict[str, str]:
    """Return a locale's messages, read once per process (forked build workers inherit them)."""
    path = CATALOGUES / f"{locale}.toml"
    return parse_catalogue(path.read_text(encoding="utf-8"), str(path))


def translator(locale: str) -> Translator:
    """Return t(key, **values) for a locale."""
    messages = catalogue(locale)

    def t(key: str, **values: object) -> str:
        text = messages[key]
        return text.format(**values) if values else text

    return t
