"""Freshness: `next_change` in build.json, and notices dated ahead staying hidden until their day."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import FIXED_NOW, html, texts

from generator.commands.build import build
from generator.inputs.content import Document
from generator.metrics.freshness import Change, next_change
from generator.pages.notices import select_notices

AS_OF = dt.date(2026, 3, 5)


def doc(collection: str, slug: str, **meta: object) -> Document:
    return Document(collection, slug, f"content/{collection}/{slug}.md", dict(meta), "")


def test_nothing_scheduled_is_none() -> None:
    documents = {"notices": [doc("notices", "old", date=dt.date(2026, 3, 1), expires=None)],
                 "battle": [doc("battle", "b", date=dt.date(2026, 3, 5))],
                 "faq": [doc("faq", "q", rank=1)]}
    assert next_change(documents, AS_OF) is None
    assert next_change({}, AS_OF) is None


def test_notice_published_later() -> None:
    documents = {"notices": [doc("notices", "later", date=dt.date(2026, 3, 9)),
                             doc("notices", "soon", date=dt.date(2026, 3, 7))]}
    assert next_change(documents, AS_OF) == Change(dt.date(2026, 3, 7), "content/notices/soon.md", "published")


def test_notice_expiring_changes_the_day_after_its_last_day() -> None:
    last_day_today = {"notices": [doc("notices", "n", date=dt.date(2026, 3, 1), expires=AS_OF)]}
    assert next_change(last_day_today, AS_OF) == Change(dt.date(2026, 3, 6), "content/notices/n.md", "expires")
    expired = {"notices": [doc("notices", "n", date=dt.date(2026, 3, 1), expires=dt.date(2026, 3, 4))]}
    assert next_change(expired, AS_OF) is None


def test_battle_report_and_meeting_dated_ahead() -> None:
    documents = {"battle": [doc("battle", "b", date=dt.date(2026, 3, 12))],
                 "meetings": [doc("meetings", "m", date=dt.date(2026, 3, 10))]}
    assert next_change(documents, AS_OF) == Change(dt.date(2026, 3, 11), "content/meetings/m.md", "meeting past")
    today = {"meetings": [doc("meetings", "m", date=AS_OF)]}  # upcoming today, past tomorrow
    assert next_change(today, AS_OF) == Change(dt.date(2026, 3, 6), "content/meetings/m.md", "meeting past")


def test_earliest_of_all_wins() -> None:
    documents = {"notices": [doc("notices", "n", date=dt.date(2026, 3, 1), expires=dt.date(2026, 3, 20)),
                             doc("notices", "p", date=dt.date(2026, 4, 1))],
                 "battle": [doc("battle", "b", date=dt.date(2026, 3, 15))],
                 "meetings": [doc("meetings", "m", date=dt.date(2026, 3, 18))]}
    assert next_change(documents, AS_OF).date == dt.date(2026, 3, 15)


def test_select_notices_hides_notices_dated_after_the_as_of_date() -> None:
    now, later = doc("notices", "now", date=AS_OF), doc("notices", "later", date=AS_OF + dt.timedelta(days=1))
    shown = select_notices([now, later], AS_OF)
    assert [d.slug for d in shown.current] == ["now"] and shown.expired == []
    assert [d.slug for d in select_notices([now, later], AS_OF + dt.timedelta(days=1)).current] == ["later", "now"]


@pytest.mark.slow
def test_build_json_next_change_and_the_hidden_notice(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {
        "content/notices/later.md": "---\ntitle: 下周启动会\ndate: 2026-03-09\n---\n正文\n",
        "content/notices/ending.md": "---\ntitle: 报名截止\ndate: 2026-03-01\nexpires: 2026-03-07\n---\n正文\n",
    })
    build(site, as_of=AS_OF, clock=lambda: FIXED_NOW)
    out = site / "output"
    assert json.loads((out / "build.json").read_text(encoding="utf-8"))["next_change"] == "2026-03-08"
    board = texts(html(out / "notices/index.html"), "main a")
    assert "报名截止" in board and "下周启动会" not in board
    assert not (out / "notices/later").exists()

    build(site, as_of=dt.date(2026, 3, 9), clock=lambda: FIXED_NOW)
    assert "下周启动会" in texts(html(out / "notices/index.html"), "main a")
    assert json.loads((out / "build.json").read_text(encoding="utf-8"))["next_change"] is None
