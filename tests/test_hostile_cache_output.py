"""Attacks on the cache and the output folder: a planted cache another user can write, an --out folder that is
not a build, an --out that is a symbolic link, two builds at once, and chart workers outliving a killed build."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import AS_OF, FIXED_NOW

from generator import cache
from generator.commands.build import build


def run_build(site: Path, out: Path | None = None):
    return build(site, out=out, as_of=AS_OF, clock=lambda: FIXED_NOW)


class Planted:
    """Code that would run when unpickled: it leaves a file behind."""

    def __init__(self, flag: Path) -> None:
        self.flag = flag

    def __reduce__(self) -> tuple[object, ...]:
        return (Path.write_text, (self.flag, "pwned"))


@pytest.fixture
def no_private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The site's folder and the user's cache folder cannot be written (tests run as root, whom chmod does not
    stop, so `_writable` says so), and the temporary folder is tmp_path/tmp: the fallback is the only choice.
    Yields the temporary folder."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    tmp.chmod(0o1777)
    user = tmp_path / "no-cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(user))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    writable = cache._writable

    def fake(folder: Path) -> bool:
        if folder.name == cache.CACHE_DIR or user in folder.parents:
            return False
        return writable(folder)

    monkeypatch.setattr(cache, "_writable", fake)
    cache.cache_root.cache_clear()
    yield tmp
    cache.cache_root.cache_clear()


def fallback_for(site: Path, tmp: Path) -> Path:
    name = hashlib.sha256(str(site.resolve()).encode()).hexdigest()[:16]
    return tmp / f"trackboard-cache-{os.getuid()}-{name}"


def plant(folder: Path, flag: Path) -> None:
    """Put a pickle that would leave `flag` behind under every name a build might read."""
    data = pickle.dumps(Planted(flag))
    for namespace in ("datasets", "documents", "outputs", "checked"):
        (folder / namespace).mkdir(parents=True, exist_ok=True)
        for index in range(3):
            (folder / namespace / f"planted{index}.pickle").write_bytes(data)


def test_a_world_writable_fallback_cache_is_not_used(site: Path, tmp_path: Path, no_private_cache: Path) -> None:
    planted = fallback_for(site, no_private_cache)
    planted.mkdir()
    planted.chmod(0o777)
    plant(planted, tmp_path / "pwned")
    before = sorted(p.relative_to(planted) for p in planted.rglob("*"))
    with pytest.warns(cache.CacheWarning, match="not using the cache folder"):
        result = run_build(site, tmp_path / "out")
    assert (tmp_path / "out" / "index.html").is_file() and result.pages > 0
    assert cache.cache_root(site) != planted
    assert sorted(p.relative_to(planted) for p in planted.rglob("*")) == before  # nothing read into, or written
    assert not (tmp_path / "pwned").exists()


def test_a_fallback_cache_that_is_a_symlink_is_not_used(site: Path, tmp_path: Path, no_private_cache: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    fallback_for(site, no_private_cache).symlink_to(elsewhere)
    with pytest.warns(cache.CacheWarning):
        run_build(site, tmp_path / "out")
    assert (tmp_path / "out" / "index.html").is_file()
    assert list(elsewhere.iterdir()) == []


def test_a_fallback_cache_made_by_this_build_is_private_and_used(site: Path, tmp_path: Path,
                                                                  no_private_cache: Path) -> None:
    run_build(site, tmp_path / "out")
    made = fallback_for(site, no_private_cache)
    assert cache.cache_root(site) == made
    assert made.stat().st_mode & 0o777 == 0o700 and any(made.iterdir())


def test_only_private_folders_of_this_user_are_trusted(tmp_path: Path) -> None:
    top = tmp_path / "top"
    top.mkdir(mode=0o755)
    own = top / "own"
    own.mkdir(mode=0o700)
    assert cache.trusted(own, top)
    open_ = top / "open"
    open_.mkdir()
    open_.chmod(0o777)
    assert not cache.trusted(open_, top)
    group = top / "group"
    group.mkdir()
    group.chmod(0o770)
    assert not cache.trusted(group, top)
    others = top / "others"
    others.mkdir(mode=0o700)
    os.chown(others, 65534, 65534)
    assert not cache.trusted(others, top)
    link = top / "link"
    link.symlink_to(own)
    assert not cache.trusted(link, top)
    # A private folder inside a folder another user can write (and so rename it away): not trusted either.
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    inner = shared / "inner"
    inner.mkdir(mode=0o700)
    assert not cache.trusted(inner / "x", shared) and not cache.trusted(inner, shared)
    # A sticky folder (like /tmp) may hold it: no one else can rename it.
    shared.chmod(0o1777)
    assert cache.trusted(inner, shared)
