"""Docs that cannot drift: docs/reference.md is what `python -m generator.docs` writes from the declarations."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from generator.config.schema import SCHEMA, ListOf, MapOf, Opt, Section
from generator.docs import COMMAND, reference
from generator.inputs.schemas import COLLECTIONS, DATASETS

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


def option_paths(section: Section, prefix: str = "") -> list[tuple[str, str, Opt]]:
    """Every option of the schema with the TOML table it lives in."""
    out: list[tuple[str, str, Opt]] = []
    for key, spec in section.options.items():
        if isinstance(spec, Opt):
            out.append((prefix, key, spec))
        elif isinstance(spec, Section):
            out += option_paths(spec, f"{prefix}.{key}".lstrip("."))
        elif isinstance(spec, MapOf | ListOf):
            out += option_paths(spec.item, f"{prefix}.{key}".lstrip("."))
    return out


def table_rows(text: str, heading: str) -> dict[str, list[str]]:
    """The rows of the first table under a `### heading`, keyed by the first cell without backticks."""
    block = text.split(f"### `{heading}`\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    rows = {}
    for line in block.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows[cells[0].strip("`")] = cells
    return rows


def test_reference_is_up_to_date() -> None:
    written = (DOCS / "reference.md").read_text(encoding="utf-8") if (DOCS / "reference.md").exists() else ""
    assert written == reference(), (
        f"docs/reference.md is out of date with the declarations in generator/config/schema.py and "
        f"generator/inputs/schemas.py: regenerate it with `{COMMAND}` (from the repository root) and commit it")


def test_every_option_is_in_the_reference_with_its_default() -> None:
    text = reference()
    tables = {"site": "[site]", "data": "[data.<dataset>]", "rules": "[rules]", "board": "[board]",
              "screens": "[[screens]]", "notify": "[[notify]]", "profiles": "[profiles.<name>]"}
    paths = option_paths(SCHEMA)
    assert len(paths) > 20
    for table, key, opt in paths:
        heading = tables.get(table, f"[{table}]")
        rows = table_rows(text, heading)
        assert key in rows, f"{table}.{key} missing under {heading}"
        if opt.required:
            assert rows[key][2] == "**required**"
        for choice in opt.choices or ():
            assert f"`{choice}`" in rows[key][3]
    assert table_rows(text, "[rules]")["big_order"][:3] == ["`big_order`", "number", "`50000`"]
    assert table_rows(text, "[site]")["locale"][3] == "`zh-CN`, `en`"


def test_every_column_with_its_chinese_spellings_and_references() -> None:
    text = reference()
    for dataset in DATASETS.values():
        rows = table_rows(text, dataset.name)
        assert list(rows) == [c.name for c in dataset.columns]
        for column in dataset.columns:
            _, _, required, _, allowed, ref, headers, _ = rows[column.name]
            assert (required == "yes") == column.required
            assert ref == (f"the dataset named by `{column.ref_by}`" if column.ref_by else (
                f"`{column.ref}`" if column.ref else ""))
            assert headers == ", ".join(column.headers)
            for value, spellings in (column.choices or {}).items():
                assert f"`{value}`" in allowed and all(s in allowed for s in spellings)
    role = table_rows(text, "people")["role"][4]
    assert "`supervisor` (主管 / 组长 / 业务主任)" in role


def test_every_front_matter_field() -> None:
    text = reference()
    for collection in COLLECTIONS.values():
        rows = table_rows(text, f"content/{collection.name}/")
        assert list(rows) == list(collection.field_names)
        for field in collection.fields:
            assert (rows[field.name][2] == "yes") == field.required
    assert table_rows(text, "content/faq/")["rank"][4] == "1–10"


def test_the_command_writes_the_reference(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "generator.docs", str(tmp_path)], capture_output=True,
                            text=True, check=True, cwd=REPO)
    assert result.stdout.strip() == str(tmp_path / "docs" / "reference.md")
    assert (tmp_path / "docs" / "reference.md").read_text(encoding="utf-8") == reference()


def test_guides_link_to_pages_that_exist() -> None:
    """Relative links between the docs, the examples and the README point at files that are there."""
    for page in [REPO / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links to {target}, which does not exist"
