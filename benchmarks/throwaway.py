"""What a throwaway database server of the tests and the benchmark has whatever the server (pgserver.py,
mariadbserver.py): a free port of 127.0.0.1, a temporary folder holding its data, removed when done, and `with`.

Those modules are no package modules (the tests and run.py load them by path), so they load this one by path too:

    _SHARED = runpy.run_path(str(Path(__file__).with_name("throwaway.py")))
    class PostgresServer(_SHARED["ThrowawayServer"]): ...
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

USER = "trackboard"
DATABASE = "trackboard"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ThrowawayServer:
    """A server of its own in a temporary folder: `start()` (or `with`) makes and starts it, `stop()` stops and
    removes it. A subclass gives SCHEME, `start()` and `halt()` (stop the server, whatever remains of it)."""

    SCHEME = ""

    def __init__(self, password: str, prefix: str) -> None:
        self.password = password
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix=prefix))
        self.data = self.folder / "data"

    def start(self) -> Any:
        raise NotImplementedError

    def halt(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        self.halt()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Any:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def url(self, password: str | None = None, database: str = DATABASE, scheme: str | None = None) -> str:
        """The URL a site's connection gives: over TCP with the password (or `${NAME}` standing for it)."""
        return f"{scheme or self.SCHEME}://{USER}:{password or self.password}@127.0.0.1:{self.port}/{database}"
