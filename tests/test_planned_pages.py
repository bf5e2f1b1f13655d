"""A planned page holds its context as its pickle (compressed) until it is rendered: the same HTML and the same
key as when it held the objects, a read-only copy to whoever reads it, and a context that cannot be pickled kept as
it is."""

from __future__ import annotations

import threading

import pytest
from conftest import AS_OF, BASELINE, write_files

from generator.commands.build import page_key, render_base, template_globals
from generator.model import load_site
from generator.pages import plan_site
from generator.render import Page, Renderer, Shared, pickled


def test_planned_pages_hold_their_context_pickled_and_render_as_before(tmp_path) -> None:
    write_files(tmp_path, BASELINE)
    site = load_site(tmp_path, today=AS_OF)
    plan = plan_site(site)
    globals_ = template_globals(site, plan)
    renderer = Renderer(site.root, site.locale, globals_)
    base = render_base(site, globals_)
    kinds = {"index.html", "units/index.html", "daily/index.html"}
    assert kinds <= {p.path for p in plan.pages}
    for page in plan.pages:
        assert page.packed is not None and page._context is None, page.path  # packed when planned
        if page.path in kinds or page.path.startswith(("people/", "units/")):
            held = Page(page.path, page.template, page.title, page.section, dict(page.context), pdf=page.pdf)
            assert renderer.render(held).data == renderer.render(page).data
            assert page_key(base, held) == page_key(base, page) != ""


def test_a_packed_context_is_a_read_only_copy() -> None:
    page = Page("a/index.html", "notices.html", "A", "notices", {"rows": [1, 2], "name": "甲"})
    page.pack()
    first = page.context
    assert first == {"rows": [1, 2], "name": "甲"} and page.packed is not None
    with pytest.raises(TypeError):
        first["name"] = "乙"  # type: ignore[index]
    first["rows"].append(3)
    assert page.context["rows"] == [1, 2]  # a copy: what a reader does to it is not planned


def test_a_packed_context_is_held_compressed() -> None:
    """A table's rows repeat their column names and much of their text: held compressed, a planned page's
    context takes a fraction of its pickle (on a 50,000-person site a quarter of 1.2 GB)."""
    rows = [{"unit": f"华东分公司第{i % 40}组", "name": f"业务员{i}", "premium": i * 100.0, "cases": i % 7}
            for i in range(2_000)]
    page = Page("a/index.html", "notices.html", "A", "notices", {"rows": rows})
    page.pack()
    assert page.packed is not None and len(page.packed) * 3 < len(pickled({"rows": rows}) or b"")
    assert page.context["rows"] == rows


def test_a_context_that_cannot_be_pickled_is_kept_and_has_no_key() -> None:
    lock = threading.Lock()
    page = Page("a/index.html", "notices.html", "A", "notices", {"lock": lock})
    page.pack()
    assert page.context["lock"] is lock and page.packed is None
    assert page_key("base", page) == ""


def test_the_key_tells_pages_apart_by_their_place_and_context() -> None:
    one = Page("a/index.html", "notices.html", "A", "notices", {"n": 1})
    keys = {page_key("base", p) for p in (
        one, Page("b/index.html", "notices.html", "A", "notices", {"n": 1}),
        Page("a/index.html", "notices.html", "B", "notices", {"n": 1}),
        Page("a/index.html", "notices.html", "A", "notices", {"n": 2}))}
    assert len(keys) == 4
    before = page_key("base", one)
    one.pack()
    assert page_key("base", one) == before and page_key("other", one) != before


def test_values_shared_by_pages_are_shown_under_their_own_and_keyed() -> None:
    shared = Shared({"units": ["一组", "二组"], "current": None})
    page = Page("a/index.html", "battle.html", "A", "battle", {"current": "一组"}, shared=shared)
    page.pack()
    assert dict(page.context) == {"units": ["一组", "二组"], "current": "一组"}
    other = Page("a/index.html", "battle.html", "A", "battle", {"current": "一组"},
                 shared=Shared({"units": ["一组"], "current": None}))
    alone = Page("a/index.html", "battle.html", "A", "battle", {"current": "一组", "units": ["一组", "二组"]})
    assert len({page_key("base", p) for p in (page, other, alone)}) == 3
    assert page_key("base", Page("a/index.html", "battle.html", "A", "battle", {},
                                 shared=Shared({"lock": threading.Lock()}))) == ""
