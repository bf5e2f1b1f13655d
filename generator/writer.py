"""The one writer of `output/`: stage every file in a temporary folder, then swap it in at once.

A build that fails or is killed before the swap leaves the previous output exactly as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import TrackboardError, say
from .output import Output
from .parallel import workers

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

STAGING_PREFIX = ".trackboard-staging-"
RETIRED_PREFIX = ".trackboard-retired-"
SEARCH_PREFIX = ".trackboard-search-"  # where earlier versions copied the pages to index (removed when found)
SPARE_PREFIX = ".trackboard-spare-"  # a large site's previous output, kept to be brought up to date next time


def place(item: Output, target: Path | str) -> None:
    """Write one file: a hard link to its source when it has one and the file system allows, else its bytes."""
    if item.source is not None:
        try:
            os.link(item.source, target)
            return
        except OSError:  # gone, another file system, no hard links there: write the bytes
            pass
    with open(target, "wb") as file:
        file.write(item.data)


def check_path(path: str) -> str:
    """Return the path when it is a plain relative path inside the output folder; refuse any other (absolute,
    with an empty, "." or ".." part, or a backslash). Strings, not PurePosixPath: it runs for every file."""
    if (not path or path.startswith("/") or "\\" in path or "\0" in path
            or any(part in ("", ".", "..") for part in path.split("/"))):
        raise TrackboardError(f"refusing to write {path!r}: not a plain path inside the output folder")
    return path


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def _running(pid: int) -> bool:
    """Whether another process with this id is alive (its staging folder is in use)."""
    if pid == os.getpid() or os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def clean_stale(out: Path) -> None:
    """Remove staging folders left by killed builds of this output folder.

    Only this folder's (not those of `output-en` beside it), and not those of a build still running.
    """
    parent = out.parent
    if not parent.is_dir():
        return
    prefixes = "|".join(re.escape(p) for p in (STAGING_PREFIX, RETIRED_PREFIX, SEARCH_PREFIX))
    pattern = re.compile(rf"^(?:{prefixes}){re.escape(out.name)}-(\d+)(?:\.\d+)?$")
    for child in parent.iterdir():
        match = pattern.match(child.name)
        if not match or not child.is_dir():
            continue
        pid = int(match.group(1))
        # This build's own search folder is in use (it is made before the site is staged).
        if not _running(pid) and not (pid == os.getpid() and child.name.startswith(SEARCH_PREFIX)):
            shutil.rmtree(child, ignore_errors=True)


def placer(root: Path, folders_made: Iterable[str] = ()) -> Callable[[Output], None]:
    """A function placing a file (see `place`) at its path under the existing folder `root`, making each folder
    once. Strings, not Path objects: for a large site's thousands of files pathlib's joining and hashing cost
    more than the links themselves. `folders_made`: folders (relative) that exist already."""
    top = str(root)
    folders: set[str] = {top, *(f"{top}/{folder}" for folder in folders_made)}

    def put(item: Output) -> None:
        target = f"{top}/{item.path}"
        folder = target.rpartition("/")[0]
        if folder not in folders:
            os.makedirs(folder, exist_ok=True)
            folders.add(folder)
        place(item, target)

    return put


def spare_folder(out: Path) -> Path:
    """Where a large site's previous output is kept, to be brought up to date and swapped in by the next build."""
    return out.parent / f"{SPARE_PREFIX}{out.name}"


def _scan(root: str) -> tuple[set[str], set[str]]:
    """The files (symbolic links and other non-folders included) and folders under `root`, as relative paths."""
    files: set[str] = set()
    folders: set[str] = set()
    pending = [""]
    while pending:
        relative = pending.pop()
        with os.scandir(f"{root}/{relative}" if relative else root) as entries:
            for entry in entries:
                path = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(path)
                    pending.append(path)
                else:
                    files.add(path)
    return files, folders


def _same_file(a: Path | str, b: str) -> bool:
    try:
        one, two = os.stat(a), os.lstat(b)
    except OSError:
        return False
    return one.st_ino == two.st_ino and one.st_dev == two.st_dev


def _claim_spare(out: Path, staging: Path, files: list[Output]) -> tuple[set[str], set[str]] | None:
    """Take the spare folder (the output before the previous one) as the staging folder and delete from it every
    file and folder the new site has not; return the files and folders left in it, None when there is no spare.

    Bringing a spare up to date costs the changed files and one scan, against creating every folder and link
    anew. Its files are hard links shared with published outputs: one that
    must change is unlinked and written anew, never written into."""
    spare = spare_folder(out)
    if spare.is_symlink() or not spare.is_dir():
        return None
    try:
        os.replace(spare, staging)  # claimed: a build running beside this one finds no spare
    except OSError:
        return None
    top = str(staging)
    try:
        present, folders = _scan(top)
        wanted = {item.path for item in files}
        needed = {path.rpartition("/")[0] for path in wanted}
        for path in list(needed):
            while "/" in path:
                path = path.rpartition("/")[0]
                needed.add(path)
        for path in present - wanted:
            os.unlink(f"{top}/{path}")
        present &= wanted
        # Folders the new site has not, and folders where it has a file: outermost first, with what is inside.
        for path in sorted(folders - needed, key=lambda p: p.count("/")):
            if os.path.lexists(f"{top}/{path}"):
                shutil.rmtree(f"{top}/{path}")
    except OSError:  # a spare that cannot be brought up to date is set aside; the site is staged anew
        retire(staging, out, background=True)
        return None
    return present, folders & needed


# From this many files on, staging writes them with one thread per core (at most WRITERS): creating files is the
# kernel's work, which runs on every core, while the build has nothing else left to do.
THREADED_MIN_FILES = 1000
WRITERS = 4


def _write_all(write: Callable[[Output], None], files: list[Output]) -> None:
    """Apply `write` to every file: in order on one thread, or for many files in as many contiguous runs (the
    files are sorted by path: each run its own folders) as there are cores; the first error is raised."""
    threads = min(workers(), WRITERS)
    if len(files) < THREADED_MIN_FILES or threads < 2:
        for item in files:
            write(item)
        return
    from concurrent.futures import ThreadPoolExecutor

    size = -(-len(files) // threads)

    def run(start: int) -> None:
        for item in files[start:start + size]:
            write(item)

    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(run, start) for start in range(0, len(files), size)]:
            future.result()


def stage(out: Path, files: Iterable[Output], first: Callable[[str], bool] | None = None,
          then: Callable[[Path], None] | None = None, stop: Callable[[], None] | None = None) -> Path:
    """Write every file into a staging folder beside `out` and return it: the spare folder brought up to date
    when there is one (see `_claim_spare`), else a new one. With `first`, the files whose paths it accepts are
    written before the others, and `then(staging)` is called in between (to start indexing them); when staging
    fails, `stop()` is called (to stop what `then` started) before the staging folder is removed."""
    files = list(files)
    written: set[str] = set()
    for item in files:  # every path checked before anything is written
        key = check_path(item.path).casefold()  # two paths differing in case collide on Windows shares
        if key in written:
            raise TrackboardError(f"two pages were made for the same path {item.path!r}")
        written.add(key)
    out.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(out)
    staging = out.parent / f"{STAGING_PREFIX}{out.name}-{os.getpid()}"
    try:
        claimed = _claim_spare(out, staging, files)
        if claimed is None:
            staging.mkdir()
        present, folders = claimed or (set(), set())
        put = placer(staging, folders)
        top = str(staging)

        def write(item: Output) -> None:
            if item.path in present:
                target = f"{top}/{item.path}"
                if item.source is not None and _same_file(item.source, target):
                    return  # the spare's file is the one this build links to
                os.unlink(target)
            put(item)

        if first is None:
            _write_all(write, files)
        else:
            early: list[Output] = []
            rest: list[Output] = []
            for item in files:
                (early if first(item.path) else rest).append(item)
            _write_all(write, early)
            if then is not None:
                then(staging)
            _write_all(write, rest)
    except BaseException:
        if stop is not None:
            stop()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


# The previous output of a site of more files than this is kept as the spare folder, which the next build
# brings up to date (see _claim_spare) rather than staging every file anew; an older spare is deleted in the
# background, after the build returns (removing many files takes seconds). A small site's goes at once.
SPARE_MIN_FILES = 2000

_retired = itertools.count(1)


def retire(folder: Path, out: Path, background: bool) -> None:
    """Delete a previous output folder: at once, or (`background`) renamed aside and removed by a detached
    process; a later build removes what a killed one left (clean_stale)."""
    if not background or os.name != "posix":
        shutil.rmtree(folder, ignore_errors=True)
        return
    # Named for this process, so clean_stale leaves it alone while this process runs and removes it after.
    aside = out.parent / f"{RETIRED_PREFIX}{out.name}-{os.getpid()}.{next(_retired)}"
    try:
        os.replace(folder, aside)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        # sh returns at once; rm runs on, detached (no child left for this process to wait for).
        subprocess.run(["sh", "-c", 'rm -rf -- "$1" >/dev/null 2>&1 &', "sh", str(aside)], check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
    except (OSError, subprocess.SubprocessError):
        shutil.rmtree(aside, ignore_errors=True)


def _put_aside(previous: Path, out: Path, keep: bool) -> None:
    """What becomes of the previous output once the new one is in place: kept as the spare folder (`keep`), an
    older spare deleted in the background; else deleted at once."""
    if keep:
        spare = spare_folder(out)
        if os.path.lexists(spare):
            retire(spare, out, background=True)
        try:
            os.replace(previous, spare)
            return
        except OSError:
            pass
    retire(previous, out, background=keep)


def swap_in(staging: Path, out: Path, keep_spare: bool = False) -> None:
    """Make the staged folder the output folder, atomically where the system allows; the previous output is
    then kept as the spare folder (`keep_spare`) or deleted."""
    if out.exists() and not out.is_dir():
        shutil.rmtree(staging, ignore_errors=True)
        raise TrackboardError(say("cli.out_not_folder", out=out))
    if out.exists():
        if _exchange(staging, out):
            _put_aside(staging, out, keep_spare)  # it now holds the previous output
            return
        retired = out.parent / f"{RETIRED_PREFIX}{out.name}-{os.getpid()}"
        os.replace(out, retired)
        try:
            os.replace(staging, out)
        except OSError:
            os.replace(retired, out)  # put the previous output back
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _put_aside(retired, out, keep_spare)
    else:
        os.replace(staging, out)


def replace_folder(new: Path, old: Path) -> None:
    """Put the folder `new` in the place of `old` (in one step where the system allows) and delete `old`."""
    if old.exists() and _exchange(new, old):
        shutil.rmtree(new, ignore_errors=True)
        return
    shutil.rmtree(old, ignore_errors=True)
    os.replace(new, old)


OUTPUT_MARKER = ".trackboard-output"  # written into every output: the folder is Trackboard's to replace


def marker() -> Output:
    """The file that marks an output folder as made by Trackboard. The same in every output: a site's files
    depend on its inputs alone, not on where it was built."""
    return Output(OUTPUT_MARKER, (json.dumps({"generator": "trackboard"}) + "\n").encode())


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def made_by_trackboard(out: Path) -> bool:
    """Whether the folder is an output of Trackboard's: it holds the marker, or (an output of a release before
    the marker) a build.json of Trackboard's, with its build id and as-of date."""
    mark = _read_json(out / OUTPUT_MARKER)
    if isinstance(mark, dict) and mark.get("generator") == "trackboard":
        return True
    info = _read_json(out / "build.json")
    return (isinstance(info, dict) and isinstance(info.get("build_id"), str) and isinstance(info.get("as_of"), str)
            and isinstance(info.get("generator"), dict) and info["generator"].get("name") == "trackboard")


def output_folder(out: Path) -> Path:
    """The folder a build writes: `out`, or when `out` is a symbolic link, the folder it points to (resolved
    once), so that the new site is swapped in there and the link is kept."""
    return Path(os.path.realpath(out)) if out.is_symlink() else out


# How long a build waits for another build writing the same output folder before it gives up.
LOCK_TIMEOUT = 600.0
LOCK_POLL = 0.2


def lock_file(out: Path) -> Path:
    """The lock file of an output folder: beside it, so that every build into the folder finds the same one."""
    return out.parent / f".trackboard-{out.name}.lock"


def _tell(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _open_lock(path: Path, out: Path) -> int:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise TrackboardError(say("cli.cannot_lock", out=out, path=path, reason=exc.strerror or exc)) from exc


def _is_at(fd: int, path: Path) -> bool:
    """Whether the open file is still the one at `path` (not one its holder removed on leaving)."""
    try:
        one, two = os.fstat(fd), os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return (one.st_ino, one.st_dev) == (two.st_ino, two.st_dev)


@contextlib.contextmanager
def output_lock(out: Path, timeout: float | None = None, waiting: Callable[[str], None] = _tell) -> Iterator[None]:
    """Within: this process alone builds into `out`. A second build waits for the first (telling `waiting`
    once), and gives up with a TrackboardError after `timeout` seconds (LOCK_TIMEOUT). The lock is the
    system's (flock on lock_file(out)): it goes with the process however the process ends. The holder removes
    the lock file on leaving; a build that locked the removed file opens the new one and locks again."""
    if fcntl is None:  # no flock (Windows): builds are not kept apart
        yield
        return
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    path = lock_file(out)
    deadline = time.monotonic() + timeout
    told = held = False
    fd = _open_lock(path, out)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TrackboardError(say("cli.locked", out=out, path=path, seconds=f"{timeout:g}")) from None
                if not told:
                    waiting(f"another build is writing {out}: waiting for it to finish (up to {timeout:g} seconds)")
                    told = True
                time.sleep(LOCK_POLL)
                continue
            if _is_at(fd, path):
                held = True
                break
            os.close(fd)  # locked a file its holder removed on leaving: lock the one there now
            fd = -1
            fd = _open_lock(path, out)
        yield
    finally:
        if held:
            with contextlib.suppress(OSError):
                os.unlink(path)  # while still locked: no one can have locked it in between
        if fd >= 0:
            os.close(fd)  # releases the lock


def check_target(out: Path, site: Path) -> None:
    """Refuse an output folder whose replacement would destroy something that is not a build: only a missing
    or empty folder, or one Trackboard made (see made_by_trackboard), is replaced."""
    resolved, root = out.resolve(), site.resolve()
    if resolved == root or resolved in root.parents:
        raise TrackboardError(say("cli.out_holds_site", out=out))
    for folder in ("data", "content", "theme"):
        if resolved == root / folder or (root / folder) in resolved.parents:
            raise TrackboardError(say("cli.out_inside_site", out=out, folder=folder))
    if os.path.lexists(out) and not out.is_dir():
        raise TrackboardError(say("cli.out_is_file", out=out))
    if out.is_dir() and any(out.iterdir()) and not made_by_trackboard(out):
        raise TrackboardError(say("cli.out_not_ours", out=out, marker=OUTPUT_MARKER))


def publish_in_place(out: Path, files: Iterable[Output], gone: Iterable[str]) -> None:
    """Write the files that changed straight into `out`, each atomically (a temporary file renamed over it),
    and delete the files of the previous build listed in `gone`. For the dev server, where an edit must show at
    once: a reader may see old and new pages side by side for a moment, which `publish` never allows."""
    written: set[str] = set()
    prefix = f"{out}/"
    try:
        for item in files:
            key = item.path.casefold()
            if key in written:
                raise TrackboardError(f"two pages were made for the same path {item.path!r}")
            written.add(key)
            if item.source is not None and str(item.source) == prefix + item.path:
                continue  # the file in place (checked when it was first written) already holds these bytes
            target = out / check_path(item.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_bytes(item.data)
            os.replace(tmp, target)
        for path in gone:
            (out / check_path(path)).unlink(missing_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        detail = f"{exc.filename}: {reason}" if exc.filename else reason
        raise TrackboardError(say("cli.cannot_write", out=out, reason=detail)) from exc


def publish(out: Path, files: Iterable[Output], finish: Callable[[Path], None] | None = None,
            first: Callable[[str], bool] | None = None, then: Callable[[Path], None] | None = None,
            stop: Callable[[], None] | None = None) -> None:
    """Write the whole site to `out` in one swap; `finish` may add to the staged folder first (the search
    index is built from the staged pages). `first`, `then` and `stop`: see `stage`."""
    files = list(files)
    try:
        staging = stage(out, files, first, then, stop)
        if finish is not None:
            try:
                finish(staging)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
        swap_in(staging, out, keep_spare=len(files) > SPARE_MIN_FILES)
    except OSError as exc:  # disk full, no permission: one clear line, not a traceback
        reason = exc.strerror or str(exc)
        detail = f"{exc.filename}: {reason}" if exc.filename else reason
        raise TrackboardError(say("cli.cannot_write_kept", out=out, reason=detail)) from exc
