"""Checks and completion of the targets table beyond its columns: a manpower target is a unit's, and, with
`[rules] target_rollup`, a unit without its own target takes the sum of its children's."""

from __future__ import annotations

import pandas as pd

from ..errors import Problem, explained, say
from .datasets import ROW, Source


def check_targets(targets: pd.DataFrame, source: Source | None) -> tuple[pd.DataFrame, list[Problem]]:
    """The targets without the rows the site cannot use, and an error for each: a manpower target of a person (a
    headcount is a unit's)."""
    if targets.empty:
        return targets, []
    person = targets["person"].notna() & (targets["person"].astype(str).str.strip() != "")
    bad = (person & (targets["metric"] == "manpower")).to_numpy()
    file = source.file if source else "data/targets.csv"
    header = source.headers.get("person", "person") if source else "person"
    problems = [explained(file, int(row), header, say("problem.data.manpower_person")) for row in targets.loc[bad, ROW]]
    return (targets[~bad].reset_index(drop=True) if bad.any() else targets), problems


def roll_up_targets(targets: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The targets with a row added for every unit that has no target of its own for a metric and period while
    units below it do: the sum of its children's (their own, or rolled up in turn). Added rows have no file row
    (`_row` 0); people's targets are left as they are."""
    if targets.empty:
        return targets
    person = targets["person"].notna() & (targets["person"].astype(str).str.strip() != "")
    own = targets[~person & targets["unit"].notna()]
    given: dict[tuple[str, str], dict[str, float]] = {}
    for unit, metric, period, value in zip(own["unit"], own["metric"], own["period"], own["target"], strict=True):
        cell = given.setdefault((str(metric), str(period)), {})
        cell[str(unit)] = cell.get(str(unit), 0.0) + float(value)
    parent = {str(u): (None if pd.isna(p) or p == "" else str(p))
              for u, p in zip(units["id"], units["parent"], strict=True)}
    # Children before parents: a unit's depth below the top, deepest first.
    depth = {}
    for unit in parent:
        node, level = parent[unit], 0
        while node is not None and level <= len(parent):
            node, level = parent.get(node), level + 1
        depth[unit] = level
    bottom_up = sorted(parent, key=lambda u: -depth[u])
    added = []
    for (metric, period), values in sorted(given.items()):
        summed: dict[str, float] = {}  # units without their own target: the sum of their children's so far
        for unit in bottom_up:
            value = values.get(unit, summed.get(unit))
            if unit not in values and unit in summed:
                added.append({"period": period, "unit": unit, "person": None, "metric": metric,
                              "target": summed[unit], ROW: 0})
            up = parent[unit]
            if value is not None and up is not None:
                summed[up] = summed.get(up, 0.0) + value
    if not added:
        return targets
    extra = pd.DataFrame(added, columns=list(targets.columns)).astype(targets.dtypes.to_dict())
    return pd.concat([targets, extra], ignore_index=True)
