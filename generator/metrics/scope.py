"""Scope: the part of the organisation a screen or a whole build covers (the subtrees of some units).

A notice or battle report may name the units it is for (front matter `units: [...]`); `meant_for` says whether
it belongs to a scope. A scoped build (a profile's `units`) keeps only its subtrees' rows and documents
(`scope_tables`, `scope_documents`) and blanks the names of everyone and every unit outside it in what text
is left (`Redactor`): a workplace's own copy of the site says nothing about the others.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import numpy as np
import pandas as pd

from ..inputs.content import Document
from ..inputs.datasets import ROW
from ..inputs.schemas import DATASETS
from .kpis import UnitTree, text_or_none

# What a name outside the scope becomes in a text of a scoped build.
REDACTED = "＊＊"

_D = TypeVar("_D", bound="HasMeta")


class HasMeta(Protocol):
    @property
    def meta(self) -> dict[str, Any]: ...


def subtree(tree: UnitTree, unit_ids: Iterable[str]) -> set[str]:
    """The units in scope: each of `unit_ids` and every unit below it."""
    return {u for unit in unit_ids if unit in tree.parent for u in tree.descendants(unit)}


def units_of(document: HasMeta) -> list[str]:
    """The units a document names in its front matter (`units`), as ids; empty when it is for everyone."""
    value = document.meta.get("units") or []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def reaches(targets: Sequence[str], unit_ids: Sequence[str] | None, tree: UnitTree) -> bool:
    """Whether something meant for the units `targets` (their subtrees; empty: everyone) concerns the scope
    `unit_ids` (None or empty: the whole site): they share a unit, a target lying inside the scope or the scope
    lying under a target (a notice for a division reaches each of its teams' screens)."""
    if not targets or not unit_ids:
        return True
    return not reached_by(tree, unit_ids).isdisjoint(targets)


def reached_by(tree: UnitTree, unit_ids: Sequence[str]) -> set[str]:
    """The targets that reach the scope `unit_ids` (see `reaches`): the units in it and the units above it."""
    return subtree(tree, unit_ids) | {a for unit in unit_ids if unit in tree.parent for a in tree.ancestors(unit)}


def meant_for(document: HasMeta, unit_ids: Sequence[str] | None, tree: UnitTree) -> bool:
    """Whether a notice or battle report belongs to the scope `unit_ids` (see `reaches`): one that names no unit
    is for everyone."""
    return reaches(units_of(document), unit_ids, tree)


class Addressed(Generic[_D]):
    """Which of some documents are meant for each unit (`meant_for`), for many units in turn: each document's
    targets are read once, and a unit looks up the documents naming a unit that reaches it, not every document."""

    def __init__(self, documents: Sequence[_D], tree: UnitTree) -> None:
        self.documents = documents
        self.tree = tree
        self.everyone = np.zeros(len(documents), dtype=bool)
        self.naming: dict[str, list[int]] = {}  # a target unit: the positions of the documents naming it
        for position, document in enumerate(documents):
            targets = units_of(document)
            if targets:
                for target in dict.fromkeys(targets):
                    self.naming.setdefault(target, []).append(position)
            else:
                self.everyone[position] = True

    def meant_for(self, unit: str) -> np.ndarray:
        """The positions of the documents meant for `unit`'s scope (meant_for(document, [unit], tree)), in order."""
        chosen = self.everyone.copy()
        for target in reached_by(self.tree, [unit]):
            if target in self.naming:
                chosen[self.naming[target]] = True
        return np.flatnonzero(chosen)


@dataclass(frozen=True)
class Scope:
    """What a scoped build keeps: the units of its subtrees and the people in them; with `above`, the units above
    them too (their names and whole totals: see scope_tables)."""

    roots: tuple[str, ...]  # the units the profile names
    units: frozenset[str]
    people: frozenset[str]
    above: tuple[str, ...] = ()  # the units above the roots, top first (empty unless the totals above are kept)


def scope_of(tables: dict[str, pd.DataFrame], unit_ids: Sequence[str], tree: UnitTree,
             totals_above: bool = False) -> Scope:
    units = subtree(tree, unit_ids)
    people = tables.get("people")
    members: set[str] = set()
    if people is not None and not people.empty:
        members = {str(p) for p, u in zip(people["id"], people["unit"], strict=True) if text_or_none(u) in units}
    above = [a for root in unit_ids if root in tree.parent for a in tree.ancestors(root) if a not in units]
    return Scope(tuple(unit_ids), frozenset(units), frozenset(members),
                 tuple(dict.fromkeys(above)) if totals_above else ())


STAND_IN = "~others"


def others_id(unit: str) -> str:
    """The id of the stand-in that carries, in a unit above the scope, the sales of everyone outside it."""
    return f"{unit}{STAND_IN}"


def is_stand_in(person: object) -> bool:
    """Whether a person id is such a stand-in: its sales are sums of others' orders, no order of its own."""
    return isinstance(person, str) and person.endswith(STAND_IN)


def _nearest_above(unit: object, tree: UnitTree, above: tuple[str, ...]) -> str | None:
    """The deepest of the units above the scope that holds `unit` (None when none does)."""
    text = text_or_none(unit)
    chain = tree.ancestors(text) if text is not None and text in tree.parent else []
    return next((a for a in reversed(chain) if a in above), None)


def _totals_above(tables: dict[str, pd.DataFrame], out: dict[str, pd.DataFrame], scope: Scope, tree: UnitTree,
                  others: str) -> None:
    """Keep the totals of the units above the scope, in `out`: the units themselves (their names, parents and
    unit targets), and for each a stand-in member (`others`, a staff role: never ranked) that carries the sales
    of everyone outside the scope below it, summed by day and product. Nobody outside is named."""
    units = tables["units"]
    kept_units = units[units["id"].map(lambda u: text_or_none(u) in set(scope.above)).astype(bool)].copy()
    for column in ("head", "tracker"):
        if column in kept_units.columns:
            kept_units[column] = kept_units[column].where(_inside(kept_units[column], scope.people))
    inside = out["units"].copy()
    if "parent" in tables["units"].columns:
        parents = dict(zip(units["id"].astype(str), units["parent"], strict=True))
        inside["parent"] = [parents.get(str(u)) if str(u) in scope.roots else p
                            for u, p in zip(inside["id"], inside["parent"], strict=True)]
    order = {u: i for i, u in enumerate(units["id"].astype(str))}
    merged = pd.concat([kept_units, inside], ignore_index=True)
    out["units"] = merged.iloc[sorted(range(len(merged)), key=lambda i: order.get(str(merged["id"].iat[i]), 0))
                               ].reset_index(drop=True)
    people = tables["people"]
    stand_ins = pd.DataFrame({"id": [others_id(a) for a in scope.above], "name": [others] * len(scope.above),
                              "unit": list(scope.above), "role": ["staff"] * len(scope.above)})
    out["people"] = pd.concat([out["people"], stand_ins.astype({c: people[c].dtype for c in stand_ins.columns})],
                              ignore_index=True)
    sales = tables.get("sales")
    if sales is not None and not sales.empty:
        units_of_people = dict(zip(people["id"].astype(str), people["unit"], strict=True))
        outside = sales[~sales["person"].map(lambda p: text_or_none(p) in scope.people).astype(bool)].copy()
        holder = outside["person"].map(lambda p: _nearest_above(units_of_people.get(str(p)), tree, scope.above))
        outside = outside[holder.notna()].assign(person=holder[holder.notna()].map(others_id))
        # One row a day for each stand-in: the sums only, not the orders (their products, numbers, customers).
        sums = [c for c in ("premium", "fyc", "cases") if c in outside.columns]
        first = [c for c in outside.columns if c not in (*sums, "date", "person")]
        outside = outside.groupby(["date", "person"], as_index=False, sort=True).agg(
            {**{c: "sum" for c in sums}, **{c: "first" for c in first}})
        for column in first:
            if column != ROW:
                outside[column] = None
        out["sales"] = pd.concat([out["sales"], outside.astype(out["sales"].dtypes.to_dict())], ignore_index=True)
    targets = tables.get("targets")
    if targets is not None and not targets.empty and "unit" in targets.columns:
        theirs = targets[targets["unit"].map(lambda u: text_or_none(u) in set(scope.above)).astype(bool)]
        out["targets"] = pd.concat([out["targets"], theirs], ignore_index=True)


def _inside(values: pd.Series, keep: frozenset[str]) -> pd.Series:
    """Whether each cell is empty or names something kept."""
    return values.map(lambda v: (text := text_or_none(v)) is None or text in keep).astype(bool)


def scope_tables(tables: dict[str, pd.DataFrame], scope: Scope, tree: UnitTree, others: str
                 ) -> dict[str, pd.DataFrame]:
    """The rows of every table that concern the scope only: a row is kept when every person and unit it names
    (its columns that refer to people or units) is inside. The units table keeps the scope's units, the top
    ones without their parent (outside), and leaves out a head or tracker from outside. With the scope's
    `above`, the units above keep their totals (see _totals_above; `others` names their stand-ins)."""
    out: dict[str, pd.DataFrame] = {}
    for name, frame in tables.items():
        dataset = DATASETS.get(name)
        if dataset is None or frame.empty:
            out[name] = frame
            continue
        refs = [(c.name, scope.people if c.ref == "people" else scope.units) for c in dataset.columns
                if c.ref in ("people", "units") and c.name in frame.columns]
        if name == "units":
            frame = frame[frame["id"].map(lambda u: text_or_none(u) in scope.units).astype(bool)].copy()
            for column, keep in refs:
                frame[column] = frame[column].where(_inside(frame[column], keep))
            out[name] = frame.reset_index(drop=True)
            continue
        kept = pd.Series(True, index=frame.index)
        for column, keep in refs:
            kept &= _inside(frame[column], keep)
        out[name] = frame[kept].reset_index(drop=True) if not kept.all() else frame
    if scope.above and "units" in out and "people" in out:
        _totals_above(tables, out, scope, tree, others)
    return out


class Redactor:
    """Blanks the names of the people and units outside a scope in a text (the same name of someone inside is
    kept: each place a name is found is read as the longest name there)."""

    def __init__(self, tables: dict[str, pd.DataFrame], scope: Scope, tree: UnitTree) -> None:
        names_in: set[str] = set()
        names_out: set[str] = set()
        above = {a for root in scope.roots if root in tree.parent for a in tree.ancestors(root)}
        for table, key, keep in (("people", "id", scope.people), ("units", "id", scope.units | above)):
            frame = tables.get(table)
            if frame is None or frame.empty:
                continue
            for ident, name in zip(frame[key], frame["name"], strict=True):
                text = text_or_none(name)
                if text is not None and len(text) >= 2:  # a one-letter name would blank half of every text
                    (names_in if text_or_none(ident) in keep else names_out).add(text)
        self.kept = names_in
        self.names = names_out - names_in
        words = sorted(self.names | names_in, key=lambda n: (-len(n), n))
        self.pattern = re.compile("|".join(map(re.escape, words))) if self.names else None

    def text(self, value: Any) -> Any:
        """A text with the outside names blanked; lists and mappings inside are done too; others as given."""
        if isinstance(value, str):
            if self.pattern is None:
                return value
            return self.pattern.sub(lambda m: m.group() if m.group() in self.kept else REDACTED, value)
        if isinstance(value, list):
            return [self.text(v) for v in value]
        if isinstance(value, dict):
            return {k: self.text(v) for k, v in value.items()}
        return value

    def frame(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A table with the outside names blanked in every text column."""
        if self.pattern is None:
            return frame
        out = frame.copy()
        for column in out.columns:
            if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
                out[column] = out[column].map(self.text, na_action="ignore")
        return out


def _unit_named(value: Any, ids: dict[str, str]) -> str | None:
    """The unit id a front-matter value names (an id, or a name as in the units or people table), else None."""
    text = text_or_none(value)
    return None if text is None else ids.get(text)


def scope_documents(documents: dict[str, list[Document]], tables: dict[str, pd.DataFrame], scope: Scope,
                    tree: UnitTree, redactor: Redactor) -> tuple[dict[str, list[Document]], set[str]]:
    """The documents of a scoped build, outside names blanked (new documents: parsed ones may be kept between
    builds), and the files of those left out. `tables` are the whole site's, to tell where a person named is.

    Left out: a notice or battle report not meant for the scope (its `units`); a battle report, meeting or
    debrief about a unit or person outside it (a report naming someone the tables do not know is left out too:
    it cannot be told to be inside)."""
    units = tables.get("units", pd.DataFrame(columns=["id", "name"]))
    people = tables.get("people", pd.DataFrame(columns=["id", "name", "unit"]))
    unit_ids: dict[str, str] = {str(n): str(u) for u, n in zip(units["id"], units["name"], strict=True)
                                if text_or_none(n)}
    unit_ids.update({str(u): str(u) for u in units["id"]})
    person_units: dict[str, str] = {}
    for ident, name, unit in zip(people["id"], people["name"], people["unit"], strict=True):
        if text_or_none(unit) is not None:
            person_units.setdefault(str(name), str(unit))
            person_units[str(ident)] = str(unit)
    kept: dict[str, list[Document]] = {}
    dropped: set[str] = set()
    for collection, docs in documents.items():
        kept[collection] = []
        for doc in docs:
            inside = meant_for(doc, scope.roots, tree) if collection in ("notices", "battle") else True
            named = [(doc.meta.get("unit"), unit_ids)]
            if collection == "battle":
                named.append((doc.meta.get("person"), person_units))
            for value, ids in named:
                if inside and text_or_none(value) is not None:
                    inside = _unit_named(value, ids) in scope.units
            if inside:
                kept[collection].append(dataclasses.replace(doc, meta=redactor.text(doc.meta),
                                                            html=redactor.text(doc.html),
                                                            source=redactor.text(doc.source)))
            else:
                dropped.add(doc.file)
    return kept, dropped
