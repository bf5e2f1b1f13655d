"""Loading data: encodings, XLSX, column mapping, value formats, and every kind of problem with its exact place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import BASELINE

from generator.model import Site, load_site

SALES_HEADER = "日期,工号,保费,件数,险种\n"


def load(path: Path) -> Site:
    """The site with its problems in English, as an English site shows them: these tests hold their wording and
    place (the baseline site is Chinese; tests/test_problems_i18n.py checks what a Chinese site shows)."""
    site = load_site(path, today=dt.date(2026, 3, 5))
    site.problems = [problem.localized("en") for problem in site.problems]
    return site


def problems(site: Site) -> list[str]:
    """Every problem as `check` prints it, in a stable order."""
    return sorted(str(p) for p in site.problems)


def sales_rows(site: Site) -> list[tuple[str, str, float, int]]:
    """(date, person, premium, spreadsheet row) of every sale kept."""
    frame = site.tables["sales"]
    return [(d.date().isoformat(), p, v, r) for d, p, v, r in
            zip(frame["date"], frame["person"], frame["premium"], frame["_row"], strict=True)]


def with_toml(extra_sales_options: str) -> str:
    """The baseline site.toml with options added under [data.sales]."""
    return BASELINE["site.toml"].replace('file = "data/sales.csv"\n', f'file = "data/sales.csv"\n{extra_sales_options}')


# --- encodings ------------------------------------------------------------------------------------------------

EXPECTED_SALES = [("2026-03-02", "P003", 12000.0, 2), ("2026-03-03", "P004", 94000.0, 3),
                  ("2026-03-05", "P002", 3000.0, 4)]


def test_utf8(site: Path) -> None:
    loaded = load(site)
    assert problems(loaded) == []
    assert loaded.sources["sales"].encoding == "utf-8"
    assert sales_rows(loaded) == EXPECTED_SALES
    assert list(loaded.tables["sales"]["product"]) == ["金福年金", "康宁终身", "意外险"]


def test_utf8_with_bom(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/sales.csv": b"\xef\xbb\xbf" + BASELINE["data/sales.csv"].encode()})
    loaded = load(site)
    assert problems(loaded) == []
    assert loaded.sources["sales"].encoding == "utf-8-sig"
    assert loaded.sources["sales"].headers["date"] == "日期"  # not "\ufeff日期"
    assert sales_rows(loaded) == EXPECTED_SALES


def test_gb18030_is_detected(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {
        "data/sales.csv": BASELINE["data/sales.csv"].encode("gb18030"),
        "data/people.csv": BASELINE["data/people.csv"].encode("gb18030"),
    })
    loaded = load(site)
    assert problems(loaded) == []
    assert loaded.sources["sales"].encoding == "gb18030"
    assert sales_rows(loaded) == EXPECTED_SALES
    assert list(loaded.tables["sales"]["product"]) == ["金福年金", "康宁终身", "意外险"]
    assert list(loaded.tables["people"]["name"])[:2] == ["张经理", "李主管"]


def test_explicit_encoding(tmp_path: Path, make_site) -> None:
    # GBK has no "¥", so a GBK export writes the full-width "￥"
    site = make_site(tmp_path, {
        "site.toml": with_toml('encoding = "gbk"\n'),
        "data/sales.csv": BASELINE["data/sales.csv"].replace("¥", "￥").encode("gbk"),
    })
    loaded = load(site)
    assert problems(loaded) == []
    assert loaded.sources["sales"].encoding == "gbk"
    assert sales_rows(loaded) == EXPECTED_SALES


def test_wrong_explicit_encoding_is_a_clear_fatal_error(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {
        "site.toml": with_toml('encoding = "utf-8"\n'),
        "data/sales.csv": BASELINE["data/sales.csv"].encode("gb18030"),
    })
    loaded = load(site)
    assert problems(loaded) == ["data/sales.csv: cannot be read as utf-8 (line 1); check `encoding` in site.toml"]
    assert loaded.problems[0].fatal
    assert loaded.sources["sales"].failed


def test_wrong_explicit_encoding_names_the_line(tmp_path: Path, make_site) -> None:
    text = "Date,Person,Premium\n2026-03-02,P003,100\n2026-03-03,P003,200 元\n"
    site = make_site(tmp_path, {
        "site.toml": '[data.sales]\nencoding = "ascii"\n[data.sales.columns]\ndate = "Date"\nperson = "Person"\n'
        'premium = "Premium"\n',
        "data/sales.csv": text.encode("utf-8"),
    })
    assert problems(load(site)) == ["data/sales.csv: cannot be read as ascii (line 3); check `encoding` in site.toml"]


# --- XLSX -----------------------------------------------------------------------------------------------------

XLSX_ROWS: list[list[object]] = [
    ["日期", "工号", "保费", "件数", "险种"],
    [dt.date(2026, 3, 2), "P003", 12000, 1, "金福年金"],
    [dt.datetime(2026, 3, 3), "P004", "¥94,000.00", 1, "康宁终身"],
    ["2026/03/05", "P002", 3000.0, 1.0, "意外险"],
]


def xlsx_toml(sheet: str | None) -> str:
    options = 'file = "data/sales.xlsx"\n' + (f'sheet = "{sheet}"\n' if sheet else "")
    return BASELINE["site.toml"].replace('file = "data/sales.csv"\n', options)


def test_xlsx_with_date_cells_and_a_named_sheet(tmp_path: Path, make_site, write_xlsx) -> None:
    site = make_site(tmp_path, {
        "site.toml": xlsx_toml("明细"),
        "data/sales.csv": None,
        "data/sales.xlsx": write_xlsx({"说明": [["本表为三月业绩明细"]], "明细": XLSX_ROWS}),
    })
    loaded = load(site)
    assert problems(loaded) == []
    assert loaded.sources["sales"].sheet == "明细"
    assert sales_rows(loaded) == EXPECTED_SALES
    assert list(loaded.tables["sales"]["cases"]) == [1, 1, 1]


def test_xlsx_first_sheet_by_default(tmp_path: Path, make_site, write_xlsx) -> None:
    site = make_site(tmp_path, {
        "site.toml": xlsx_toml(None),
        "data/sales.csv": None,
        "data/sales.xlsx": write_xlsx({"明细": XLSX_ROWS, "说明": [["x"]]}),
    })
    loaded = load(site)
    assert problems(loaded) == []
    assert loaded.sources["sales"].sheet == "明细"
    assert len(loaded.tables["sales"]) == 3


def test_xlsx_found_by_name_without_configuration(tmp_path: Path, make_site, write_xlsx) -> None:
    people = [line.split(",") for line in BASELINE["data/people.csv"].splitlines()]
    site = make_site(tmp_path, {"data/people.csv": None, "data/people.xlsx": write_xlsx({"人员": people})})
    loaded = load(site)
    assert problems(loaded) == []
    assert loaded.sources["people"].file == "data/people.xlsx"
    assert len(loaded.tables["people"]) == 5


def test_xlsx_missing_sheet_suggests_the_closest(tmp_path: Path, make_site, write_xlsx) -> None:
    site = make_site(tmp_path, {
        "site.toml": xlsx_toml("明细"),
        "data/sales.csv": None,
        "data/sales.xlsx": write_xlsx({"说明": [["x"]], "明细表": XLSX_ROWS}),
    })
    loaded = load(site)
    assert problems(loaded) == ['data/sales.xlsx: has no sheet "明细"; did you mean "明细表"?']
    assert loaded.problems[0].fatal


def test_xlsx_missing_sheet_lists_the_sheets(tmp_path: Path, make_site, write_xlsx) -> None:
    site = make_site(tmp_path, {
        "site.toml": xlsx_toml("Sheet1"),
        "data/sales.csv": None,
        "data/sales.xlsx": write_xlsx({"说明": [["x"]], "明细": XLSX_ROWS}),
    })
    assert problems(load(site)) == ['data/sales.xlsx: has no sheet "Sheet1"; sheets: 说明, 明细']


def test_xlsx_errors_name_the_excel_row(tmp_path: Path, make_site, write_xlsx) -> None:
    rows = [[], [], *XLSX_ROWS, [dt.date(2026, 3, 5), "P002", "三千", 1, "意外险"]]  # header on Excel row 3
    site = make_site(tmp_path, {
        "site.toml": xlsx_toml("明细"),
        "data/sales.csv": None,
        "data/sales.xlsx": write_xlsx({"明细": rows}),
    })
    loaded = load(site)
    assert problems(loaded) == [
        'data/sales.xlsx:7:保费: "三千" is not an amount (expected a number such as 94000 or "¥94,000.00")'
    ]
    assert [row for *_, row in sales_rows(loaded)] == [4, 5, 6]


def test_not_an_xlsx_workbook(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"site.toml": xlsx_toml(None), "data/sales.csv": None,
                                "data/sales.xlsx": BASELINE["data/sales.csv"]})
    (message,) = problems(load(site))
    assert message.startswith("data/sales.xlsx: is not a readable Excel workbook")


# --- column mapping, dates and amounts ------------------------------------------------------------------------


def test_chinese_headers_map_to_canonical_columns(site: Path) -> None:
    loaded = load(site)
    assert loaded.sources["sales"].headers == {"date": "日期", "person": "工号", "premium": "保费", "cases": "件数",
                                               "product": "险种"}
    # recognised without any mapping in site.toml
    assert loaded.sources["people"].headers == {
        "id": "工号", "name": "姓名", "unit": "所属单位", "role": "岗位", "grade": "职级", "join_date": "入司日期",
        "leave_date": "离司日期", "phone": "手机"}
    assert list(loaded.tables["people"]["role"]) == ["manager", "supervisor", "agent", "agent", "tracker"]


def test_unused_headers_are_listed(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/sales.csv": "日期,工号,保费,件数,险种,备注\n2026-03-02,P003,100,1,a,首单\n"})
    loaded = load(site)
    assert problems(loaded) == []
    assert loaded.sources["sales"].ignored == ["备注"]


def test_absent_optional_sales_texts_are_an_empty_categorical(tmp_path: Path, make_site) -> None:
    rows = "".join(f"2026-03-0{1 + i % 5},P00{2 + i % 3},{1000 + i},1\n" for i in range(1000))
    people = "".join(line.rsplit(",", 1)[0] + "\n" for line in BASELINE["data/people.csv"].splitlines())  # no 手机
    toml = BASELINE["site.toml"].replace('product = "险种"\n', "")
    loaded = load(make_site(tmp_path, {"data/sales.csv": "日期,工号,保费,件数\n" + rows, "data/people.csv": people,
                                       "site.toml": toml}))
    assert problems(loaded) == []
    sales = loaded.tables["sales"]
    for name in ("product", "order", "customer"):  # none in the file: a byte a row, not a None pointer a row
        assert isinstance(sales[name].dtype, pd.CategoricalDtype), name
        assert sales[name].isna().all()
        assert sales[name].memory_usage(deep=True, index=False) < 2 * len(sales)
    assert sales["fyc"].tolist() == [0.0] * 1000  # other absent columns keep their default
    phone = loaded.tables["people"]["phone"]  # not a bulk dataset: an absent text column stays None in each row
    assert phone.dtype == object and phone.tolist() == [None] * 5


def test_battle_report_of_sales_without_products_has_no_product(tmp_path: Path, make_site) -> None:
    from generator.metrics.battle import battle_reports

    toml = BASELINE["site.toml"].replace('product = "险种"\n', "")
    loaded = load(make_site(tmp_path, {"data/sales.csv": "日期,工号,保费,件数\n2026-03-03,P004,94000,2\n",
                                       "site.toml": toml}))
    reports = battle_reports([], loaded.tables["sales"], loaded.tables["people"], loaded.tables["units"], 50000,
                             dt.date(2026, 3, 5))
    assert [(r.amount, r.product) for r in reports] == [(94000.0, None)]


def test_mapped_header_not_in_the_file_suggests_the_closest(tmp_path: Path, make_site) -> None:
    toml = BASELINE["site.toml"].replace('premium = "保费"', 'premium = "标准保费"')
    site = make_site(tmp_path, {"site.toml": toml})
    loaded = load(site)
    assert problems(loaded) == [
        'data/sales.csv:1:标准保费: column not found (site.toml maps premium to it); did you mean "保费"?'
    ]
    assert loaded.problems[0].fatal
    assert loaded.tables["sales"].empty


def test_missing_required_column_is_fatal(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/people.csv": "工号,所属单位\nP001,HQ\n"})
    loaded = load(site)
    fatal = [str(p) for p in loaded.problems if p.fatal]
    assert fatal == [
        'data/people.csv:1:name: required column is missing: expected a header "name" or "姓名", or map it in '
        'site.toml ([data.people.columns] name = "your header")'
    ]
    assert loaded.sources["people"].failed


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("2026-03-02", "2026-03-02"), ("2026/03/02", "2026-03-02"), ("2026/3/2", "2026-03-02"),
     ("2026/03/02 0:00:00", "2026-03-02"), ("2026年3月2日", "2026-03-02")],
)
def test_date_formats(tmp_path: Path, make_site, cell: str, expected: str) -> None:
    site = make_site(tmp_path, {"data/sales.csv": f"{SALES_HEADER}{cell},P003,100,1,a\n"})
    loaded = load(site)
    assert problems(loaded) == []
    assert sales_rows(loaded)[0][0] == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [('"¥94,000.00"', 94000.0), ('"￥94,000.00"', 94000.0), ("94000", 94000.0), ('"94,000"', 94000.0),
     ("9.4万", 94000.0), ("1234.5", 1234.5), ('"(1,200.00)"', -1200.0)],
)
def test_amount_formats(tmp_path: Path, make_site, cell: str, expected: float) -> None:
    site = make_site(tmp_path, {"data/sales.csv": f"{SALES_HEADER}2026-03-02,P003,{cell},1,a\n"})
    loaded = load(site)
    assert problems(loaded) == []
    assert sales_rows(loaded)[0][2] == expected


# --- each kind of problem, with its exact message and place ---------------------------------------------------


def test_bad_date(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/sales.csv": SALES_HEADER + "2026-13-01,P003,100,1,a\n2026-03-02,P003,100,1,a\n"})
    loaded = load(site)
    assert problems(loaded) == ['data/sales.csv:2:日期: "2026-13-01" is not a date (expected YYYY-MM-DD or YYYY/MM/DD)']
    assert [row for *_, row in sales_rows(loaded)] == [3]


def test_bad_amount(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/sales.csv": SALES_HEADER + "2026-03-02,P003,100,1,a\n2026-03-02,P003,abc,1,a\n"})
    assert problems(load(site)) == [
        'data/sales.csv:3:保费: "abc" is not an amount (expected a number such as 94000 or "¥94,000.00")'
    ]


def test_bad_whole_number(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/sales.csv": SALES_HEADER + "2026-03-02,P003,100,1.5,a\n"})
    assert problems(load(site)) == ['data/sales.csv:2:件数: "1.5" is not a whole number']


def test_empty_required_cell(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/sales.csv": SALES_HEADER + "2026-03-02,  ,100,1,a\n"})
    loaded = load(site)
    assert problems(loaded) == ["data/sales.csv:2:工号: is empty; a value is required"]
    assert loaded.tables["sales"].empty


def test_every_bad_cell_of_a_row_is_reported(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/sales.csv": SALES_HEADER + "2026-02-30,,x,1,a\n"})
    assert problems(load(site)) == sorted([
        'data/sales.csv:2:日期: "2026-02-30" is not a date (expected YYYY-MM-DD or YYYY/MM/DD)',
        "data/sales.csv:2:工号: is empty; a value is required",
        'data/sales.csv:2:保费: "x" is not an amount (expected a number such as 94000 or "¥94,000.00")',
    ])


PEOPLE_HEADER = "工号,姓名,所属单位,岗位\n"


def test_value_not_allowed(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/people.csv": PEOPLE_HEADER + "P001,张经理,HQ,经理\nP002,李主管,T1,boss\n"
                                "P003,王业务,T1,业务员\nP004,赵新人,T2,agent\nP005,钱督办,HQ,督办\n"})
    loaded = load(site)
    assert problems(loaded) == [
        'data/people.csv:3:岗位: "boss" is not an allowed role; expected one of agent, supervisor, manager, tracker, '
        "staff (or 业务员, 主管, 经理, 督办, 内勤)",
        'data/sales.csv:4:工号: refers to person "P002", which was skipped (data/people.csv:3)',
        "data/units.csv:3:负责人: refers to person \"P002\", which was skipped (data/people.csv:3); "
        "the value is ignored",
    ]


def test_value_not_allowed_suggests_the_closest(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/people.csv": BASELINE["data/people.csv"].replace(",业务员,见习", ",agnet,见习")})
    assert problems(load(site))[0] == (
        'data/people.csv:5:岗位: "agnet" is not an allowed role; expected one of agent, supervisor, manager, '
        'tracker, staff (or 业务员, 主管, 经理, 督办, 内勤); did you mean "agent"?'
    )


def test_duplicate_key(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/people.csv": BASELINE["data/people.csv"] + "P002,李二,T2,业务员,,,,\n"})
    loaded = load(site)
    assert problems(loaded) == ['data/people.csv:7:工号: duplicate id "P002" (first on row 3)']
    people = loaded.tables["people"]
    assert people.loc[people["id"] == "P002", "name"].tolist() == ["李主管"]


def test_unknown_reference_sales_to_people(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"data/sales.csv": BASELINE["data/sales.csv"] + "2026-03-05,P999,100,1,a\n"})
    loaded = load(site)
    assert problems(loaded) == ['data/sales.csv:5:工号: unknown person "P999" (not in data/people.csv)']
    assert len(loaded.tables["sales"]) == 3


def test_unknown_reference_people_to_units(tmp_path: Path, make_site) -> None:
    people = BASELINE["data/people.csv"].replace("P004,赵新人,T2", "P004,赵新人,T9")
    loaded = load(make_site(tmp_path, {"data/people.csv": people}))
    assert problems(loaded) == [
        'data/people.csv:5:所属单位: unknown unit "T9" (not in data/units.csv)',
        'data/sales.csv:3:工号: refers to person "P004", which was skipped (data/people.csv:5)',
    ]


def test_unknown_parent_unit_drops_the_unit_and_its_people(tmp_path: Path, make_site) -> None:
    units = BASELINE["data/units.csv"].replace("T2,二组,HQ", "T2,二组,HQX")
    loaded = load(make_site(tmp_path, {"data/units.csv": units}))
    assert problems(loaded) == [
        'data/people.csv:5:所属单位: refers to unit "T2", which was skipped (data/units.csv:4)',
        'data/sales.csv:3:工号: refers to person "P004", which was skipped (data/people.csv:5)',
        'data/units.csv:4:上级单位: unknown unit "HQX" (not in data/units.csv); did you mean "HQ"?',
    ]
    assert list(loaded.tables["units"]["id"]) == ["HQ", "T1"]


def test_unknown_head_of_unit_is_a_warning_and_the_unit_is_kept(tmp_path: Path, make_site) -> None:
    units = BASELINE["data/units.csv"].replace("T2,二组,HQ,,", "T2,二组,HQ,P404,")
    loaded = load(make_site(tmp_path, {"data/units.csv": units}))
    assert [(str(p), p.severity) for p in loaded.problems] == [
        ('data/units.csv:4:负责人: unknown person "P404" (not in data/people.csv); did you mean "P004"?; the value is '
         "ignored", "warning")
    ]
    assert list(loaded.tables["units"]["id"]) == ["HQ", "T1", "T2"]


def test_unit_cycle(tmp_path: Path, make_site) -> None:
    units = "单位编码,单位名称,上级单位\nHQ,测试分公司,\nT1,一组,T2\nT2,二组,T1\n"
    loaded = load(make_site(tmp_path, {"data/units.csv": units}))
    found = problems(loaded)
    assert 'data/units.csv:3:上级单位: unit "T1" is in a cycle: T1 → T2 → T1' in found
    assert 'data/units.csv:4:上级单位: unit "T2" is in a cycle: T2 → T1 → T2' in found
    assert 'data/people.csv:3:所属单位: refers to unit "T1", which was skipped (data/units.csv:3)' in found
    assert list(loaded.tables["units"]["id"]) == ["HQ"]


def test_unit_that_is_its_own_parent(tmp_path: Path, make_site) -> None:
    units = BASELINE["data/units.csv"].replace("T2,二组,HQ", "T2,二组,T2")
    found = problems(load(make_site(tmp_path, {"data/units.csv": units})))
    assert 'data/units.csv:4:上级单位: unit "T2" is in a cycle: T2 → T2' in found


def test_missing_required_dataset(tmp_path: Path, make_site) -> None:
    loaded = load(make_site(tmp_path, {"data/people.csv": None}))
    fatal = [str(p) for p in loaded.problems if p.fatal]
    assert fatal == ["data/people.csv: not found: the people dataset is required (data/people.csv or .xlsx)"]


def test_configured_file_not_found(tmp_path: Path, make_site) -> None:
    toml = BASELINE["site.toml"].replace('file = "data/sales.csv"', 'file = "data/sales-2026.csv"')
    loaded = load(make_site(tmp_path, {"site.toml": toml}))
    assert [str(p) for p in loaded.problems] == ["data/sales-2026.csv: not found (data.sales.file in site.toml)"]
    assert loaded.problems[0].fatal


def test_optional_dataset_absent_is_listed_as_missing(site: Path) -> None:
    loaded = load(site)
    assert "targets" in loaded.missing
    assert "sales" not in loaded.missing
    assert loaded.tables["targets"].empty


def test_empty_file(tmp_path: Path, make_site) -> None:
    loaded = load(make_site(tmp_path, {"data/sales.csv": ""}))
    assert problems(loaded) == ["data/sales.csv: is empty: expected a header row"]
    assert loaded.problems[0].fatal


def test_header_only_file_has_no_rows_and_no_problem(tmp_path: Path, make_site) -> None:
    loaded = load(make_site(tmp_path, {"data/sales.csv": SALES_HEADER}))
    assert problems(loaded) == []
    assert loaded.tables["sales"].empty
    assert loaded.sources["sales"].rows_read == 0
    assert loaded.as_of == dt.date(2026, 3, 5)  # no sales: today


def test_binary_file_with_a_csv_name(tmp_path: Path, make_site, write_xlsx) -> None:
    loaded = load(make_site(tmp_path, {"data/sales.csv": write_xlsx({"明细": XLSX_ROWS})}))
    assert problems(loaded) == [
        "data/sales.csv: is a binary file, not CSV text (an Excel file saved with a .csv name?)"
    ]
    assert loaded.problems[0].fatal


def test_old_xls_workbook(tmp_path: Path, make_site) -> None:
    toml = BASELINE["site.toml"].replace('file = "data/sales.csv"', 'file = "data/sales.xls"')
    loaded = load(make_site(tmp_path, {"site.toml": toml, "data/sales.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}))
    assert problems(loaded) == ["data/sales.xls: is an old .xls workbook; save it as .xlsx or CSV"]


def test_row_with_too_many_cells_is_a_warning(tmp_path: Path, make_site) -> None:
    text = SALES_HEADER + "2026-03-02,P003,100,1,a\n2026-03-03,P003,200,1,b,多余\n2026-03-04,P003,x,1,c\n"
    loaded = load(make_site(tmp_path, {"data/sales.csv": text}))
    assert sorted((str(p), p.severity) for p in loaded.problems) == [
        ("data/sales.csv:3: row has 6 cells but the header has 5; the extra cells are ignored", "warning"),
        ('data/sales.csv:4:保费: "x" is not an amount (expected a number such as 94000 or "¥94,000.00")', "error"),
    ]
    assert [row for *_, row in sales_rows(loaded)] == [2, 3]


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path: Path, make_site) -> None:
    text = SALES_HEADER + "2026-03-02,P003,100,1,a\n\n,,,,\n2026-03-03,P003,x,1,b\n\n2026-03-04,P003,300,1,c\n"
    loaded = load(make_site(tmp_path, {"data/sales.csv": text}))
    assert problems(loaded) == [
        'data/sales.csv:5:保费: "x" is not an amount (expected a number such as 94000 or "¥94,000.00")'
    ]
    assert [row for *_, row in sales_rows(loaded)] == [2, 7]


def test_blank_lines_with_windows_line_ends(tmp_path: Path, make_site) -> None:
    text = (SALES_HEADER + "2026-03-02,P003,100,1,a\n\n2026-03-03,P003,x,1,b\n").replace("\n", "\r\n")
    loaded = load(make_site(tmp_path, {"data/sales.csv": text}))
    assert problems(loaded) == [
        'data/sales.csv:4:保费: "x" is not an amount (expected a number such as 94000 or "¥94,000.00")'
    ]


def test_blank_lines_above_the_header(tmp_path: Path, make_site) -> None:
    text = ",,,,\n\n" + SALES_HEADER + "2026-03-02,P003,100,1,a\n2026-03-03,P003,x,1,b\n"
    loaded = load(make_site(tmp_path, {"data/sales.csv": text}))
    assert problems(loaded) == [
        'data/sales.csv:5:保费: "x" is not an amount (expected a number such as 94000 or "¥94,000.00")'
    ]
    assert [row for *_, row in sales_rows(loaded)] == [4]


def test_quoted_cell_with_a_newline_is_one_row(tmp_path: Path, make_site) -> None:
    text = SALES_HEADER + '2026-03-02,P003,100,1,"金福\n年金"\n2026-03-03,P003,x,1,b\n2026-03-04,P003,300,1,c\n'
    loaded = load(make_site(tmp_path, {"data/sales.csv": text}))
    assert problems(loaded) == [
        'data/sales.csv:3:保费: "x" is not an amount (expected a number such as 94000 or "¥94,000.00")'
    ]
    assert list(loaded.tables["sales"]["product"]) == ["金福\n年金", "c"]
    assert [row for *_, row in sales_rows(loaded)] == [2, 4]


def test_quoted_newline_and_a_long_row_together(tmp_path: Path, make_site) -> None:
    text = SALES_HEADER + '2026-03-02,P003,100,1,"a\nb"\n2026-03-03,P003,200,1,b,extra\n2026-03-04,P003,x,1,c\n'
    loaded = load(make_site(tmp_path, {"data/sales.csv": text}))
    assert problems(loaded) == [
        "data/sales.csv:3: row has 6 cells but the header has 5; the extra cells are ignored",
        'data/sales.csv:4:保费: "x" is not an amount (expected a number such as 94000 or "¥94,000.00")',
    ]
    assert list(loaded.tables["sales"]["product"]) == ["a\nb", "b"]


def test_tab_separated_file(tmp_path: Path, make_site) -> None:
    text = SALES_HEADER.replace(",", "\t") + "2026-03-02\tP003\t100\t1\ta\n"
    loaded = load(make_site(tmp_path, {"data/sales.csv": text}))
    assert problems(loaded) == []
    assert sales_rows(loaded) == [("2026-03-02", "P003", 100.0, 2)]


def test_skipped_rows_are_traceable(tmp_path: Path, make_site) -> None:
    text = SALES_HEADER + "2026-03-02,P003,100,1,a\n2026-13-02,P003,100,1,a\n2026-03-04,P999,1,1,a\n"
    loaded = load(make_site(tmp_path, {"data/sales.csv": text}))
    assert loaded.skipped_rows() == {"data/sales.csv": {3, 4}}
    assert loaded.sources["sales"].rows_read == 3
    assert loaded.sources["sales"].rows_kept == 1


def test_types_of_the_loaded_tables(site: Path) -> None:
    sales = load(site).tables["sales"]
    assert pd.api.types.is_datetime64_any_dtype(sales["date"])
    assert sales["premium"].dtype == "float64"
    assert list(sales["fyc"]) == [0.0, 0.0, 0.0]  # the default of a column not in the file


def test_configured_file_that_is_a_folder(tmp_path: Path, make_site) -> None:
    loaded = load(make_site(tmp_path, {"data/sales.csv": None, "data/sales.csv/part1.csv": "x"}))
    assert [str(p) for p in loaded.problems] == [
        "data/sales.csv: is a folder, not a data file (data.sales.file in site.toml)"]
    assert loaded.problems[0].fatal


@pytest.mark.parametrize("cell", ["3026-03-02", "0226-03-02", "1899/12/31"])
def test_date_with_an_impossible_year(tmp_path: Path, make_site, cell: str) -> None:
    # a typo like 3026 must be a clear error, not a crash of the tables' date type
    site = make_site(tmp_path, {"data/sales.csv": f"{SALES_HEADER}{cell},P003,100,1,a\n2026-03-03,P003,100,1,a\n"})
    loaded = load(site)
    assert problems(loaded) == [f'data/sales.csv:2:日期: "{cell}" is out of range (expected a year from 1900 to 2199)']
    assert [row for *_, row in sales_rows(loaded)] == [3]


def test_xlsx_date_cell_with_an_impossible_year(tmp_path: Path, make_site, write_xlsx) -> None:
    rows = [*XLSX_ROWS, [dt.date(3026, 3, 5), "P002", 3000, 1, "意外险"]]
    site = make_site(tmp_path, {"site.toml": xlsx_toml(None), "data/sales.csv": None,
                                "data/sales.xlsx": write_xlsx({"明细": rows})})
    assert problems(load(site)) == [
        'data/sales.xlsx:5:日期: "3026-03-05" is out of range (expected a year from 1900 to 2199)']


def test_the_dev_server_reuses_its_tables_until_a_data_file_or_setting_changes(site: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import model
    from generator.state import BuildState

    state = BuildState.between_builds()  # as `trackboard serve` keeps it
    calls: list[Path] = []
    real = model.load_datasets
    monkeypatch.setattr(model, "load_datasets", lambda root, *a, **k: calls.append(root) or real(root, *a, **k))
    first = load_site(site, today=dt.date(2026, 3, 5), cache=True, state=state)
    rows = sales_rows(first)
    names = first.tables["people"]["name"].tolist()
    first.tables["sales"]["extra"] = 1  # a build may add columns to its tables, and change them in place
    first.tables["sales"].loc[first.tables["sales"].index[0], "premium"] = -1.0
    first.tables["people"]["name"] = first.tables["people"]["name"].map(lambda name: "***")
    second = load_site(site, today=dt.date(2026, 3, 5), cache=True, state=state)
    assert len(calls) == 1
    assert "extra" not in second.tables["sales"] and sales_rows(second) == rows
    assert second.tables["people"]["name"].tolist() == names
    assert problems(second) == problems(first)
    sales = site / "data" / "sales.csv"
    sales.write_text(sales.read_text(encoding="utf-8") + "2026-03-05,P001,1000,1,金福\n", encoding="utf-8")
    third = load_site(site, today=dt.date(2026, 3, 5), cache=True, state=state)
    assert len(calls) == 2 and len(third.tables["sales"]) == len(first.tables["sales"]) + 1


def test_csv_read_by_arrow_is_the_frame_pandas_reads() -> None:
    """Files whose lines all have the header's number of cells are read by Arrow; on thousands of generated
    files (quotes, separators and line breaks in cells, CRLF, blank and ragged lines) what Arrow reads is
    pandas' frame to the cell, and what it does not read is left to pandas."""
    import csv as csv_module
    import io
    import random

    import pandas as pd

    from generator.inputs import tables

    rng = random.Random(5)
    cells = ["a", "", " ", "b c", "中文", '"q"', '"a,b"', '"x""y"', '"line\nbreak"', "1.5", "=1+2", "  pad  ",
             'a"b', '"a"b', "NA", "null", "#N/A", "\t", "x\ry", '""', "'", "\\", "é"]
    read = 0
    for _ in range(1500):
        sep = rng.choice([",", "\t", ";"])
        width = rng.randint(1, 4)
        lines = [sep.join(rng.choice(cells) for _ in range(width if rng.random() > 0.1 else rng.randint(1, 5)))
                 if rng.random() > 0.05 else "" for _ in range(rng.randint(1, 6))]
        eol = rng.choice(["\n", "\r\n"])
        text = eol.join(lines) + (eol if rng.random() > 0.5 else "")
        ours = tables._read_even(text, sep)
        if ours is None:
            continue
        read += 1
        theirs = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                             skip_blank_lines=False, engine="c", quoting=csv_module.QUOTE_MINIMAL).fillna("")
        assert ours.shape == theirs.shape and (ours.fillna("").to_numpy() == theirs.to_numpy()).all(), repr(text)
        # Each column as codes into its distinct texts, the same read from the file's UTF-8 bytes.
        assert all(isinstance(t, pd.CategoricalDtype) for t in ours.dtypes)
        assert all(isinstance(c, str) for column in ours for c in ours[column].cat.categories)
        from_bytes = tables._read_even(text.encode("utf-8"), sep)
        assert from_bytes is not None and (from_bytes.to_numpy() == ours.to_numpy()).all()
    assert read > 500  # most files are even
    assert tables._read_even("a,b\n1,2,3\n", ",") is None  # ragged: pandas, then the csv module, read it
    blank = tables._read_even("a,b\n\n1,2\n", ",")  # a blank line stays a row, so that row numbers hold
    assert blank is not None and blank.to_numpy().tolist() == [["a", "b"], ["", ""], ["1", "2"]]
