"""A throwaway PostgreSQL server for the tests and the benchmark: Debian's server programs (the `postgresql`
package, installed by scripts/install-system-deps.sh), a cluster made in a temporary folder, listening on a free
port of 127.0.0.1 with a password, and removed when done.

    with PostgresServer() as server:
        server.execute("CREATE TABLE sales (…)")       # over the unix socket, no password
        url = server.url("${TB_PASSWORD}")   # postgresql://trackboard:${TB_PASSWORD}@127.0.0.1:PORT/trackboard

initdb refuses to run as root: as root, the cluster belongs to the `postgres` user the package makes.
"""

from __future__ import annotations

import os
import pwd
import runpy
import subprocess
from pathlib import Path
from typing import Any

_SHARED = runpy.run_path(str(Path(__file__).with_name("throwaway.py")))  # no package: loaded by path
USER, DATABASE, ThrowawayServer = _SHARED["USER"], _SHARED["DATABASE"], _SHARED["ThrowawayServer"]


def server_programs() -> Path | None:
    """The folder of the newest installed PostgreSQL's initdb and pg_ctl, or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
                   if p.parts[-3].isdigit() else 0)
    return found[-1].parent if found else None


class PostgresServer(ThrowawayServer):
    """A PostgreSQL cluster of its own: `start()` (or `with`) makes and starts it, `stop()` stops and removes it."""

    SCHEME = "postgresql"

    def __init__(self, password: str = "s3cret-Passw0rd") -> None:
        programs = server_programs()
        if programs is None:
            raise RuntimeError("PostgreSQL's server programs are not installed (/usr/lib/postgresql/*/bin/initdb); "
                               "install Debian's postgresql package (bash scripts/install-system-deps.sh)")
        super().__init__(password, "trackboard-pg-")
        self.programs = programs
        self.sockets = self.folder / "sockets"
        self.owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        command = [str(self.programs / args[0]), *args[1:]]
        if self.owner is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> PostgresServer:
        self.sockets.mkdir()
        secret = self.folder / "password"
        secret.write_text(self.password + "\n", encoding="utf-8")
        if self.owner is not None:
            for path in (self.folder, self.sockets, secret):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        # Trust on the unix socket (loading data), a password over TCP (what a site's connection uses).
        self._run("initdb", "-D", str(self.data), "-U", USER, "--pwfile", str(secret), "--auth-local=trust",
                  "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync")
        secret.unlink()
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"), "-w",
                  "start")
        self.execute(f"CREATE DATABASE {DATABASE}", database="postgres")
        return self

    def halt(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def connect(self, database: str = DATABASE) -> Any:
        """A connection over the unix socket (no password), autocommit."""
        import psycopg

        return psycopg.connect(host=str(self.sockets), port=self.port, user=USER, dbname=database, autocommit=True)

    def execute(self, sql: str, database: str = DATABASE) -> None:
        with self.connect(database) as connection:
            connection.execute(sql)
