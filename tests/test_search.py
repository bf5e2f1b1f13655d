"""Offline search: the Pagefind index is built with the site and finds Chinese words, in a real browser."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest
from conftest import copy_example_site, serve_folder

from generator.commands.build import build
from generator.search import glob_matcher, search_glob, search_terms

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = copy_example_site(tmp_path_factory.mktemp("search"))
    build(base)
    return base / "output"


def test_the_index_is_built_with_the_site(out: Path) -> None:
    index = out / "search" / "pagefind"
    assert (index / "pagefind-ui.js").is_file()
    assert list(index.glob("pagefind.zh-cn_*.pf_meta")), "a Chinese index"
    assert not (index / "pagefind-component-ui.js").exists()


def test_every_page_with_indexed_parts_is_in_the_index(out: Path) -> None:
    # Pagefind reads only the folders that hold marked pages (search_glob): none of those may be missed.
    marked = [p for p in out.rglob("*.html") if b"data-pagefind-body" in p.read_bytes()]
    entry = json.loads((out / "search" / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    assert len(marked) > 20
    assert indexed == len(marked)


def test_the_index_is_made_in_the_staged_site_with_no_copy_left(out: Path) -> None:
    # Pagefind runs on the staged site's marked pages (staged first) while the rest is staged.
    assert not [p.name for p in out.parent.iterdir() if p.name.startswith(".trackboard-search-")]
    assert not (out / "search" / "pagefind" / "search").exists()  # the index only


def test_the_pages_staged_first_are_exactly_those_the_search_glob_names() -> None:
    marked, plain = b"<main data-pagefind-body>x</main>", b"<main>x</main>"
    pages = [("notices/a/index.html", marked), ("faq/index.html", marked), ("about.html", marked)]
    first = glob_matcher(search_glob(pages))
    assert [p for p in ["notices/a/index.html", "notices/index.html", "notices/data.csv", "faq/index.html",
                        "faqs/index.html", "about.html", "index.html", "people/P1/index.html"] if first(p)] == [
        "notices/a/index.html", "notices/index.html", "faq/index.html", "about.html"]
    every = glob_matcher(search_glob([("people/P1/index.html", plain)]))
    assert every("people/P1/index.html") and every("index.html") and not every("static/site.css")


def test_the_search_glob_names_the_folders_of_marked_pages() -> None:
    marked, plain = b"<main data-pagefind-body>x</main>", b"<main>x</main>"
    pages = [("notices/a/index.html", marked), ("notices/index.html", plain), ("people/P1/index.html", plain),
             ("faq/index.html", marked), ("faq/data.csv", marked), ("about.html", marked)]
    assert search_glob(pages) == "{about.html,faq/**/*.html,notices/**/*.html}"
    assert search_glob(pages[:1]) == "notices/**/*.html"
    assert search_glob([("people/P1/index.html", plain)]) == "**/*.{html}"  # nothing marked: every page


def test_a_profile_without_search_has_no_index(tmp_path: Path, out: Path) -> None:
    site = out.parent
    config = (site / "site.toml").read_text("utf-8") + '\n[profiles.nosearch]\nexclude = ["search"]\n'
    (site / "site.toml").write_text(config, encoding="utf-8")
    build(site, out=tmp_path / "nosearch", profile="nosearch")
    assert not (tmp_path / "nosearch" / "search").exists()


@pytest.mark.browser
@pytest.mark.parametrize("prefix", ["", "intranet/trackboard/"])
def test_a_search_result_opens_its_page(out: Path, tmp_path: Path, chromium: object, prefix: str) -> None:
    """Pagefind takes the folder above its bundle (search/) for the site's root; a result must link to the page
    itself, with the site at a server's root or under a sub-path of it."""
    served = tmp_path / "www"
    shutil.copytree(out, served / prefix)
    with serve_folder(served) as url:
        page = chromium.new_page()
        page.goto(url + prefix + "search/index.html")
        page.fill(".pagefind-ui__search-input", "没钱")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=20000)
        link = page.locator(".pagefind-ui__result-link").first
        href = link.get_attribute("href")
        assert href is not None and href.startswith("/" + prefix) and not href.startswith(f"/{prefix}search/"), href
        with page.expect_navigation():
            link.click()
        response = page.request.get(page.url)
        assert response.status == 200, page.url
        assert "没钱" in page.locator("main").inner_text()
        page.close()


@pytest.mark.browser
def test_search_finds_a_chinese_word(out: Path, chromium: object) -> None:
    with serve_folder(out) as url:
        page = chromium.new_page()
        hosts: list[str | None] = []
        errors: list[str] = []
        page.on("request", lambda r: hosts.append(urlparse(r.url).hostname))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url + "search/index.html")
        page.fill(".pagefind-ui__search-input", "没钱")
        page.wait_for_selector(".pagefind-ui__result", timeout=20000)
        titles = page.locator(".pagefind-ui__result-title").all_inner_texts()
        assert any("没钱" in title for title in titles), titles
        assert set(hosts) == {"127.0.0.1"}
        assert errors == []
        page.close()


@pytest.mark.browser
def test_a_person_and_a_unit_are_found_by_name(out: Path, chromium: object) -> None:
    """An agent types their name and lands on their own page; a team leader types the team's name."""
    people = pd.read_csv(out.parent / "data" / "people.csv", encoding="utf-8-sig", dtype=str)
    units = pd.read_csv(out.parent / "data" / "units.csv", encoding="utf-8-sig", dtype=str)
    person_id, name = people.iloc[len(people) // 2][["工号", "姓名"]]
    unit_id, unit_name = units.iloc[-1][["单位编码", "单位名称"]]
    with serve_folder(out) as url:
        page = chromium.new_page()
        for query, target in ((name, f"people/{person_id}/"), (unit_name, f"units/{unit_id}/")):
            page.goto(url + "search/index.html")
            page.fill(".pagefind-ui__search-input", query)
            # Results arrive one by one: wait for the page itself, not only the first result.
            page.wait_for_selector(f'.pagefind-ui__result-link[href$="{target}"]', timeout=20000)
        page.close()


def test_the_tails_of_a_name_are_indexed_so_any_part_of_it_finds_the_page() -> None:
    assert search_terms("四部三组") == "部三组 三组 组"
    assert search_terms("蔡文斌") == "文斌 斌"
    assert search_terms("Ann Lee") == "nn Lee n Lee Lee ee e"
    assert search_terms(None) == "" and search_terms("王") == ""
    assert len(search_terms("长" * 1000).split()) == 23  # a name is a few characters: the tails stay bounded


def test_a_file_copy_says_how_to_open_the_site_for_search(out: Path) -> None:
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert 'id="search-file"' in html and "python3 -m http.server" in html


def test_an_index_job_reports_pagefinds_last_message_and_leaves_nothing(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import search

    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\nmkdir -p \"$2/search/pagefind\"; echo half > \"$2/search/pagefind/x.pf\"\n"
                       "echo indexing >&2\necho 'Error: no pages could be read' >&2\nexit 3\n", encoding="utf-8")
    failing.chmod(0o755)
    monkeypatch.setattr(search, "pagefind_executable", lambda: failing)
    staging = tmp_path / "staging"
    (staging / "notices" / "a").mkdir(parents=True)
    (staging / "notices" / "a" / "index.html").write_text("<main data-pagefind-body>通知</main>", encoding="utf-8")
    job = search.IndexJob("notices/**/*.html")
    job.start(staging)
    warning = job.finish(staging)
    assert warning == "search index not built: Error: no pages could be read"
    assert not (staging / "search").exists() or not any((staging / "search").iterdir())  # no half-made index
    assert (staging / "notices" / "a" / "index.html").is_file()
