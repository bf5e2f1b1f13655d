"""Attacks on the cache and the output folder: a planted cache another user can write, an --out folder that is
not a build, an --out that is a symbolic link, two builds at once, and chart workers outliving a killed build."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import AS_OF, FIXED_NOW, snapshot

from generator import cache, writer
from generator.commands.build import build
from generator.errors import TrackboardError

ROOT = Path(__file__).resolve().parent.parent


def run_build(site: Path, out: Path | None = None, as_of=AS_OF):
    return build(site, out=out, as_of=as_of, clock=lambda: FIXED_NOW)


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


# --- what --out may replace -----------------------------------------------------------------------------------


def test_a_folder_with_someone_elses_build_json_is_not_replaced(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "project"
    (out / "src").mkdir(parents=True)
    (out / "src" / "main.c").write_text("int main(void) { return 0; }\n")
    (out / "README").write_text("precious\n")
    (out / "build.json").write_text('{"target": "release", "jobs": 4}\n')
    before = snapshot(out)
    with pytest.raises(TrackboardError) as info:
        run_build(site, out)
    assert str(out) in info.value.message and "也不是本程序生成的" in info.value.message  # the site's language
    assert "not made by Trackboard" in str(info.value.text)
    assert snapshot(out) == before


def test_an_output_of_trackboard_is_replaced_and_marked(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build(site, out)
    assert json.loads((out / writer.OUTPUT_MARKER).read_text()) == {"generator": "trackboard"}
    # an output of the release before the marker: its build.json is Trackboard's, so it is replaced too
    (out / writer.OUTPUT_MARKER).unlink()
    run_build(site, out, as_of=AS_OF.replace(day=4))
    assert json.loads((out / "build.json").read_text())["as_of"] == "2026-03-04"
    assert (out / writer.OUTPUT_MARKER).is_file()


def test_an_empty_or_missing_folder_is_built_into(site: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run_build(site, tmp_path / "empty")
    run_build(site, tmp_path / "missing" / "out")
    assert (tmp_path / "empty" / "index.html").is_file() and (tmp_path / "missing" / "out" / "index.html").is_file()
    assert not writer.lock_file(tmp_path / "empty").exists()  # removed by the build that held it


# --- an --out that is a symbolic link ---------------------------------------------------------------------------


def test_an_out_that_is_a_link_is_published_into_its_target_and_kept(site: Path, tmp_path: Path) -> None:
    target = tmp_path / "releases" / "current"
    target.mkdir(parents=True)
    link = tmp_path / "www"
    link.symlink_to(target)
    run_build(site, link)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert (target / "index.html").is_file()
    run_build(site, link, as_of=AS_OF.replace(day=4))  # and again: the target is brought up to date
    assert link.is_symlink()
    assert json.loads((target / "build.json").read_text())["as_of"] == "2026-03-04"


# --- two builds into one output -------------------------------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from generator.writer import output_lock
with output_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    Path(sys.argv[3]).write_text(repr(time.time()))
"""


def test_a_second_build_waits_for_the_first(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    released = tmp_path / "released"
    first = subprocess.Popen([sys.executable, "-c", HOLD, str(out), "3", str(released)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "locked"
        second = subprocess.run([sys.executable, "-m", "generator", "build", str(site), "--out", str(out),
                                 "--as-of", str(AS_OF)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    finally:
        first.wait(timeout=60)
        if first.stdout is not None:
            first.stdout.close()
    assert second.returncode == 0, second.stderr
    assert "another build is writing" in second.stderr
    # the second build published after the first let go
    assert (out / "build.json").stat().st_mtime >= float(released.read_text()) - 0.01


def test_a_build_gives_up_waiting_with_a_clear_message(tmp_path: Path) -> None:
    out = tmp_path / "out"
    told: list[str] = []
    with writer.output_lock(out):
        started = time.monotonic()
        with pytest.raises(TrackboardError) as info, writer.output_lock(out, timeout=0.5, waiting=told.append):
            pass
    assert time.monotonic() - started >= 0.5
    assert info.value.message.startswith(f"another build is still writing {out}")
    assert told and "waiting" in told[0]
    with writer.output_lock(out, timeout=0):  # released: taken at once
        pass
    with pytest.raises(RuntimeError), writer.output_lock(out):
        raise RuntimeError("a failed build")
    assert not writer.lock_file(out).exists()
    with writer.output_lock(out, timeout=0):  # released by the failed build too
        pass


# --- workers end with a killed build --------------------------------------------------------------------------

DRAWER = """
import sys, time
from pathlib import Path
from generator.drawing import ChartDrawer
drawer = ChartDrawer("en", Path(sys.argv[1]), processes=2)
drawer.warm_up(1000)  # a first build's: the workers start before any chart is known
print(" ".join(str(process.pid) for process in drawer.workers), flush=True)
time.sleep(120)
"""

POOL = """
import time
from generator.parallel import forked_map
def slow(item):
    time.sleep(120)
    return item
forked_map(slow, list(range(64)), min_items=1)
"""


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie, dead but not yet reaped by whoever adopted it, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def gone_within(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]


linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


@linux_only
def test_chart_workers_end_when_the_build_is_killed_while_they_start(tmp_path: Path) -> None:
    build_ = subprocess.Popen([sys.executable, "-c", DRAWER, str(tmp_path / "charts")], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert build_.stdout is not None
        workers = [int(pid) for pid in build_.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
        build_.kill()  # SIGKILL, while the workers are still importing and warming up
        build_.wait()
        left = gone_within(workers, 10)
        for pid in left:
            os.kill(pid, 9)
        assert left == [], "chart workers outlived the killed build"
    finally:
        build_.kill()
        if build_.stdout is not None:
            build_.stdout.close()


@linux_only
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="forked_map forks only with two cores or more")
def test_forked_workers_end_when_the_build_is_killed(tmp_path: Path) -> None:
    build_ = subprocess.Popen([sys.executable, "-c", POOL], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2:
            time.sleep(0.1)
            workers = children(build_.pid)
        assert len(workers) >= 2
        time.sleep(0.5)  # the pool's workers past their start, in the work
        build_.kill()
        build_.wait()
        left = gone_within(workers, 10)
        for pid in left:
            os.kill(pid, 9)
        assert left == [], "forked workers outlived the killed build"
    finally:
        build_.kill()


def test_the_users_cache_folders_are_made_private(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Even under a umask that lets the group write: a folder others may write would not be trusted next time.
    base = tmp_path / "home-cache"
    base.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_CACHE_HOME", str(base))
    writable = cache._writable
    monkeypatch.setattr(cache, "_writable", lambda folder: folder.name != cache.CACHE_DIR and writable(folder))
    cache.cache_root.cache_clear()
    old = os.umask(0o002)
    try:
        root = cache.cache_root(site)
    finally:
        os.umask(old)
        cache.cache_root.cache_clear()
    assert root.parent == base / "trackboard"
    assert root.stat().st_mode & 0o777 == 0o700 and root.parent.stat().st_mode & 0o777 == 0o700
