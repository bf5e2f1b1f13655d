"""Tracking compliance: the trackers' daily standard, their notes, and the hygiene of the mass texts.

Pure functions of the tables and the dates they are given; no page text here. Definitions:

- The daily standard applies to each unit a tracker follows, each working day: at least `calls`
  calls and `sms` messages. A working day is a day on which any tracker logged anything; a tracker
  who follows a unit (logged it at least once since `pairs_since`) and has no row for it on a
  working day counts as "not logged", with 0 calls and 0 messages.
- Quiet hours run from `start` (inclusive) to `end` (exclusive) and may wrap midnight
  (["21:00", "08:00"]: 21:00 is quiet, 08:00 is not). Equal times mean no quiet hours.
- Delivery rate = delivered ÷ (delivered + failed); reply rate = replies ÷ delivered.
- Weeks are ISO weeks, Monday to Sunday.
- A texting-group member "has left" when their person has a leave date on or before the as-of
  date, or when the row's phone belongs to no one employed on the as-of date.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ..inputs.schemas import DATASETS
from .kpis import text_or_none

if TYPE_CHECKING:
    from pandas.api.typing import NaTType

CATEGORIES = tuple(DATASETS["sms"].column("category").choices or ())  # incentive, care, battle, notice
TRACKER_DAY_COLUMNS = ["date", "tracker", "unit", "calls", "sms", "logged", "below_calls", "below_sms", "below"]


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week of `day`."""
    return day - dt.timedelta(days=day.weekday())


def recent_weeks(as_of: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the last `weeks` ISO weeks, the current one counted up to `as_of`."""
    return week_start(as_of) - dt.timedelta(weeks=max(weeks, 1) - 1), as_of


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce").dt.normalize()


def _in_span(days: pd.Series, first: dt.date, last: dt.date) -> pd.Series:
    return days.notna() & (days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))


def tracker_days(tracking: pd.DataFrame, first: dt.date, last: dt.date, calls: int, sms: int,
                 pairs_since: dt.date | None = None) -> pd.DataFrame:
    """Return one row per tracker, unit followed and working day from `first` to `last`.

    Columns TRACKER_DAY_COLUMNS (date as datetime64, calls and sms int64; several rows of the same
    tracker, unit and day add up). `below` is true when calls < `calls`, sms < `sms` or nothing was
    logged. Sorted by date, tracker, unit.
    """
    days = _dates(tracking["date"])
    rows = pd.DataFrame({
        "date": days,
        "tracker": tracking["tracker"].map(text_or_none).astype(object),
        "unit": tracking["unit"].map(text_or_none).astype(object),
        "calls": pd.to_numeric(tracking["calls"], errors="coerce").fillna(0).astype("int64"),
        "sms": pd.to_numeric(tracking["sms"], errors="coerce").fillna(0).astype("int64"),
    })
    rows = rows[rows["tracker"].notna() & rows["unit"].notna()]
    since = pairs_since if pairs_since is not None and pairs_since < first else first
    pairs = rows[_in_span(rows["date"], since, last)][["tracker", "unit"]].drop_duplicates()
    window = rows[_in_span(rows["date"], first, last)]
    logged = window.groupby(["date", "tracker", "unit"], sort=True)[["calls", "sms"]].sum()
    working = sorted(window["date"].unique())
    if not working or pairs.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(TRACKER_DAY_COLUMNS, (
            "datetime64[ns]", "object", "object", "int64", "int64", "bool", "bool", "bool", "bool"), strict=True)})
    grid = pd.MultiIndex.from_tuples(
        [(day, tracker, unit) for day in working for tracker, unit in pairs.itertuples(index=False)],
        names=["date", "tracker", "unit"])
    # Grouped by three columns, the sums' index is a MultiIndex (pandas-stubs types a groupby's index as Index).
    full = logged.reindex(grid.union(cast(pd.MultiIndex, logged.index)))
    out = full.reset_index()
    out["logged"] = out["calls"].notna().to_numpy()
    out["calls"] = out["calls"].fillna(0).astype("int64")
    out["sms"] = out["sms"].fillna(0).astype("int64")
    out["below_calls"] = (out["calls"] < calls).to_numpy()
    out["below_sms"] = (out["sms"] < sms).to_numpy()
    out["below"] = (out["below_calls"] | out["below_sms"] | ~out["logged"]).to_numpy()
    out["date"] = out["date"].astype("datetime64[ns]")
    return out.sort_values(["date", "tracker", "unit"], kind="mergesort").reset_index(drop=True)[TRACKER_DAY_COLUMNS]


def tracker_summary(days: pd.DataFrame) -> pd.DataFrame:
    """Sum `tracker_days` per tracker and unit: working days, days logged, days below (and why), totals.

    Columns tracker, unit, days, logged, below, below_calls, below_sms, missing, calls, sms; sorted by
    tracker, unit.
    """
    if days.empty:
        return pd.DataFrame(columns=["tracker", "unit", "days", "logged", "below", "below_calls", "below_sms",
                                     "missing", "calls", "sms"])
    frame = days.assign(
        missing=~days["logged"],
        # A day not logged is below standard, but not "below on calls" or "on messages": it is its own reason.
        below_calls=days["below_calls"] & days["logged"],
        below_sms=days["below_sms"] & days["logged"],
        days=1,
    )
    grouped = frame.groupby(["tracker", "unit"], sort=True)
    out = grouped[["days", "logged", "below", "below_calls", "below_sms", "missing", "calls", "sms"]].sum()
    return out.astype("int64").reset_index()


def tracker_scorecard(tracking: pd.DataFrame, days: pd.DataFrame, first: dt.date, last: dt.date
                      ) -> list[dict[str, Any]]:
    """Per tracker, over `days` (tracker_days from `first` to `last`), sorted by tracker:

    entries (working days × units followed), met (entries at the standard), logged (entries with a row), filled
    (logged entries with a forecast and a highlight or a problem: the log's fields complete) and units (the ids
    followed, sorted).
    """
    if days.empty:
        return []
    frame = pd.DataFrame({
        "date": _dates(tracking["date"]), "tracker": tracking["tracker"].map(text_or_none).astype(object),
        "unit": tracking["unit"].map(text_or_none).astype(object),
        "filled": (tracking["forecast"].notna() & (tracking["highlights"].map(text_or_none).notna()
                                                   | tracking["problems"].map(text_or_none).notna())).to_numpy(),
    })
    frame = frame[_in_span(frame["date"], first, last) & frame["tracker"].notna() & frame["unit"].notna()]
    filled = frame.groupby(["date", "tracker", "unit"])["filled"].any()
    joined = days.join(filled, on=["date", "tracker", "unit"])
    joined["filled"] = joined["filled"].fillna(False).astype(bool) & joined["logged"]
    out = []
    for tracker, group in joined.groupby("tracker", sort=True):
        out.append({"tracker": str(tracker), "entries": len(group), "met": int((~group["below"]).sum()),
                    "logged": int(group["logged"].sum()), "filled": int(group["filled"].sum()),
                    "units": sorted({str(u) for u in group["unit"]})})
    return out


def tracker_notes(tracking: pd.DataFrame, first: dt.date, last: dt.date) -> pd.DataFrame:
    """The highlights and problems logged from `first` to `last`: date, tracker, unit, highlights, problems.

    Rows with neither are left out. Newest first, then by unit and tracker.
    """
    frame = pd.DataFrame({
        "date": _dates(tracking["date"]),
        "tracker": tracking["tracker"].map(text_or_none).astype(object),
        "unit": tracking["unit"].map(text_or_none).astype(object),
        "highlights": tracking["highlights"].map(text_or_none).astype(object),
        "problems": tracking["problems"].map(text_or_none).astype(object),
    })
    keep = _in_span(frame["date"], first, last) & (frame["highlights"].notna() | frame["problems"].notna())
    frame = frame[keep]
    order = frame.assign(_day=frame["date"].astype("int64"), _unit=frame["unit"].fillna(""),
                         _tracker=frame["tracker"].fillna(""))
    order = order.sort_values(["_day", "_unit", "_tracker"], ascending=[False, True, True], kind="mergesort")
    return frame.loc[order.index].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# SMS
# ---------------------------------------------------------------------------------------------


def minutes(hhmm: str) -> int:
    """Minutes after midnight of "HH:MM"."""
    hours, mins = hhmm.strip().split(":")
    return int(hours) * 60 + int(mins)


def in_quiet_hours(minute: int, start: int, end: int) -> bool:
    """Whether a minute of the day falls in quiet hours from `start` (inclusive) to `end` (exclusive)."""
    if start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end  # wraps midnight


def sms_messages(sms: pd.DataFrame, first: dt.date, last: dt.date, quiet: list[str]) -> pd.DataFrame:
    """The messages sent from `first` to `last` (by date), oldest first, with `quiet` and `week` added.

    Columns sent_at, group, category, recipients, delivered, failed, replies, text, quiet (bool), week
    (the Monday of its ISO week, datetime64).
    """
    sent = pd.to_datetime(sms["sent_at"], errors="coerce")
    frame = pd.DataFrame({
        "sent_at": sent,
        "group": sms["group"].map(text_or_none).astype(object),
        "category": sms["category"].map(text_or_none).astype(object),
        **{c: pd.to_numeric(sms[c], errors="coerce").fillna(0).astype("int64")
           for c in ("recipients", "delivered", "failed", "replies")},
        "text": sms["text"].map(text_or_none).astype(object) if "text" in sms else None,
    })
    frame = frame[_in_span(sent.dt.normalize(), first, last) & frame["group"].notna()]
    start, end = (minutes(t) for t in quiet)
    minute = frame["sent_at"].dt.hour * 60 + frame["sent_at"].dt.minute
    frame["quiet"] = np.array([in_quiet_hours(int(m), start, end) for m in minute], dtype=bool)
    day = frame["sent_at"].dt.normalize()
    frame["week"] = (day - pd.to_timedelta(day.dt.day_of_week, unit="D")).astype("datetime64[ns]")
    order = frame.assign(_group=frame["group"]).sort_values(["sent_at", "_group"], kind="mergesort").index
    return frame.loc[order].reset_index(drop=True)


def _rates(frame: pd.DataFrame) -> pd.DataFrame:
    attempted = (frame["delivered"] + frame["failed"]).to_numpy(dtype="float64")
    delivered = frame["delivered"].to_numpy(dtype="float64")
    delivery = np.full(len(frame), np.nan)
    np.divide(delivered, attempted, out=delivery, where=attempted > 0)
    reply = np.full(len(frame), np.nan)
    np.divide(frame["replies"].to_numpy(dtype="float64"), delivered, out=reply, where=delivered > 0)
    return frame.assign(delivery_rate=delivery, reply_rate=reply)


def sms_by(messages: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per `key` ("group" or "category"): messages, one count per category (for groups), recipients,
    delivered, failed, replies, delivery_rate, reply_rate. Sorted by key (categories in schema order).
    """
    columns = ["recipients", "delivered", "failed", "replies"]
    if messages.empty:
        base = pd.DataFrame(columns=[key, "messages", *columns])
        return _rates(base.astype({c: "int64" for c in ["messages", *columns]}))
    grouped = messages.groupby(key, sort=True)
    out = grouped[columns].sum()
    out.insert(0, "messages", grouped.size())
    if key == "group":
        counts = messages.groupby([key, "category"]).size().unstack(fill_value=0)
        for category in CATEGORIES:
            out.insert(len(out.columns) - len(columns), category,
                       counts.get(category, 0))
    out = out.reset_index()
    if key == "category":
        rank = {c: i for i, c in enumerate(CATEGORIES)}
        out = out.iloc[sorted(range(len(out)), key=lambda i: (rank.get(out[key].iloc[i], len(rank)),
                                                              str(out[key].iloc[i])))]
    return _rates(out.reset_index(drop=True).astype({c: "int64" for c in ["messages", *columns]}))


def sms_weekly(messages: pd.DataFrame) -> pd.DataFrame:
    """Messages per group per ISO week (only the weeks a group was messaged): group, week, messages."""
    if messages.empty:
        return pd.DataFrame({"group": pd.Series(dtype=object), "week": pd.Series(dtype="datetime64[ns]"),
                             "messages": pd.Series(dtype="int64")})
    counts = messages.groupby(["group", "week"], sort=True).size().rename("messages").reset_index()
    return counts.astype({"messages": "int64"})


def too_frequent(messages: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The weeks in which a group got more than `limit` messages: group, week, messages, quiet (of them).

    Newest week first, then by group.
    """
    weekly = sms_weekly(messages)
    over = weekly[weekly["messages"] > limit]
    quiet = messages[messages["quiet"]].groupby(["group", "week"]).size()
    over = over.assign(quiet=[int(quiet.get((g, w), 0)) for g, w in zip(over["group"], over["week"], strict=True)])
    order = over.assign(_week=over["week"].astype("int64")).sort_values(["_week", "group"], ascending=[False, True],
                                                                       kind="mergesort")
    return over.loc[order.index].reset_index(drop=True)


def normalise_phone(value: object) -> str | None:
    """Digits only, without a leading +86 / 86 on an 11-digit mobile number; None when empty."""
    text = text_or_none(value)
    if text is None:
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits or None


def departed_recipients(groups: pd.DataFrame, people: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The texting-group members who have left (see the module's definition).

    Columns group, person, name, phone, leave_date (datetime64; NaT when the person is still employed
    or unknown), reason: "left" (the person left on or before as_of) or "phone" (the phone belongs to
    no one employed on as_of). A row that is both is "left". Sorted by group, person, phone.
    """
    day = pd.Timestamp(as_of)
    ids = people["id"].map(text_or_none)
    joined = people["join_date"].isna() | (people["join_date"] <= day)
    employed = joined & (people["leave_date"].isna() | (people["leave_date"] > day))
    names = pd.Series(people["name"].to_numpy(), index=ids.to_numpy())
    leave_dates = pd.Series(people["leave_date"].to_numpy(), index=ids.to_numpy())
    employed_phones = {p for p in people.loc[employed, "phone"].map(normalise_phone) if p}
    any_phones = bool(people["phone"].map(normalise_phone).notna().any())
    rows = []
    leave: pd.Timestamp | NaTType
    for group, person, phone in zip(groups["group"], groups["person"], groups["phone"], strict=True):
        group, person = text_or_none(group), text_or_none(person)
        number = normalise_phone(phone)
        if person is not None and person in leave_dates.index:
            name, leave = names[person], leave_dates[person]
        else:  # not in the people file: no name, no leave date
            name, leave = None, pd.NaT
        if pd.notna(leave) and leave <= day:
            reason = "left"
        elif number is not None and any_phones and number not in employed_phones:
            # Without any phones in the people file there is nothing to compare with.
            reason = "phone"
            leave = pd.NaT
        else:
            continue
        rows.append({"group": group, "person": person, "name": name,
                     "phone": text_or_none(phone), "leave_date": leave, "reason": reason})
    out = pd.DataFrame(rows, columns=["group", "person", "name", "phone", "leave_date", "reason"])
    for column in ("group", "person", "name", "phone", "reason"):  # empty text stays None, not NaN
        out[column] = pd.Series([text_or_none(v) for v in out[column]], index=out.index, dtype=object)
    out["leave_date"] = pd.to_datetime(out["leave_date"]).astype("datetime64[ns]")
    keys = out.assign(_g=out["group"].fillna(""), _p=out["person"].fillna(""), _n=out["phone"].fillna(""))
    return out.loc[keys.sort_values(["_g", "_p", "_n"], kind="mergesort").index].reset_index(drop=True)
