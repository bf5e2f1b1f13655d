"""Battle reports: the ones written by hand, merged with those generated from big orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from ..inputs.content import Document
from .scope import is_stand_in


@dataclass(frozen=True)
class BattleReport:
    key: str  # unique, stable: the document's slug or "order-<row>"
    date: dt.date
    title: str
    person: str | None  # display name
    unit: str | None  # display name
    amount: float | None
    html: str  # sanitised body ('' for generated reports, which the template words itself)
    product: str | None = None
    generated: bool = False
    unit_id: str | None = None  # the unit's id, when known
    units: tuple[str, ...] = ()  # the units it is meant for (front matter `units`; empty: everyone)


def battle_reports(documents: list[Document], sales: pd.DataFrame, people: pd.DataFrame, units: pd.DataFrame,
                   big_order: float, as_of: dt.date) -> list[BattleReport]:
    """Return every battle report up to `as_of`, newest first.

    An order at or above `big_order` becomes a report unless a written report already names the
    same person, date and amount.
    """
    unit_names = dict(zip(units["id"], units["name"]))
    person_names = dict(zip(people["id"], people["name"]))
    person_units = dict(zip(people["id"], people["unit"]))
    unit_ids = {name: uid for uid, name in reversed(list(unit_names.items()))}  # a report may name its unit
    reports: list[BattleReport] = []
    written: set[tuple[str | None, dt.date, float | None]] = set()
    for doc in documents:
        date = doc.meta["date"]
        if date > as_of:
            continue
        person_id = doc.meta.get("person")
        person = person_names.get(person_id, person_id)
        unit_id = doc.meta.get("unit") or person_units.get(person_id)
        amount = doc.meta.get("amount")
        written.add((person_id, date, amount))
        written.add((person, date, amount))
        known = unit_id if unit_id in unit_names else unit_ids.get(unit_id)
        reports.append(BattleReport(doc.slug, date, doc.title, person, unit_names.get(unit_id, unit_id), amount,
                                    doc.html, unit_id=known, units=tuple(doc.meta.get("units") or ())))
    if not sales.empty and big_order > 0:
        day = pd.Timestamp(as_of)
        big = sales[(sales["premium"] >= big_order) & (sales["date"] <= day)]
        for record in big.to_dict("records"):
            date = record["date"].date()
            person_id = record["person"]
            if (person_id, date, record["premium"]) in written or is_stand_in(person_id):
                continue
            reports.append(BattleReport(
                key=f"order-{record['_row']}", date=date, title="", person=person_names.get(person_id, person_id),
                unit=unit_names.get(person_units.get(person_id)), amount=float(record["premium"]), html="",
                # text or None; NaN when the file has no product column (schemas.Dataset.bulk)
                product=record["product"] if isinstance(record["product"], str) else None, generated=True,
                unit_id=person_units.get(person_id) if person_units.get(person_id) in unit_names else None,
            ))
    reports.sort(key=lambda r: (r.date, r.amount or 0, r.key), reverse=True)
    return reports
