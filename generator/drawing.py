"""Charts drawn in the background while the rest of the site is still being computed.

Charts are known section by section (the units', then the people's), and the sections run on one core:
`ChartDrawer` hands each section's charts to worker processes as soon as they are known, so that the other
core draws them meanwhile instead of waiting for the last section. The workers are separate programs
(``python -m generator.drawing``), not threads or a pool, so the build process keeps no threads of its own and
may still fork its page workers. They take chunks of charts from a spool folder (a rename claims one), draw
each into the chart cache, and leave when told there is no more. `render_svgs` then reads them from the cache
and draws anything missing itself, so a chart a worker could not draw is drawn, or reported, as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from . import charts, fonts, vega_node
from .cache import write_atomically
from .parallel import die_with_parent, workers

DONE = "done"  # written into the spool when every chunk is there
CHUNK = 24  # charts a worker takes at a time: small enough that the two finish together
POLL = 0.02  # seconds a worker waits for a chunk
MIN_CHARTS = 200  # charts known before workers start during the compute stage
FLUSH_MIN = 16  # after it, fewer are drawn by render_svgs: starting a worker (a second or so) would cost more
PARENT_ENV = "TRACKBOARD_BUILD_PID"  # the build that started a worker: the worker ends when it does
PER_WORKER = 100  # charts worth a worker of their own after the compute stage


class ChartDrawer:
    """Charts handed to background workers as they are known; `finish` waits for them.

    `hint` is text the charts will likely draw (the names of units and people): the workers' measurement font
    (see fonts.measurement_font) is made for it with the first charts, so that later ones need no other.
    """

    command: tuple[str, ...] = (sys.executable, "-m", "generator.drawing")  # given spool and cache

    def __init__(self, locale: str, cache_dir: Path, hint: str = "", processes: int | None = None,
                 colour: str = charts.SERIES_COLOUR) -> None:
        self.locale = locale
        self.colour = colour  # of the main series: the site's house colour
        self.cache_dir = cache_dir
        self.hint = hint
        self.processes = processes if processes is not None else workers()
        self.spool: Path | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.pending: list[tuple[str, str]] = []  # spec, SVG file: waiting for enough to start the workers
        self.seen: set[str] = set()
        # id of a chart: it and its cache key (not its spec, which only a chart missing from the cache needs again:
        # tens of thousands of specs' text would stay in memory until the pages are rendered)
        self.known: dict[int, tuple[charts.Chart, str]] = {}
        self.chunks = 0
        self.submitted = 0
        self.failed = False  # a worker ended in error: what it did not draw, render_svgs draws

    def submit(self, items: Sequence[charts.Chart]) -> None:
        """Queue charts not in the cache yet; start the workers once there are enough."""
        if self.processes < 2:
            return  # one core: nothing to overlap with
        for chart in items:
            spec = chart.spec_json(self.locale, self.colour)
            key = charts.cache_key(spec, self.locale)
            self.known[id(chart)] = (chart, key)  # the chart kept: its id is not reused meanwhile
            if key in self.seen:
                continue
            self.seen.add(key)
            path = charts.svg_path(self.cache_dir, key)
            if not path.is_file():
                self.pending.append((spec, str(path)))
        if self.spool is not None or len(self.pending) >= MIN_CHARTS:
            self._hand_over()

    @property
    def drawing(self) -> bool:
        """Whether workers draw charts in the background (until finish)."""
        return self.spool is not None

    def flush(self) -> None:
        """Every section is made: start drawing what is still waiting (fewer workers for fewer charts), unless
        there are so few charts that drawing them here costs less than starting a worker."""
        if self.spool is None and (self.processes < 2 or len(self.pending) < FLUSH_MIN):
            return
        self._hand_over(-(-len(self.pending) // PER_WORKER))

    def warm_up(self, expected: int) -> None:
        """Start workers before any chart is known, for a build expected to draw this many (a first build, whose
        charts are all new): each starts its JavaScript runtime (most of a second) on the core the sections,
        computed one after the other, leave free, rather than later beside the page workers."""
        if self.spool is not None or self.processes < 2 or expected < FLUSH_MIN:
            return
        self._hand_over(-(-expected // PER_WORKER))

    def _hand_over(self, wanted: int | None = None) -> None:
        """Hand the pending charts to the workers, first starting them (as many as `wanted`, at most one a core)."""
        try:
            if self.spool is None:
                self._start(min(self.processes, wanted or self.processes))
            if self.pending:
                self._spill()
        except OSError:
            self.cancel()  # drawn by render_svgs instead
            self.processes = 1

    def _start(self, count: int) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.spool = Path(tempfile.mkdtemp(prefix="trackboard-charts-"))
        # The package's own folder first on the path: the workers import this copy of it, installed or not.
        package_root = str(Path(__file__).resolve().parents[1])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root,
                                                                         os.environ.get("PYTHONPATH")])),
               PARENT_ENV: str(os.getpid())}
        with (self.spool / "workers.log").open("ab") as out:
            for _ in range(count):
                self.workers.append(subprocess.Popen(
                    [*self.command, str(self.spool), str(self.cache_dir)],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env))

    def _spill(self) -> None:
        assert self.spool is not None
        text = fonts.subset_text(self.hint + "".join(spec for spec, _ in self.pending))
        for start in range(0, len(self.pending), CHUNK):
            jobs = self.pending[start:start + CHUNK]
            name = f"chunk-{self.chunks:06d}.json"
            self.chunks += 1
            # Written aside and renamed in: a worker never reads half a chunk.
            write_atomically(self.spool / name, json.dumps({"font_text": text, "jobs": jobs}).encode("utf-8"))
        self.submitted += len(self.pending)
        self.pending = []

    def finish(self) -> int:
        """Wait for the workers to draw every chart handed to them; return how many were handed over."""
        if self.spool is None:
            return 0
        try:
            write_atomically(self.spool / DONE, b"")
            for process in self.workers:
                self.failed |= process.wait() != 0
        except OSError:
            self.failed = True
        finally:
            self.cancel()
        return self.submitted

    def cancel(self) -> None:
        """Stop the workers if they still run and remove the spool."""
        for process in self.workers:
            if process.poll() is None:
                process.kill()
                process.wait()
        self.workers = []
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)
            self.spool = None


def _claim(spool: Path) -> Path | None:
    """Take the first chunk no other worker has taken, or None when there is none now."""
    # Names compared as strings, not as Paths: on a large site thousands of chunks wait, and every claim reads
    # them all (as Paths, quadratic in the charts).
    try:
        names = os.listdir(spool)
    except FileNotFoundError:  # the build is done with us (see work)
        return None
    for name in sorted(n for n in names if n.startswith("chunk-") and n.endswith(".json")):
        taken = spool / f"taken-{name[:-len('.json')]}-{os.getpid()}.json"
        try:
            os.rename(spool / name, taken)
        except FileNotFoundError:
            continue  # another worker was first
        return taken
    return None


def _font_for(text: str, chunk_text: str, made: list[tuple[frozenset[str], str, str]],
              cache_dir: Path) -> tuple[str, str] | None:
    """The measurement font (folder, family) covering what a chunk draws (`chunk_text`): one already made, or a
    new one for `text` (what the chunk's whole batch may draw, the chunk included)."""
    needed = set(fonts.subset_text(chunk_text))
    for chars, folder, family in made:
        if needed <= chars:
            return folder, family
    measure = fonts.measurement_font(text, cache_dir)
    if measure is None:
        return None
    folder, family = str(measure[0]), measure[1]
    made.append((frozenset(fonts.subset_text(text)), folder, family))
    return folder, family


def work(spool: Path, cache_dir: Path) -> None:
    """A worker: draw the spool's chunks into the chart cache until it is marked done and empty."""
    fonts.register_fonts()
    charts.warm_up()
    vega_node.renderer(str(fonts.measurement_folder(cache_dir)))  # Node.js starts now, beside the compute stage
    made: list[tuple[frozenset[str], str, str]] = []
    parent = os.getppid()
    while True:
        chunk = _claim(spool)
        if chunk is None:
            if os.getppid() != parent or not spool.is_dir():
                return  # the build is gone (killed, or cancelled us): nobody waits for these charts
            if not (spool / DONE).exists():
                time.sleep(POLL)
                continue
            chunk = _claim(spool)  # one written just before the mark
            if chunk is None:
                return
        data = json.loads(chunk.read_text(encoding="utf-8"))
        specs = [spec for spec, _ in data["jobs"]]
        font = _font_for(data["font_text"], "".join(specs), made, cache_dir)
        folder, family = font if font is not None else (None, "")
        if font is not None:
            specs = charts.measured_with(specs, family)
        for spec, (_, path) in zip(specs, data["jobs"], strict=True):
            with contextlib.suppress(Exception):  # drawn again, and its error reported, by the build itself
                charts.render_job((spec, folder, family, path))
        chunk.unlink()


if __name__ == "__main__":
    die_with_parent(int(os.environ.get(PARENT_ENV) or os.getppid()))
    work(Path(sys.argv[1]), Path(sys.argv[2]))
