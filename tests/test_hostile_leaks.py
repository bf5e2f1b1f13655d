"""Inputs a build must not publish: hidden sheets, links out of the site, stray files, raw phone numbers."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from generator.inputs.tables import read_xlsx


def test_a_hidden_first_sheet_is_not_the_one_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    secret = book.active
    assert secret is not None
    secret.title = "薪酬"
    secret.append(["工号", "工资"])
    secret.append(["E001", 99999])
    secret.sheet_state = "hidden"
    hidden_too = book.create_sheet("底稿")
    hidden_too.append(["x"])
    hidden_too.sheet_state = "veryHidden"
    public = book.create_sheet("客户")
    public.append(["工号", "姓名"])
    public.append(["E001", "张三"])
    path = tmp_path / "people.xlsx"
    book.save(path)
    table = read_xlsx(path)
    assert table.sheet == "客户"
    assert table.headers == ["工号", "姓名"]
    # a sheet named in site.toml is read even when hidden: the user asked for it
    assert read_xlsx(path, "薪酬").headers == ["工号", "工资"]
