"""What the messages say, read from the PUBLISHED output, never recomputed.

The morning figures come from `daily/<as-of>/units.csv` and `people.csv` (the daily report's own CSVs, so a
message and the report agree to the unit), battle reports from `battle/feed.xml`, the warnings and overdue
follow-ups from the CSV downloads of `warnings/`. `build.json` gives the as-of date and the profile.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from .. import formats
from ..config.schema import NOTIFY_KINDS
from ..errors import TrackboardError
from ..i18n import translator

KINDS = NOTIFY_KINDS  # morning, battle, overdue: the order in which a target gets them
BATTLE_DAYS = 3  # battle reports dated this many days up to the as-of date are news; older ones are not sent
TOP_PEOPLE = 3
OWNERS_SHOWN = 10  # in an overdue message; the rest are counted, the link lists them all
ITEMS_SHOWN = 3  # for each owner
ATOM = "{http://www.w3.org/2005/Atom}"

# Warning lists of warnings/ whose rows have an owner who must act, and the column naming them. An item overdue
# without a remedy plan (remedy-missing) is also in register-followups: it is told once, as the louder of the two.
OWNER_LISTS = {"remedy-missing": "owner", "register-followups": "owner", "talks-missing": "supervisor",
               "resources-stale": "owner"}
PERSON_COLUMNS = ("person", "owner", "supervisor")  # ids of people, to place a row in a unit
UNIT_NAME_COLUMNS = ("unit", "unit_name")  # names of units


@dataclass
class Message:
    kind: str  # morning, battle, overdue
    id: str  # unique within the kind: the as-of date, or the battle report's key
    title: str
    body: str
    attachments: list[Path] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)  # phone numbers, for services that mention by phone

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a published CSV (UTF-8 with BOM) as dicts of strings."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(io.StringIO(handle.read())))


def _number(value: str | None) -> float | None:
    if value is None or value.strip() == "":
        return None
    try:
        return float(value)
    except ValueError:
        return None


@dataclass
class Target:
    """What a message depends on besides the published output: the target's scope and how it mentions people."""

    unit: str = ""  # a unit id, or "" for the whole site
    mask_phone: bool = False
    phone_mentions: bool = False  # the service mentions by phone (DingTalk)
    attachments: bool = False  # the service takes files


class Published:
    """A published output folder, read for messages."""

    def __init__(self, out: Path, locale: str, base_url: str) -> None:
        self.out = out
        self.locale = locale
        self.t = translator(locale)
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""
        info_path = out / "build.json"
        try:
            info = json.loads(info_path.read_text(encoding="utf-8"))
            self.as_of = dt.date.fromisoformat(info["as_of"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise TrackboardError(f"no published build in {out} (build.json missing or unreadable: "
                                  f"{type(exc).__name__}); run `trackboard build` first") from None
        self.profile: str | None = info.get("profile")
        self.stamp = self.as_of.isoformat()
        self.daily = out / "daily" / self.stamp
        units_csv = self.daily / "units.csv"
        if not units_csv.is_file():
            raise TrackboardError(f"the published build has no daily report for {self.stamp} "
                                  f"({units_csv.relative_to(out).as_posix()} is missing)")
        self.units = read_csv(units_csv)
        if not self.units:
            raise TrackboardError(f"{units_csv.relative_to(out).as_posix()} has no units")
        people_csv = self.daily / "people.csv"
        self.people = read_csv(people_csv) if people_csv.is_file() else []
        self.unit_ids = [row["unit"] for row in self.units]
        self.unit_by_name = {row["name"]: row["unit"] for row in self.units}
        self.person_unit = {row["person"]: row["unit"] for row in self.people}
        self.person_name = {row["person"]: row["name"] for row in self.people}
        self._children: dict[str, list[str]] = {}
        for row in self.units:
            self._children.setdefault(row.get("parent") or "", []).append(row["unit"])

    # --- scope ---

    def subtree(self, unit: str) -> set[str]:
        """A unit and every unit below it."""
        found, todo = set(), [unit]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(self._children.get(current, []))
        return found

    def in_scope(self, row: dict[str, str], scope: set[str] | None) -> bool:
        """Whether a row of a published CSV belongs to the scope (None: everything). A row is placed by a unit
        name column, else by a person's id; a row that names neither belongs to the whole site only."""
        if scope is None:
            return True
        for column in UNIT_NAME_COLUMNS:
            unit = self.unit_by_name.get(row.get(column) or "")
            if unit:
                return unit in scope
        for column in PERSON_COLUMNS:
            unit = self.person_unit.get(row.get(column) or "")
            if unit:
                return unit in scope
        return False

    def link(self, path: str) -> str | None:
        return self.base_url + path if self.base_url else None

    def money(self, value: float | None) -> str:
        return formats.money(value, self.locale)

    # --- the messages ---

    def warning_lists(self) -> dict[str, list[dict[str, str]]]:
        folder = self.out / "warnings"
        if not folder.is_dir():
            return {}
        return {path.stem: read_csv(path) for path in sorted(folder.glob("*.csv"))}

    def morning(self, target: Target) -> Message:
        """The as-of day's figures of the target's unit (the top unit when none)."""
        loc = self.locale
        top = next((r["unit"] for r in self.units if (r.get("parent") or "") not in self.unit_ids), self.unit_ids[0])
        unit_id = target.unit or top
        row = next(r for r in self.units if r["unit"] == unit_id)
        scope = self.subtree(unit_id) if target.unit else None
        days = calendar.monthrange(self.as_of.year, self.as_of.month)[1]
        progress = formats.percent(self.as_of.day / days, loc)
        lines = [self.t("notify.morning.day", premium=self.money(_number(row["premium_day"])),
                      cases=formats.number(_number(row["cases_day"]), loc))]
        target_month = _number(row.get("target_month"))
        if target_month:
            lines.append(self.t("notify.morning.month", mtd=self.money(_number(row["premium_mtd"])),
                              target=self.money(target_month),
                              achievement=formats.percent(_number(row.get("achievement_mtd")), loc),
                              progress=progress))
        else:
            lines.append(self.t("notify.morning.month_no_target", mtd=self.money(_number(row["premium_mtd"])),
                              progress=progress))
        if self.people:
            members = [p for p in self.people if scope is None or p["unit"] in scope]
            selling = [p for p in members if (_number(p["premium_day"]) or 0) > 0]
            selling.sort(key=lambda p: (-(_number(p["premium_day"]) or 0), -(_number(p["premium_mtd"]) or 0),
                                        p["person"]))
            leaders = [self.t("notify.morning.person", name=p["name"], premium=self.money(_number(p["premium_day"])))
                       for p in selling[:TOP_PEOPLE]]
            lines.append(self.t("notify.morning.top", people=self.t("sep.list").join(leaders)) if leaders
                         else self.t("notify.morning.top_none"))
        warnings = self.warning_lists()
        if warnings:
            count = sum(1 for rows in warnings.values() for r in rows if self.in_scope(r, scope))
            lines.append(self.t("notify.morning.warnings", count=count))
        unit_page = f"daily/{self.stamp}/units/{unit_id}/"
        page = unit_page if target.unit and (self.out / unit_page / "index.html").is_file() else f"daily/{self.stamp}/"
        url = self.link(page)
        if url:
            lines.append(self.t("notify.morning.link", url=url))
        attachments = []
        if target.attachments:
            candidates = ([self.daily / "units" / f"{unit_id}.pdf"] if target.unit else [self.daily / "report.pdf"])
            candidates.append(self.out / "posters" / "daily" / f"{self.stamp}.png")
            attachments = [path for path in candidates if path.is_file()]
        title = self.t("notify.morning.title", unit=row["name"], date=formats.long_date(self.as_of, loc))
        return Message("morning", self.stamp, title, "\n".join(lines), attachments)

    def battle(self, target: Target) -> list[Message]:
        """Each battle report and big order of the last BATTLE_DAYS days up to the as-of date, oldest first."""
        feed = self.out / "battle" / "feed.xml"
        if not feed.is_file():
            return []
        try:
            root = ET.parse(feed).getroot()
        except ET.ParseError as exc:
            raise TrackboardError(f"{feed}: not a readable Atom feed ({exc})") from None
        scope_names = ({row["name"] for row in self.units if row["unit"] in self.subtree(target.unit)}
                       if target.unit else None)
        first = self.as_of - dt.timedelta(days=BATTLE_DAYS - 1)
        messages = []
        for entry in root.findall(f"{ATOM}entry"):
            entry_id = entry.findtext(f"{ATOM}id") or ""
            key = entry_id.rsplit("#", 1)[-1] if "#" in entry_id else entry_id.rsplit(":", 1)[-1]
            try:
                day = dt.date.fromisoformat((entry.findtext(f"{ATOM}updated") or "")[:10])
            except ValueError:
                continue
            if not first <= day <= self.as_of:
                continue
            summary = entry.findtext(f"{ATOM}summary") or ""
            if scope_names is not None and not scope_names & set(summary.split(" · ")):
                continue
            lines = [entry.findtext(f"{ATOM}title") or "", summary]
            # The report's own page, as the feed links it (relative to battle/ when the site has no base_url).
            page = entry.find(f"{ATOM}link")
            href = page.get("href", "") if page is not None else ""
            url = self.link(href.removeprefix(self.base_url) if href.startswith(self.base_url) else f"battle/{href}")
            if url:
                lines.append(self.t("notify.battle.link", url=url))
            title = self.t("notify.battle.title", date=formats.date(day, self.locale))
            messages.append(Message("battle", key, title, "\n".join(x for x in lines if x)))
        messages.reverse()  # the feed is newest first
        return messages

    def overdue(self, target: Target, phones: dict[str, str] | None = None) -> Message | None:
        """The items overdue for follow-up, and the warnings that name an owner, grouped by owner."""
        scope = self.subtree(target.unit) if target.unit else None
        lists = self.warning_lists()
        owners: dict[str, list[tuple[int, str]]] = {}
        names: dict[str, str] = {}
        pushed = {(row.get("register"), row.get("id")) for row in lists.get("remedy-missing", [])}
        for list_id, column in OWNER_LISTS.items():
            for row in lists.get(list_id, []):
                owner = row.get(column) or ""
                if not owner or (scope is not None and self.person_unit.get(owner) not in scope):
                    continue
                if list_id == "register-followups" and (row.get("register"), row.get("id")) in pushed:
                    continue
                days, item = self._item(list_id, row)
                owners.setdefault(owner, []).append((days, item))
                names[owner] = (row.get("owner_name") or row.get("supervisor_name") or row.get("name")
                                or self.person_name.get(owner) or owner)
        if not owners:
            return None
        order = sorted(owners, key=lambda o: (-max(d for d, _ in owners[o]), -len(owners[o]), o))
        mentions: list[str] = []
        lines = [self.t("notify.overdue.intro", count=sum(len(v) for v in owners.values()), owners=len(owners))]
        for owner in order[:OWNERS_SHOWN]:
            items = sorted(owners[owner], key=lambda x: -x[0])
            shown = [item for _, item in items[:ITEMS_SHOWN]]
            if len(items) > ITEMS_SHOWN:
                shown.append(self.t("notify.overdue.more", count=len(items) - ITEMS_SHOWN))
            phone = (phones or {}).get(owner, "") if target.phone_mentions else ""
            if phone:
                mentions.append(phone)
            mention = f"@{phone} " if phone and not target.mask_phone else "@"
            lines.append(self.t("notify.overdue.owner", mention=mention, name=names[owner], count=len(items),
                              items=self.t("sep.clause").join(shown)))
        if len(order) > OWNERS_SHOWN:
            lines.append(self.t("notify.overdue.more_owners", count=len(order) - OWNERS_SHOWN))
        url = self.link("warnings/")
        if url:
            lines.append(self.t("notify.overdue.link", url=url))
        title = self.t("notify.overdue.title", date=formats.long_date(self.as_of, self.locale))
        return Message("overdue", self.stamp, title, "\n".join(lines), mentions=mentions)

    def _item(self, list_id: str, row: dict[str, str]) -> tuple[int, str]:
        days = int(_number(row.get("days_overdue") or row.get("days")) or 0)
        if list_id == "register-followups":
            if not row.get("days_overdue"):
                return 10**6, self.t("notify.overdue.register_never", register=row.get("register", ""),
                                   item=row.get("item", ""))
            return days, self.t("notify.overdue.register", register=row.get("register", ""), item=row.get("item", ""),
                              days=days)
        if list_id == "remedy-missing":
            if not row.get("days_overdue"):
                return 10**6, self.t("notify.overdue.remedy_never", register=row.get("register", ""),
                                   item=row.get("item", ""))
            return days, self.t("notify.overdue.remedy", register=row.get("register", ""), item=row.get("item", ""),
                              days=days)
        if list_id == "talks-missing":
            return days, self.t("notify.overdue.talk", name=row.get("name", ""), days=days)
        return days, self.t("notify.overdue.resource", batches=row.get("batches", ""), days=days)

    def messages(self, kinds: list[str], target: Target, phones: dict[str, str] | None = None) -> list[Message]:
        """The messages of the given kinds for a target, in the order they are sent."""
        found: list[Message] = []
        for kind in KINDS:
            if kind not in kinds:
                continue
            if kind == "morning":
                found.append(self.morning(target))
            elif kind == "battle":
                found.extend(self.battle(target))
            else:
                message = self.overdue(target, phones)
                if message is not None:
                    found.append(message)
        return found
