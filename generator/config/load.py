"""Read `site.toml`, check it against the declared schema, and fill in the defaults."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..branding import LOGO_MAX_BYTES, LOGO_SUFFIXES, colour_problems
from ..errors import Problem, Text, explained, hint, say
from ..inputs.schemas import DATASETS
from .schema import SCHEMA, ListOf, MapOf, Opt, Section, StrMap

CONFIG_FILE = "site.toml"
_HEADER = re.compile(r"^\s*(\[\[?)([^\[\]]+)\]\]?\s*(#.*)?$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")
_TYPE_NAMES = {  # each setting type's name, a catalogue entry
    "str": "problem.type.str", "int": "problem.type.int", "number": "problem.type.number",
    "bool": "problem.type.bool", "time": "problem.type.time", "list[str]": "problem.type.list_str",
    "list[time]": "problem.type.list_time", "list[date]": "problem.type.list_date", "date": "problem.type.date",
}
_KINDS = {bool: "problem.kind.boolean", int: "problem.kind.integer", float: "problem.kind.number",
          str: "problem.kind.string", list: "problem.kind.list", dict: "problem.kind.table"}


def _is_date(value: object) -> bool:
    """A TOML date (a date, not a date and time)."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """Return ' did you mean "x"?' for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' did you mean "{close[0]}"?' if close else ""


def _describe(value: object) -> Text:
    kind = say(_KINDS[type(value)]) if type(value) in _KINDS else say("problem.as_given", reason=type(value).__name__)
    if isinstance(value, (dict, list)):
        return kind
    # Written as in TOML (double quotes, true/false), so the user recognises their own value.
    if isinstance(value, (str, bool)):
        shown = json.dumps(value, ensure_ascii=False)
    else:
        shown = value.isoformat() if hasattr(value, "isoformat") else repr(value)  # TOML dates and times
    return say("problem.config.given", value=shown, kind=kind)


class _Checker:
    def __init__(self, text: str, file: str) -> None:
        self.lines = text.splitlines()
        self.file = file
        self.problems: list[Problem] = []

    def blocks(self) -> dict[str, tuple[int, int]]:
        """Each table of the file ("" for the top, "screens[1]" for the second [[screens]]): its lines."""
        found: dict[str, tuple[int, int]] = {}
        arrays: dict[str, int] = {}
        name, start = "", 1
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            if not match:
                continue
            found.setdefault(name, (start, number - 1))
            name = ".".join(part.strip().strip('"').strip("'") for part in match.group(2).split("."))
            if match.group(1) == "[[":
                arrays[name] = arrays.get(name, -1) + 1
                name = f"{name}[{arrays[name]}]"
            start = number
        found.setdefault(name, (start, len(self.lines)))
        return found

    def line_of(self, dotted: str) -> int | None:
        """The line where a dotted key is written; for a key that is missing, the line of its table."""
        blocks = self.blocks()
        if dotted in blocks:
            return blocks[dotted][0]
        table, _, key = dotted.rpartition(".")
        if table in blocks:
            first, last = blocks[table]
            pattern = re.compile(rf'^\s*["\']?{re.escape(key)}["\']?\s*=')
            for number in range(first, last + 1):
                if pattern.match(self.lines[number - 1]):
                    return number
            return first if table else None
        # Dotted keys and inline tables: the first line that names the key.
        name = re.escape(dotted.split(".")[-1].split("[")[0])
        pattern = re.compile(rf'^\s*(\[\[?\s*)?([\w."-]*\.)?"?{name}"?\s*(=|\]|\.)')
        for number, line in enumerate(self.lines, start=1):
            if pattern.search(line):
                return number
        return None

    def error(self, dotted: str, message: Text) -> None:
        self.problems.append(explained(self.file, self.line_of(dotted), dotted, message, fatal=True))

    def section(self, spec: Section, value: object, path: str, dataset: str | None = None) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error(path, say("problem.config.not_table", got=_describe(value)))
            value = {}
        out: dict[str, Any] = {}
        for key in value:
            if key not in spec.options:
                self.error(_join(path, key), say("problem.config.unknown_key",
                                                 hint(key, spec.options, "problem.hint.expected")))
        for key, sub in spec.options.items():
            dotted = _join(path, key)
            present = key in value
            if isinstance(sub, Opt):
                if not present:
                    if sub.required:
                        self.error(dotted, say("problem.config.required"))
                    out[key] = _copy(sub.default)
                else:
                    out[key] = self.option(sub, value[key], dotted)
            elif isinstance(sub, Section):
                out[key] = self.section(sub, value.get(key, {}), dotted, dataset)
            elif isinstance(sub, MapOf):
                out[key] = self.mapping(sub, value.get(key, {}), dotted)
            elif isinstance(sub, ListOf):
                out[key] = self.array(sub, value.get(key, []), dotted)
            elif isinstance(sub, StrMap):
                out[key] = self.strmap(sub, value.get(key, {}), dotted, dataset)
        return out

    def mapping(self, spec: MapOf, value: object, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.error(path, say("problem.config.not_table", got=_describe(value)))
            return {}
        out = {}
        for name, item in value.items():
            if spec.keys is not None and name not in spec.keys:
                self.error(_join(path, name), say("problem.config.unknown_name",
                                                  hint(name, spec.keys, "problem.hint.expected")))
                continue
            out[name] = self.section(spec.item, item, _join(path, name), dataset=name)
        return out

    def array(self, spec: ListOf, value: object, path: str) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            self.error(path, say("problem.config.not_array", path=path, got=_describe(value)))
            return []
        return [self.section(spec.item, item, f"{path}[{i}]") for i, item in enumerate(value)]

    def strmap(self, spec: StrMap, value: object, path: str, dataset: str | None) -> dict[str, str]:
        if not isinstance(value, dict):
            self.error(path, say("problem.config.not_table", got=_describe(value)))
            return {}
        keys = spec.keys
        if spec.keys_from == "dataset" and dataset in DATASETS:
            keys = DATASETS[dataset].column_names
        out = {}
        for key, item in value.items():
            dotted = _join(path, key)
            if keys is not None and key not in keys:
                self.error(dotted, say("problem.config.unknown_column", hint(key, keys, "problem.hint.expected")))
            elif not isinstance(item, str) or not item.strip():
                self.error(dotted, say("problem.config.not_header", got=_describe(item)))
            else:
                out[key] = item.strip()
        return out

    def option(self, spec: Opt, value: object, dotted: str) -> object:
        expected = say(_TYPE_NAMES[spec.type])
        ok = {
            "str": isinstance(value, str),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
            "time": isinstance(value, str) and bool(_TIME.match(value)),
            "list[str]": isinstance(value, list) and all(isinstance(v, str) for v in value),
            "list[time]": isinstance(value, list) and all(isinstance(v, str) and _TIME.match(v) for v in value),
            "list[date]": isinstance(value, list) and all(_is_date(v) for v in value),
        }[spec.type]
        if not ok:
            message = say("problem.config.wrong_type", expected=expected, got=_describe(value))
            if isinstance(value, list) and spec.type.startswith("list["):  # name the item that is wrong
                item_type = spec.type[len("list["):-1]
                number, bad = next((i, v) for i, v in enumerate(value, start=1) if not _is_date(v)) \
                    if item_type == "date" else next(
                    (i, v) for i, v in enumerate(value, start=1) if not isinstance(v, str) or (
                        item_type == "time" and not _TIME.match(v)))
                message = say("problem.config.wrong_item", expected=expected, number=number, got=_describe(bad),
                              item=say(_TYPE_NAMES[item_type]))
            self.error(dotted, message)
            return _copy(spec.default)
        if spec.minimum is not None and isinstance(value, (int, float)) and value < spec.minimum:
            self.error(dotted, say("problem.config.too_small", minimum=f"{spec.minimum:g}", got=value))
            return _copy(spec.default)
        if spec.length is not None and isinstance(value, list) and len(value) != spec.length:
            self.error(dotted, say("problem.config.length", length=spec.length, got=len(value)))
            return _copy(spec.default)
        if spec.choices is not None:
            items = value if isinstance(value, list) else [value]
            for item in items:
                if item not in spec.choices:
                    self.error(dotted, say("problem.config.not_allowed",
                                           hint(str(item), spec.choices, "problem.hint.expected"), value=item))
                    return _copy(spec.default)
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _copy(value: object) -> object:
    return list(value) if isinstance(value, list) else value


def parse_config(text: str, file: str = CONFIG_FILE, root: Path | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Return the configuration with defaults filled in, and the problems found in it; with the site's folder
    (`root`), the files it names are checked too."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(match.group(1)) if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return parse_config("", file)[0], [explained(file, line, None, say("problem.config.toml", reason=message),
                                                     fatal=True)]
    checker = _Checker(text, file)
    config = checker.section(SCHEMA, raw, "")
    _check_semantics(config, checker)
    _check_branding(config["branding"], checker, root)
    return config, checker.problems


def _check_semantics(config: dict[str, Any], checker: _Checker) -> None:
    try:
        ZoneInfo(config["site"]["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        checker.error("site.timezone", say("problem.config.timezone", value=config["site"]["timezone"]))
        config["site"]["timezone"] = "Asia/Shanghai"
    seen: set[str] = set()
    for i, screen in enumerate(config["screens"]):
        name = screen["name"] or ""
        if name in seen:
            checker.error(f"screens[{i}].name", say("problem.config.screen_twice", name=name))
        seen.add(name)
    for name, dataset in config["data"].items():
        # A dataset comes from one place: a file, a query or a table; a query needs a database to run in.
        given = [key for key in ("file", "sql", "table") if dataset[key]]
        if len(given) > 1:
            checker.error(f"data.{name}.{given[1]}", say("problem.config.one_source", found=" and ".join(given)))
        elif given and given[0] != "file" and not dataset["connection"]:
            checker.error(f"data.{name}.{given[0]}", say("problem.config.needs_connection"))
        elif dataset["connection"] and not (dataset["sql"] or dataset["table"]):
            checker.error(f"data.{name}.connection", say("problem.config.connection_alone"))
        if dataset["sheet"] and dataset["file"] and not dataset["file"].lower().endswith((".xlsx", ".xlsm")):
            checker.error(f"data.{name}.sheet", say("problem.config.sheet_not_xlsx"))
        if dataset["encoding"]:
            import codecs

            try:
                codecs.lookup(dataset["encoding"])
            except LookupError:
                checker.error(f"data.{name}.encoding", say("problem.config.encoding", value=dataset["encoding"]))
                dataset["encoding"] = None


def _check_branding(branding: dict[str, Any], checker: _Checker, root: Path | None) -> None:
    """Colours that are hex and legible (else the built-in ones, after an error); a logo that is an SVG or PNG
    file inside the site."""
    defaults = SCHEMA.options["branding"]
    assert isinstance(defaults, Section)
    for key, message in colour_problems(branding).items():
        checker.error(f"branding.{key}", message)
        default = defaults.options[key]
        assert isinstance(default, Opt)
        branding[key] = default.default
    logo = branding["logo"]
    if not logo or root is None:
        return
    problem = _logo_problem(root, logo)
    if problem:
        checker.error("branding.logo", problem)
        branding["logo"] = ""


def _logo_problem(root: Path, logo: str) -> Text | None:
    """Why a logo file cannot be used, or None."""
    suffix = os.path.splitext(logo)[1].lower()
    if suffix not in LOGO_SUFFIXES:
        return say("problem.logo.kind", logo=logo)
    path = root / logo
    real, base = os.path.realpath(path), os.path.realpath(root)
    if os.path.isabs(logo) or not real.startswith(base + os.sep):  # the logo is published: never a file outside
        return say("problem.logo.outside", logo=logo)
    if not path.is_file():
        return say("problem.logo.missing", logo=logo)
    if path.stat().st_size > LOGO_MAX_BYTES:
        return say("problem.logo.large", logo=logo, megabytes=LOGO_MAX_BYTES // (1024 * 1024))
    head = path.read_bytes()[:4096]
    if suffix == ".png" and not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return say("problem.logo.not_png", logo=logo)
    if suffix == ".svg" and b"<svg" not in head:
        return say("problem.logo.not_svg", logo=logo)
    return None


def load_config(site: Path) -> tuple[dict[str, Any], list[Problem]]:
    """Read `site.toml` from a site folder (a missing file means all defaults)."""
    path = site / CONFIG_FILE
    if not path.exists():
        return parse_config("")[0], [explained(CONFIG_FILE, None, None, say("problem.config.missing"), "warning")]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problem = explained(CONFIG_FILE, None, None, say("problem.file.not_utf8"), fatal=True)
        return parse_config("")[0], [problem]
    return parse_config(text, root=site)


def default_config() -> dict[str, Any]:
    """Return the configuration of an empty `site.toml`."""
    return parse_config("")[0]
