"""The words of the messages, in the site's language.

Kept here as a small dict for now; they move into the per-locale catalogue with the rest of the interface text.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "morning.title": "【{unit}晨报】{date}",
        "morning.day": "当日保费 {premium}，件数 {cases}",
        "morning.month": "本月累计 {mtd}，目标 {target}，达成 {achievement}，时间进度 {progress}",
        "morning.month_no_target": "本月累计 {mtd}（未设目标），时间进度 {progress}",
        "morning.top": "当日前三：{people}",
        "morning.top_none": "当日前三：暂无出单",
        "morning.person": "{name} {premium}",
        "morning.warnings": "未处理预警 {count} 条",
        "morning.link": "日报：{url}",
        "battle.title": "【战报】{date}",
        "battle.link": "详情：{url}",
        "overdue.title": "【督办提醒】{date}",
        "overdue.intro": "逾期待跟进 {count} 项，涉及 {owners} 人：",
        "overdue.owner": "{mention}{name}（{count} 项）：{items}",
        "overdue.register": "{register}「{item}」逾期 {days} 天",
        "overdue.register_never": "{register}「{item}」从未跟进",
        "overdue.talk": "与{name}的绩效面谈已 {days} 天未做",
        "overdue.resource": "资源表{batches}已 {days} 天未更新",
        "overdue.more": "等 {count} 项",
        "overdue.more_owners": "另有 {count} 人，见清单",
        "overdue.link": "清单：{url}",
        "list.sep": "、",
        "list.items": "；",
    },
    "en": {
        "morning.title": "{unit} morning report, {date}",
        "morning.day": "Premium of the day {premium}, cases {cases}",
        "morning.month": "Month to date {mtd} of {target}: {achievement} achieved, {progress} of the month gone",
        "morning.month_no_target": "Month to date {mtd} (no target), {progress} of the month gone",
        "morning.top": "Top three of the day: {people}",
        "morning.top_none": "Top three of the day: no sale",
        "morning.person": "{name} {premium}",
        "morning.warnings": "Open warnings: {count}",
        "morning.link": "Daily report: {url}",
        "battle.title": "Battle report, {date}",
        "battle.link": "More: {url}",
        "overdue.title": "Follow-ups overdue, {date}",
        "overdue.intro": "{count} item(s) overdue for follow-up, {owners} owner(s):",
        "overdue.owner": "{mention}{name} ({count}): {items}",
        "overdue.register": "{register} “{item}” {days} day(s) overdue",
        "overdue.register_never": "{register} “{item}” never followed up",
        "overdue.talk": "talk with {name} not held for {days} days",
        "overdue.resource": "resource table {batches} not updated for {days} days",
        "overdue.more": "and {count} more",
        "overdue.more_owners": "{count} more owner(s) on the list",
        "overdue.link": "The list: {url}",
        "list.sep": ", ",
        "list.items": "; ",
    },
}


def text(locale: str, key: str, **values: object) -> str:
    """The text of a key in a locale (English for a locale without its own), with the values filled in."""
    words = TEXTS.get(locale, TEXTS["en"])[key]
    return words.format(**values) if values else words
