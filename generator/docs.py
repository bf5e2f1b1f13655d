"""Write docs/reference.md from the declarations the validator uses: `python -m generator.docs`.

The reference lists every `site.toml` key (config/schema.py SCHEMA), every dataset's columns and
every Markdown collection's front-matter fields (inputs/schemas.py), so it cannot say anything the
code does not do. tests/test_docs.py fails when the file in docs/ is not what this would write now.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .config.schema import SCHEMA, ListOf, MapOf, Opt, Section, StrMap
from .inputs.coerce import LIMITS
from .inputs.datasets import AHEAD, EARLIEST
from .inputs.schemas import COLLECTIONS, DATASETS, Collection, Column, Dataset

REFERENCE = Path("docs") / "reference.md"
COMMAND = "python -m generator.docs"

TYPES = {
    "str": "text", "int": "integer", "number": "number", "bool": "true / false", "time": "time HH:MM",
    "list[str]": "list of text", "list[time]": "list of times HH:MM",
    "list[date]": "list of dates YYYY-MM-DD",
}
COLUMN_TYPES = {
    "text": "text", "int": "integer", "number": "number", "money": "money (¥94,000.00 accepted)",
    "date": "date (YYYY-MM-DD, YYYY/MM/DD, Excel date)", "datetime": "date and time (YYYY-MM-DD HH:MM)",
    "period": "month YYYY-MM or week YYYY-Www",
    "span": "month YYYY-MM, week YYYY-Www or dates YYYY-MM-DD..YYYY-MM-DD", "time": "time HH:MM",
    "bool": "yes / no (是/否)",
}

# Front matter is YAML, not a spreadsheet: the same types, written differently.
FIELD_TYPES = {**COLUMN_TYPES, "date": "date YYYY-MM-DD", "money": "number, e.g. 50000", "bool": "true / false",
               "list": "list of ids, e.g. [HD01, HD02]", "tiers": "list of {name, threshold}"}


def cell(text: object) -> str:
    """Return prose fit for one Markdown table cell: pipes escaped, and <name> kept visible outside `code`."""
    parts = str(text).replace("\n", " ").split("`")
    for i in range(0, len(parts), 2):  # even parts are outside code spans
        parts[i] = parts[i].replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(parts).replace("|", "\\|")


def toml_value(value: object) -> str:
    """Return a default as it would be written in site.toml."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, list | tuple):
        return "`[" + ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in value) + "]`"
    if isinstance(value, float) and value.is_integer():
        return f"`{int(value)}`"
    return f"`{value}`"


def _limits(opt: Opt) -> str:
    parts = []
    if opt.choices:
        parts.append(", ".join(f"`{c}`" for c in opt.choices))
    if opt.minimum is not None:
        parts.append(f"≥ {opt.minimum:g}")
    if opt.length is not None:
        parts.append(f"exactly {opt.length} items")
    return "; ".join(parts) or "—"


def _section_lines(header: str, section: Section, intro: list[str] | None = None) -> list[str]:
    """The table of a section's own options under its TOML header, then its sub-tables."""
    options = {k: v for k, v in section.options.items() if isinstance(v, Opt)}
    lines = [f"### `{header}`", ""] + [line for text in (intro or []) for line in (text, "")]
    if section.help:
        lines += [cell(section.help), ""]
    if options:
        lines += ["| key | type | default | allowed | meaning |", "|---|---|---|---|---|"]
        for key, opt in options.items():
            default = "**required**" if opt.required else toml_value(opt.default)
            lines.append(f"| `{key}` | {TYPES.get(opt.type, opt.type)} | {default} | {cell(_limits(opt))} | "
                         f"{cell(opt.help)} |")
        lines.append("")
    path = header.strip("[]")
    for key, spec in section.options.items():
        if not isinstance(spec, Opt):
            lines += _spec_lines(path, key, spec)
    return lines


def _spec_lines(parent: str, key: str, spec: Section | MapOf | ListOf | StrMap) -> list[str]:
    inner = f"{parent}.{key}" if parent else key
    if isinstance(spec, Section):
        return _section_lines(f"[{inner}]", spec)
    if isinstance(spec, ListOf):
        intro = [cell(spec.help) + f" An array of tables: repeat the `[[{inner}]]` header for each."]
        return _section_lines(f"[[{inner}]]", spec.item, intro)
    if isinstance(spec, MapOf):
        if spec.keys:
            name, which = "dataset", "`<dataset>` is one of " + ", ".join(f"`{k}`" for k in spec.keys) + "."
        else:
            name, which = "name", "`<name>` is a name you choose."
        return _section_lines(f"[{inner}.<{name}>]", spec.item, [cell(spec.help) + " " + which])
    lines = [f"### `[{inner}]`", "", cell(spec.help), ""]  # StrMap
    if spec.keys_from == "dataset":
        lines += ["Keys are the dataset's canonical column names (see [Datasets](#datasets)); values are the "
                  "headers as written in your file, e.g. `premium = \"标准保费\"`.", ""]
    elif spec.keys:
        lines += ["Keys: " + ", ".join(f"`{k}`" for k in spec.keys) + ".", ""]
    return lines


def config_reference() -> list[str]:
    lines = ["## site.toml", "",
             "Every key is optional unless marked required. An unknown key or a value of the wrong type is an "
             "error naming the line, with a \"did you mean\" suggestion.", ""]
    for key, spec in SCHEMA.options.items():
        if isinstance(spec, Opt):  # pragma: no cover - the top level holds tables only
            continue
        lines += _spec_lines("", key, spec)
    return lines


def _choices(choices: dict[str, tuple[str, ...]] | None) -> str:
    if not choices:
        return "—"
    return "; ".join(f"`{value}`" + (f" ({' / '.join(spellings)})" if spellings else "")
                     for value, spellings in choices.items())


def _column_limits(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f"{minimum:g}–{maximum:g}"
    if minimum is not None:
        return f"≥ {minimum:g}"
    if maximum is not None:
        return f"≤ {maximum:g}"
    return ""


def limits_reference() -> list[str]:
    """The limits every cell is held to, from their one declaration in inputs/coerce.py."""
    types = ", ".join(f"{COLUMN_TYPES[t].split(' (')[0]} within ±{limit:,.0f}" for t, limit in LIMITS.items())
    return ["Limits on every cell (front-matter fields too): " + types + "; NaN and infinity are refused. A value "
            "beyond its limit is an error for its cell and the row is skipped. Control characters (C0 but tab "
            "and line breaks, DEL, C1, U+FFFE, U+FFFF, lone surrogates) are dropped from a cell with a warning. "
            f"A date that has happened (a sale's `date`) after today + {AHEAD.days} days or before "
            f"{EARLIEST.isoformat()} is an error for its cell and the row is skipped.", ""]


def dataset_reference(dataset: Dataset) -> list[str]:
    status = "Required." if dataset.required else "Optional: its pages are left out when the file is absent."
    lines = [f"### `{dataset.name}`", "", f"{cell(dataset.help)} {status} File: `data/{dataset.name}.csv` or "
             f"`data/{dataset.name}.xlsx`, unless `file` under `[data.{dataset.name}]` says otherwise, or `sql` or "
             f"`table` reads it from a database ([how](operations.md#reading-from-a-database)).", ""]
    if dataset.key is not None:
        lines += [f"Key: `{dataset.key.name}` (unique; a duplicate row is reported and skipped).", ""]
    if dataset.one_of:
        lines += ["Each row needs at least one of " + " or ".join(f"`{c}`" for c in dataset.one_of) + ".", ""]
    lines += ["| column | type | required | default | allowed values | refers to | headers recognised | meaning |",
              "|---|---|---|---|---|---|---|---|"]
    for c in dataset.columns:
        limits = _column_limits(c.minimum, c.maximum)
        allowed = _choices(c.choices) if c.choices else (limits or "—")
        meaning = c.help + (" Personal data: masked by profiles with `mask_phone`." if c.personal else "")
        lines.append(
            f"| `{c.name}` | {cell(COLUMN_TYPES.get(c.type, c.type))} | {'yes' if c.required else ''} | "
            f"{toml_value(c.default) if c.default is not None else ''} | {cell(allowed)} | "
            f"{_refers(c)} | {cell(', '.join(c.headers))} | {cell(meaning)} |")
    return [*lines, ""]


def _refers(column: Column) -> str:
    if column.ref_by:
        return f"the dataset named by `{column.ref_by}`"
    return f"`{column.ref}`" if column.ref else ""


def collection_reference(collection: Collection) -> list[str]:
    lines = [f"### `content/{collection.name}/`", "", cell(collection.help), "",
             "| field | type | required | default | allowed values | meaning |", "|---|---|---|---|---|---|"]
    for f in collection.fields:
        allowed = _choices(f.aliases) if f.aliases else ", ".join(f"`{c}`" for c in f.choices) if f.choices else (
            _column_limits(f.minimum, f.maximum) or "—")
        lines.append(f"| `{f.name}` | {cell(FIELD_TYPES.get(f.type, f.type))} | {'yes' if f.required else ''} | "
                     f"{toml_value(f.default) if f.default is not None else ''} | {cell(allowed)} | {cell(f.help)} |")
    return [*lines, ""]


def reference() -> str:
    """Return the text of docs/reference.md."""
    lines = [
        "# Reference",
        "",
        f"<!-- Generated by `{COMMAND}` from generator/config/schema.py and generator/inputs/schemas.py. "
        "Do not edit: change the declarations and run the command again. -->",
        "",
        "Generated from the declarations the validator uses: what is written here is what `trackboard check` "
        "enforces. Guides: [editors (中文)](guide-zh.md), [editors (English)](guide-en.md), "
        "[operations](operations.md).",
        "",
        "- [site.toml](#sitetoml)",
        "- [Datasets](#datasets)",
        "- [Markdown collections](#markdown-collections)",
        "",
        *config_reference(),
        "## Datasets",
        "",
        "Columns have canonical English names. A file's header is matched to a column when it is the canonical "
        "name or one of the headers recognised below (ignoring case and full-width forms); any other header is "
        "mapped in `site.toml` under `[data.<dataset>.columns]`. Allowed values may be written as the canonical "
        "word or any spelling in brackets. A reference names the dataset whose key the value must be; an "
        "unknown id is reported with its row and the row is skipped.",
        "",
        *limits_reference(),
    ]
    for dataset in DATASETS.values():
        lines += dataset_reference(dataset)
    lines += [
        "## Markdown collections",
        "",
        "Each file in `content/<collection>/` starts with YAML front matter between two `---` lines. A missing "
        "required field or a bad value is an error and the file is left out; an unknown field is a warning. "
        "`trackboard add KIND TITLE` writes a new file with these fields filled in.",
        "",
    ]
    for collection in COLLECTIONS.values():
        lines += collection_reference(collection)
    return "\n".join(lines).rstrip("\n") + "\n"


def write_reference(root: Path) -> Path:
    """Write docs/reference.md under `root` and return its path."""
    path = root / REFERENCE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(reference(), encoding="utf-8", newline="\n")
    return path


def main(argv: list[str] | None = None) -> int:
    """Write docs/reference.md in the current folder (or the folder given)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0].startswith("-")):
        print("usage: python -m generator.docs [FOLDER]  (writes FOLDER/docs/reference.md; default: here)",
              file=sys.stderr)
        return 2
    root = Path(args[0]) if args else Path.cwd()
    print(write_reference(root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
