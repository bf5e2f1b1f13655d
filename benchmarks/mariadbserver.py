"""A throwaway MariaDB server for the tests: Debian's server programs (the `mariadb-server` package, installed by
scripts/install-system-deps.sh), a data directory made in a temporary folder, the server listening on a private
socket and a free port of 127.0.0.1 with a password, and removed when done.

    with MariaDBServer() as server:
        server.execute("CREATE TABLE sales (…)")       # over the unix socket as root, no password
        url = server.url("${TB_PASSWORD}")   # mysql://trackboard:${TB_PASSWORD}@127.0.0.1:PORT/trackboard

The server runs as the current user (as root: --user=root, which mariadbd otherwise refuses), and reads no option
file (--no-defaults): the machine's own MariaDB, if any, is neither used nor touched.
"""

from __future__ import annotations

import os
import runpy
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

_SHARED = runpy.run_path(str(Path(__file__).with_name("throwaway.py")))  # no package: loaded by path
USER, DATABASE, ThrowawayServer = _SHARED["USER"], _SHARED["DATABASE"], _SHARED["ThrowawayServer"]
START_TIMEOUT = 60  # seconds for the server to take connections before the fixture gives up
# Durability the tests do not need, and a small memory: a throwaway server on a shared machine.
_OPTIONS = ("--skip-name-resolve", "--innodb-flush-method=nosync", "--innodb-doublewrite=0",
            "--innodb-log-file-size=8M", "--innodb-buffer-pool-size=16M", "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci")


def _program(*names: str) -> str | None:
    for name in names:
        for folder in (None, "/usr/sbin", "/usr/bin"):
            found = shutil.which(name, path=folder)
            if found:
                return found
    return None


def server_programs() -> tuple[str, str] | None:
    """The installed server and the program that makes its data directory, or None."""
    server, install = _program("mariadbd", "mysqld"), _program("mariadb-install-db", "mysql_install_db")
    return (server, install) if server and install else None


class MariaDBServer(ThrowawayServer):
    """A MariaDB server of its own: `start()` (or `with`) makes and starts it, `stop()` stops and removes it."""

    SCHEME = "mysql"

    def __init__(self, password: str = "s3cret-Passw0rd") -> None:
        programs = server_programs()
        if programs is None:
            raise RuntimeError("MariaDB's server programs are not installed (mariadbd, mariadb-install-db); install "
                               "Debian's mariadb-server package (bash scripts/install-system-deps.sh)")
        super().__init__(password, "trackboard-mariadb-")
        self.server, self.install = programs
        self.socket = self.folder / "mysqld.sock"
        self.process: subprocess.Popen[bytes] | None = None
        self.as_root = ["--user=root"] if os.geteuid() == 0 else []

    def start(self) -> MariaDBServer:
        done = subprocess.run([self.install, "--no-defaults", f"--datadir={self.data}", "--skip-test-db",
                               "--auth-root-authentication-method=normal", *self.as_root, *_OPTIONS],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(self.install).name} failed ({done.returncode}): "
                               f"{done.stderr.strip() or done.stdout.strip()}")
        log = self.folder / "server.log"
        self.process = subprocess.Popen(
            [self.server, "--no-defaults", f"--datadir={self.data}", f"--socket={self.socket}", f"--port={self.port}",
             "--bind-address=127.0.0.1", f"--pid-file={self.folder / 'mysqld.pid'}", f"--log-error={log}",
             "--skip-log-bin", *self.as_root, *_OPTIONS],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:  # a socket of our own: PyMySQL leaves its socket open when the connection fails
                with socket.socket(socket.AF_UNIX) as probe:
                    probe.connect(str(self.socket))
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    words = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    raise RuntimeError(f"mariadbd did not start: {words}") from None
                time.sleep(0.1)
        quoted = self.password.replace("\\", "\\\\").replace("'", "\\'")
        self.execute(f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4", database=None)
        self.execute(f"CREATE USER '{USER}'@'127.0.0.1' IDENTIFIED BY '{quoted}'", database=None)
        self.execute(f"GRANT ALL ON {DATABASE}.* TO '{USER}'@'127.0.0.1'", database=None)
        return self

    def halt(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def connect(self, database: str | None = DATABASE) -> Any:
        """A PyMySQL connection as root over the unix socket (no password), autocommit."""
        import pymysql

        return pymysql.connect(unix_socket=str(self.socket), user="root", database=database, charset="utf8mb4",
                               autocommit=True)

    def execute(self, sql: str, database: str | None = DATABASE) -> None:
        with self.connect(database) as connection, connection.cursor() as cursor:
            cursor.execute(sql)
