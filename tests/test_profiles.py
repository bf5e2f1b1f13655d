"""Profiles build the same site for an audience: `screen` masks every phone number (138****5678) and leaves out
person pages and receivables; the proof is a search of every file of the output, pages, CSVs, feeds and indexes.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASELINE, FIXED_NOW, html
from selectolax.lexbor import LexborHTMLParser

from generator.commands.build import build
from generator.config.schema import SECTIONS
from generator.model import load_site, mask_phone, resolve_profile
from generator.pages import plan_site

ROOT = Path(__file__).resolve().parent.parent
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
TEXT_SUFFIXES = {".html", ".csv", ".json", ".xml", ".svg", ".js", ".txt", ".css"}


def phones_in(*files: Path) -> set[str]:
    """Every mobile number written in the given data files, read straight from their bytes."""
    found: set[str] = set()
    for path in files:
        if path.is_file():
            data = path.read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("gb18030")
            found |= set(MOBILE.findall(text))
    return found


def masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def text_files(out: Path) -> dict[str, str]:
    """Every file of a build as text, by path: the gzipped search index unpacked, binary files read leniently.

    Zero-width spaces are removed: the search index puts them between the words it segments.
    """
    files = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            text = data.decode("utf-8", errors="replace").replace("\u200b", "")
            files[path.relative_to(out).as_posix()] = text
    return files


def links(out: Path) -> list[tuple[str, str]]:
    """(page, resolved target) of every href and src of every page."""
    import posixpath

    found = []
    for path in sorted(out.rglob("*.html")):
        page = path.relative_to(out).as_posix()
        for node in LexborHTMLParser(path.read_text("utf-8")).css("[href], [src]"):
            value = node.attributes.get("href") or node.attributes.get("src") or ""
            if re.match(r"^[a-z][a-z0-9+.-]*:|^//|^#", value, re.IGNORECASE):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), value.split("#")[0]))
            found.append((page, target))
    return found


# --- the example site: default build against the screen profile -------------------------------------------------

@pytest.fixture(scope="module")
def screen_out(example_build: Callable[..., Path]) -> Path:
    return example_build("screen")


@pytest.fixture(scope="module")
def full_out(example_build: Callable[..., Path]) -> Path:
    return example_build()


@pytest.mark.slow
def test_screen_profile_shows_no_full_phone_number_anywhere(screen_out: Path, full_out: Path) -> None:
    phones = phones_in(ROOT / "data" / "people.csv", ROOT / "data" / "sms_groups.csv")
    assert len(phones) > 50
    assert any(name.endswith(".pf_fragment") for name in text_files(screen_out)) or not (screen_out / "search").exists()
    leaks = [f"{name}: {phone}" for name, text in text_files(screen_out).items()
             for phone in phones if phone in text]
    assert leaks == [], "\n".join(leaks[:20])
    # Where the full build shows a phone, the screen build shows it masked, in the same file.
    full = text_files(full_out)
    shown = {(name, phone) for name, text in full.items() for phone in phones if phone in text}
    screen = text_files(screen_out)
    for name, phone in shown:
        if name in screen:
            assert masked(phone) in screen[name], f"{name}: {phone} is neither shown masked nor left out"


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["screen"])
def test_excluded_sections_are_gone_with_every_link_to_them(example_build: Callable[..., Path], profile: str) -> None:
    out = example_build(profile)
    config = load_site(ROOT, today=FIXED_NOW.date(), profile=profile).config
    excluded = resolve_profile(config, profile)["exclude"]
    assert "people" in excluded and "receivables" in excluded
    for section in excluded:
        assert not (out / section).exists(), f"{section}/ was built for the {profile} profile"
    bad = [f"{page} -> {target}" for page, target in links(out) if target.split("/")[0] in excluded]
    assert bad == [], "\n".join(bad[:20])
    # Search indexes, feeds and scripts carry no path into an excluded section either.
    pattern = re.compile(r"(?<![\w.-])(?:\.\./)*(" + "|".join(map(re.escape, excluded)) + r")/[\w%.-]")
    mentions = [f"{name}: {m.group(0)}" for name, text in text_files(out).items()
                if Path(name).suffix in TEXT_SUFFIXES for m in pattern.finditer(text)]
    assert mentions == [], "\n".join(mentions[:20])


@pytest.mark.slow
def test_a_profile_can_leave_out_every_section_by_its_name() -> None:
    """The `exclude` choices (config/schema.py SECTIONS) are the names of the sections the example site is made
    of, less the registers' navigation entry, which goes when every register is left out."""
    site = load_site(ROOT, today=FIXED_NOW.date())
    names = {record.name for record in plan_site(site).records if record.name is not None}
    assert names - {"registers"} == set(SECTIONS)


@pytest.mark.slow
def test_screen_profile_leaves_out_person_level_downloads(screen_out: Path, full_out: Path) -> None:
    """No per-person CSV of the daily reports when people are left out; the unit CSVs stay."""
    assert list(full_out.glob("daily/*/people.csv")), "the full build should have the people CSVs"
    assert list(screen_out.glob("daily/*/people.csv")) == []
    assert list(screen_out.glob("daily/*/units.csv"))


@pytest.mark.slow
def test_full_build_keeps_people_and_receivables(full_out: Path) -> None:
    assert (full_out / "people").is_dir()
    assert any(target.startswith("people/") for _, target in links(full_out))


# --- masking itself -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "shown"), [
    ("13812345678", "138****5678"),
    ("138 1234 5678", "138****5678"),
    ("+86 138-1234-5678", "138****5678"),
    ("021-12345678", "021****5678"),
    ("12345678", "****5678"),
    ("12345", "*****"),
    ("13812345678 / 13900000002", "138****5678 / 139****0002"),
    ("", ""),
    (None, None),
])
def test_mask_phone(value: str | None, shown: str | None) -> None:
    assert mask_phone(value) == shown


def test_masking_happens_when_the_site_is_loaded(tmp_path: Path, make_site) -> None:
    """Every personal column of every table is masked before any page is made."""
    site = make_site(tmp_path / "site", {
        "data/sms_groups.csv": "group,person,phone\n主管群,P002,\n客户群,,13912345678\n",
    })
    loaded = load_site(site, today=FIXED_NOW.date(), profile="screen")
    assert loaded.tables["people"]["phone"].tolist() == [
        "138****0001", "138****0002", "138****0003", "138****0004", "138****0005"]
    groups = loaded.tables["sms_groups"]
    assert groups["phone"].iloc[1] == "139****5678"
    assert groups["phone"].isna().iloc[0]
    plain = load_site(site, today=FIXED_NOW.date())
    assert plain.tables["people"]["phone"].iloc[0] == "13800000001"


@pytest.mark.slow
def test_a_masking_profile_of_the_site_toml_holds_on_every_file(tmp_path: Path, make_site) -> None:
    """A site's own profile that masks but keeps person pages: no full number in any file, person pages kept."""
    toml = BASELINE["site.toml"] + '\n[profiles.kiosk]\nmask_phone = true\nexclude = ["receivables"]\n'
    site = make_site(tmp_path / "site", {
        "site.toml": toml, "data/sms_groups.csv": "group,person,phone\n主管群,P002,13800000002\n客户群,,13912345678\n",
    })
    out = tmp_path / "output"
    result = build(site, out=out, profile="kiosk", clock=lambda: FIXED_NOW)
    assert result.site.profile_name == "kiosk"
    assert (out / "people").is_dir()
    phones = phones_in(site / "data" / "people.csv", site / "data" / "sms_groups.csv")
    assert len(phones) == 6
    leaks = [f"{name}: {p}" for name, text in text_files(out).items() for p in phones if p in text]
    assert leaks == []
    assert "测试分公司" in html(out / "index.html").css_first("title").text()


def test_unknown_profile_is_a_clear_error(tmp_path: Path, make_site) -> None:
    from generator.errors import TrackboardError

    site = make_site(tmp_path / "site")
    with pytest.raises(TrackboardError, match="没有名为“scren”的发布配置"):
        load_site(site, today=FIXED_NOW.date(), profile="scren")
