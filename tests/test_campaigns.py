"""Campaigns: rankings of people and teams, progress, tiers, repeating rounds, the pages, the board and the screens.

The expected standings are worked out by hand below from the fixture's rows (as of Thursday 5 March 2026).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import AS_OF, BASELINE, html, texts, write_files

from generator.commands.build import template_globals
from generator.metrics.campaigns import campaign_from, rounds, standing
from generator.model import Site, load_site
from generator.pages import plan_site
from generator.render import Renderer

# P006 leaves on 2 March (its last day is 1 March), P007 joins on 3 March, P008 left on 15 February.
PEOPLE = BASELINE["data/people.csv"] + """\
P006,孙离职,T1,业务员,业务员,2020-05-01,2026-03-02,
P007,周新人,T2,业务员,见习,2026-03-03,,
P008,吴二月,T2,业务员,业务员,2021-01-01,2026-02-15,
"""
# The baseline: 2 March P003 12,000; 3 March P004 94,000; 5 March P002 3,000 (one case each).
SALES = BASELINE["data/sales.csv"] + """\
2026-02-10,P008,5000,1,意外险
2026-02-28,P003,5000,1,意外险
2026-03-01,P006,8000,2,意外险
2026-03-04,P001,7000,1,意外险
"""


def campaign(front: str) -> str:
    return f"---\n{front}---\n\n冲刺！\n"


CAMPAIGNS = {
    "content/campaigns/march.md": campaign("""\
title: 三月冲刺
start: 2026-03-01
end: 2026-03-31
metric: premium
target: 200000
tiers:
  - {name: 银牌, threshold: 50000}
  - {name: 铜牌, threshold: 10000}
"""),
    "content/campaigns/zero.md": campaign("""\
title: 破零周赛
start: 2026-02-01
metric: active
units: [T1]
repeat: weekly
"""),
    "content/campaigns/achieve.md": campaign("""\
title: 个人达成
start: 2026-03-01
end: 2026-03-31
metric: achievement
target: 50000
units: T2
"""),
    "content/campaigns/recruit.md": campaign("""\
title: 增员月
start: 2026-03-01
end: 2026-03-31
metric: recruits
tiers: [{name: 增员之星, threshold: 1}]
"""),
    "content/campaigns/april.md": campaign("title: 四月预热\nstart: 2026-04-01\nend: 2026-04-30\n"),
    "content/campaigns/february.md": campaign("title: 二月件数赛\nstart: 2026-02-01\nend: 2026-02-28\nmetric: cases\n"),
    # Each of these the site cannot run: an error, and the campaign left out.
    "content/campaigns/bad-unit.md": campaign("title: 错单位\nstart: 2026-03-01\nend: 2026-03-31\nunits: [T9]\n"),
    "content/campaigns/bad-end.md": campaign("title: 倒日期\nstart: 2026-03-10\nend: 2026-03-01\n"),
    "content/campaigns/no-target.md": campaign("title: 无目标\nstart: 2026-03-01\nend: 2026-03-31\n"
                                               "metric: achievement\n"),
    "content/campaigns/no-end.md": campaign("title: 无结束\nstart: 2026-03-01\n"),
    "content/campaigns/bad-tiers.md": campaign("title: 坏奖项\nstart: 2026-03-01\nend: 2026-03-31\n"
                                               "tiers: [{name: 金牌}]\n"),
    "content/campaigns/bad-metric.md": campaign("title: 坏指标\nstart: 2026-03-01\nend: 2026-03-31\nmetric: 保费\n"),
}

SCREENS = '\n[[screens]]\nname = "hall"\nslides = ["campaign"]\n'
FILES = {"site.toml": BASELINE["site.toml"] + SCREENS, "data/people.csv": PEOPLE, "data/sales.csv": SALES,
         **CAMPAIGNS}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = tmp_path_factory.mktemp("campaigns-inputs")
    write_files(site, {**BASELINE, **FILES})
    return load_site(site, today=AS_OF, as_of=AS_OF)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("campaigns")
    write_files(site, {**BASELINE, **FILES})
    loaded = load_site(site, today=AS_OF, as_of=AS_OF)
    plan = plan_site(loaded)
    renderer = Renderer(loaded.root, loaded.locale, template_globals(loaded, plan))
    wanted = ("index.html", "campaigns/", "screen/hall/")
    outputs = [renderer.render(p) for p in plan.pages if p.path.startswith(wanted)]
    outputs += [f for f in plan.files if f.path.startswith(wanted)]
    folder = site / "output"
    for item in outputs:
        path = folder / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(item.data)
    return folder


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _campaign(site: Site, slug: str):
    doc = next(d for d in site.documents["campaigns"] if d.slug == slug)
    return campaign_from(doc.slug, doc.meta)


def _people(found) -> list[tuple[str, float, int, str | None]]:
    return [(r.person, r.value, int(r.rank), r.tier) for r in found.people.itertuples()]


def _units(found) -> list[tuple[str, float, int, int]]:
    return [(r.unit, r.value, int(r.rank), r.participants) for r in found.units.itertuples()]


def test_bad_campaigns_are_errors_naming_file_and_field(loaded: Site) -> None:
    slugs = {d.slug for d in loaded.documents["campaigns"]}
    assert slugs == {"march", "zero", "achieve", "recruit", "april", "february"}
    errors = {(p.file, p.column) for p in loaded.problems if p.is_error}
    for name, field in (("bad-unit", "units"), ("bad-end", "end"), ("no-target", "target"), ("no-end", "end"),
                        ("bad-tiers", "tiers"), ("bad-metric", "metric")):
        assert (f"content/campaigns/{name}.md", field) in errors


def test_premium_ranking_progress_and_tiers(loaded: Site) -> None:
    march = _campaign(loaded, "march")
    found = standing(loaded.tables, march, *rounds(march, AS_OF)[0], AS_OF)
    # The manager's 7,000 is not in it; P006 sold before leaving; P008 left in February; P007 takes part at 0.
    assert _people(found) == [("P004", 94000, 1, "银牌"), ("P003", 12000, 2, "铜牌"), ("P006", 8000, 3, None),
                              ("P002", 3000, 4, None), ("P007", 0, 5, None)]
    assert _units(found) == [("T2", 94000, 1, 2), ("T1", 23000, 2, 3)]
    assert found.total == 117000 and found.progress == pytest.approx(117000 / 200000)
    assert (found.days, found.elapsed, found.left, found.status) == (31, 5, 26, "running")


def test_weekly_break_zero_contest_keeps_last_weeks_final_standings(loaded: Site) -> None:
    zero = _campaign(loaded, "zero")
    current, previous = rounds(zero, AS_OF)
    assert current == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert previous == (dt.date(2026, 2, 23), dt.date(2026, 3, 1))
    now = standing(loaded.tables, zero, *current, AS_OF)
    # P006's last day was 1 March: not in this week. P002 and P003 have a case each: tied first.
    assert _people(now) == [("P002", 1, 1, None), ("P003", 1, 1, None)]
    assert now.total == 2 and _units(now) == [("T1", 2, 1, 2)]
    before = standing(loaded.tables, zero, *previous, AS_OF)
    assert before.status == "finished" and _people(before) == [("P006", 2, 1, None), ("P003", 1, 2, None)]
    # 1 February 2026 is a Sunday: the first week is that one day, clipped to the start, with none before it.
    assert rounds(zero, dt.date(2026, 2, 1)) == ((dt.date(2026, 2, 1), dt.date(2026, 2, 1)), None)
    assert rounds(zero, dt.date(2026, 2, 3)) == ((dt.date(2026, 2, 2), dt.date(2026, 2, 8)),
                                                 (dt.date(2026, 2, 1), dt.date(2026, 2, 1)))


def test_achievement_and_recruits(loaded: Site) -> None:
    achieve = _campaign(loaded, "achieve")
    found = standing(loaded.tables, achieve, *rounds(achieve, AS_OF)[0], AS_OF)
    assert _people(found) == [("P004", pytest.approx(94000 / 50000), 1, None), ("P007", 0, 2, None)]
    assert _units(found) == [("T2", pytest.approx(94000 / 100000), 1, 2)]
    assert found.progress == pytest.approx(0.94)
    recruit = _campaign(loaded, "recruit")
    found = standing(loaded.tables, recruit, *rounds(recruit, AS_OF)[0], AS_OF)
    assert found.people is None and found.total == 1
    assert [(r.unit, r.value, r.tier) for r in found.units.itertuples()] == [("T2", 1, "增员之星"), ("T1", 0, None)]


def test_finished_and_upcoming(loaded: Site) -> None:
    february = _campaign(loaded, "february")
    found = standing(loaded.tables, february, *rounds(february, AS_OF)[0], AS_OF)
    assert found.status == "finished" and found.left == 0
    assert _people(found)[:2] == [("P003", 1, 1, None), ("P008", 1, 1, None)]
    april = _campaign(loaded, "april")
    found = standing(loaded.tables, april, *rounds(april, AS_OF)[0], AS_OF)
    assert found.status == "upcoming" and found.elapsed == 0 and found.total == 0


def test_pages_list_rank_and_download(out: Path) -> None:
    listing = html(out / "campaigns" / "index.html")
    captions = texts(listing, "figcaption")
    assert [c.split(" ")[0] for c in captions] == ["进行中", "未开始", "已结束"]
    running = [row["title"] for row in read_csv(out / "campaigns" / "campaigns-running.csv")]
    assert sorted(running) == sorted(["三月冲刺", "破零周赛", "个人达成", "增员月"])
    people = read_csv(out / "campaigns" / "march" / "people.csv")
    assert [(r["rank"], r["name"], r["value"], r["tier"]) for r in people[:2]] == [
        ("1", "赵新人", "94000", "银牌"), ("2", "王业务", "12000", "铜牌")]
    page = html(out / "campaigns" / "zero" / "index.html")
    assert "上期最终排名" in " ".join(texts(page, "h2"))
    assert (out / "campaigns" / "zero" / "previous-people.csv").is_file()


def test_board_and_screen_show_running_campaigns(out: Path) -> None:
    board = " ".join(texts(html(out / "index.html"), ".campaigns-board"))
    assert "三月冲刺" in board and "58.5%" in board and "四月预热" not in board
    screen = html(out / "screen" / "hall" / "index.html")
    slides = screen.css("section.slide-campaign")
    assert len(slides) == 4
    assert "赵新人" in " ".join(texts(screen, "section.slide-campaign .ranking"))
