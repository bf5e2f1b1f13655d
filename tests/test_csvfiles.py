"""CSV downloads written column by column give the same files as pandas' to_csv and a row-by-row writer."""

from __future__ import annotations

import csv
import io
import random

import numpy as np
import pandas as pd
import pytest

from generator.csvfiles import SharedLead, _pandas_csv, csv_bytes, csv_cell, series_csv_bytes

TEXTS = ["", "张三", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", "=1+2", "+86 138", "-5", "@SUM(A1)", "\tx",
         " lead", "trail ", "'quoted", "营业1部1组", "中文,逗号"]
NUMBERS = [0.0, -0.0, 1.0, -3.0, 0.5, 2.675, 27818.21, 0.6416636083123, 1e-7, 1e16, 1e20, -1e22, 123456789.125,
           float("inf"), float("-inf"), float("nan"), 2.0**53, 2.0**53 - 1]


def random_frame(rng: random.Random, rows: int) -> pd.DataFrame:
    def pick(values: list, missing: object = None) -> list:
        return [missing if rng.random() < 0.1 else rng.choice(values) for _ in range(rows)]

    whole = [float(v) for v in range(-5, 6)] + [1e9, 2.0**52]
    return pd.DataFrame({
        "ints": np.array([rng.randint(-10**12, 10**12) for _ in range(rows)], dtype=np.int64),
        "nullable_ints": pd.array(pick(list(range(-3, 4))), dtype="Int64"),
        "whole_floats": pd.array(pick(whole, np.nan), dtype="float64"),
        "floats": pd.array(pick(NUMBERS, np.nan), dtype="float64"),
        "bools": np.array([rng.random() < 0.5 for _ in range(rows)]),
        "nullable_bools": pd.array(pick([True, False]), dtype="boolean"),
        "text": pd.Series(pick(TEXTS), dtype=object),
        "plain_text": pd.Series([rng.choice(["甲", "乙", "丙"]) for _ in range(rows)], dtype=object),
        "strings": pd.Series(pick(TEXTS), dtype="string"),
        "str": pd.Series(pick(TEXTS, np.nan), dtype="str"),
    })


def frame_file(frame: pd.DataFrame) -> bytes:
    return series_csv_bytes({name: frame[name] for name in frame.columns})


@pytest.mark.parametrize("seed", range(25))
def test_a_frame_written_column_by_column_is_the_file_pandas_writes(seed: int) -> None:
    rng = random.Random(seed)
    frame = random_frame(rng, rng.choice([0, 1, 7, 200]))
    columns = rng.sample(list(frame.columns), rng.randint(1, len(frame.columns)))
    assert frame_file(frame[columns]) == _pandas_csv(frame[columns])


@pytest.mark.parametrize("seed", range(25))
def test_files_sharing_their_first_columns_are_the_files_written_whole(seed: int) -> None:
    rng = random.Random(seed)
    frame = random_frame(rng, rng.choice([0, 1, 7, 200]))
    names = list(frame.columns)
    lead_names = rng.sample(names, rng.randint(1, 4))
    lead = SharedLead({name: frame[name] for name in lead_names})
    for _ in range(3):  # each file its own columns, as each day's report
        other = random_frame(rng, len(frame))
        own = {f"own_{name}": other[name] for name in rng.sample(names, rng.randint(0, 5))}
        whole = {**{name: frame[name] for name in lead_names}, **own}
        assert lead.csv_bytes(own) == series_csv_bytes(whole) == _pandas_csv(pd.DataFrame(whole))


def test_a_shared_lead_of_a_files_people_reads_back() -> None:
    lead = SharedLead({"person": pd.Series(["P1", "=P2"], dtype=object), "name": pd.Series(["张三", "李,四"])})
    data = lead.csv_bytes({"premium": pd.Series([12000.0, np.nan]), "rank": pd.Series([1, 2])})
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        ["person", "name", "premium", "rank"], ["P1", "张三", "12000", "1"], ["'=P2", "李,四", "", "2"]]


def test_columns_left_to_pandas_give_its_file() -> None:
    frame = pd.DataFrame({"when": pd.to_datetime(["2026-03-01", None]), "mixed": [1, "=x"], "n": [1.5, 2.0]})
    assert frame_file(frame) == _pandas_csv(frame)
    assert frame_file(frame).decode("utf-8-sig").splitlines() == ["when,mixed,n", "2026-03-01,1,1.5",
                                                                        ",'=x,2.0"]


def test_daily_kinds_of_cells_read_back_as_written() -> None:
    frame = pd.DataFrame({"person": ["P1", "=HYPERLINK()", None], "premium": [12000.0, 0.0, np.nan],
                          "rate": [0.6416636083, 1.0, np.nan], "rank": pd.array([1, None, 3], dtype="Int64")})
    rows = list(csv.reader(io.StringIO(frame_file(frame).decode("utf-8-sig"))))
    assert rows == [["person", "premium", "rate", "rank"], ["P1", "12000", "0.6416636083", "1"],
                    ["'=HYPERLINK()", "0", "1.0", ""], ["", "", "", "3"]]


def row_by_row(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@pytest.mark.parametrize("seed", range(25))
def test_rows_written_column_by_column_are_the_rows_written_one_by_one(seed: int) -> None:
    rng = random.Random(seed)
    kinds = [TEXTS, list(range(-3, 4)), NUMBERS, [True, False], [*TEXTS, 1, 2.5, None, True]]
    chosen = [rng.choice(kinds) for _ in range(rng.randint(1, 6))]
    rows = [[None if rng.random() < 0.1 else rng.choice(kind) for kind in chosen] for _ in range(rng.randint(0, 50))]
    header = [f"c{i}" for i in range(len(chosen))]
    assert csv_bytes(header, rows) == row_by_row(header, rows)
    ragged = [*rows, ["only one"]]
    assert csv_bytes(header, ragged) == row_by_row(header, ragged)


@pytest.mark.parametrize("seed", range(10))
def test_a_tables_download_written_by_columns_is_the_table_cleaned_row_by_row(seed: int) -> None:
    import datetime as dt

    from generator.pages.tables import Col, Table, clean, table_csv

    rng = random.Random(seed)
    kinds = [TEXTS, list(range(-3, 4)), NUMBERS, [True, False], [np.int64(7), np.float64(2.5), np.float64("nan")],
             [pd.NA, pd.NaT, None, dt.date(2026, 3, 1), 1.5]]
    chosen = [rng.choice(kinds) for _ in range(rng.randint(1, 6))]
    columns = [Col(f"c{i}", f"列{i}", csv_key=None if i % 2 else f"key{i}") for i in range(len(chosen))]
    rows = [{c.key: rng.choice(kind) for c, kind in zip(columns, chosen, strict=True) if rng.random() < 0.9}
            for _ in range(rng.randint(0, 40))]
    table = Table("t", "表", columns, rows)
    header = [c.csv_key or c.key for c in columns]
    assert table_csv(table) == row_by_row(header, [[clean(row.get(c.key)) for c in columns] for row in rows])
