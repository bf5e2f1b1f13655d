"""A throwaway Spark Connect server for the tests: PySpark's own Spark (its jars hold the Spark Connect server) on
Java 17 or later, started with spark-submit in local mode, listening on a free port of 127.0.0.1 with a token, its
warehouse and scratch files in a temporary folder, and removed when done.

    with SparkConnectServer() as server:
        server.execute("CREATE TABLE sales (…) USING parquet")   # over Spark Connect, with the token
        url = server.url("${TB_TOKEN}")   # sc://localhost:PORT/;user_id=trackboard;token=${TB_TOKEN}

The URL names localhost: Spark's client sends a token without TLS only there (anywhere else a token means TLS).
The server keeps its tables' names in memory (no metastore): they go with it. One core and a 1 GiB driver: a
throwaway server on a shared machine.
"""

from __future__ import annotations

import contextlib
import os
import runpy
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

_SHARED = runpy.run_path(str(Path(__file__).with_name("throwaway.py")))  # no package: loaded by path
USER, ThrowawayServer = _SHARED["USER"], _SHARED["ThrowawayServer"]
START_TIMEOUT = 180  # seconds for the server to take connections (a JVM on a busy machine) before giving up
TIME_ZONE = "Asia/Shanghai"  # the session time zone: a TIMESTAMP is written as its wall-clock time in it
_MAIN = "org.apache.spark.sql.connect.service.SparkConnectServer"


def server_programs() -> Path | None:
    """PySpark's spark-submit, when PySpark with the Spark Connect server's jar and a java are installed, or None."""
    try:
        import pyspark
    except ImportError:
        return None
    home = Path(pyspark.__file__).parent
    submit = home / "bin" / "spark-submit"
    java = Path(os.environ["JAVA_HOME"]) / "bin" / "java" if os.environ.get("JAVA_HOME") else shutil.which("java")
    if not submit.exists() or not list(home.glob("jars/spark-connect_*.jar")) or not java:
        return None
    return submit


class SparkConnectServer(ThrowawayServer):
    """A Spark Connect server of its own: `start()` (or `with`) starts it, `stop()` stops it and removes its files."""

    SCHEME = "sc"

    def __init__(self, password: str = "s3cret-T0ken") -> None:
        submit = server_programs()
        if submit is None:
            raise RuntimeError("PySpark (with its Spark Connect jar) or Java 17 is not installed: pip install "
                               "'trackboard[test]', and Java (bash scripts/install-system-deps.sh)")
        super().__init__(password, "trackboard-spark-")
        self.submit = submit
        self.process: subprocess.Popen[bytes] | None = None
        self._session: Any = None

    def start(self) -> SparkConnectServer:
        self.data.mkdir()
        log = self.folder / "server.log"
        settings = {
            "spark.connect.grpc.binding.address": "127.0.0.1", "spark.connect.grpc.binding.port": str(self.port),
            "spark.driver.bindAddress": "127.0.0.1", "spark.driver.host": "127.0.0.1", "spark.ui.enabled": "false",
            "spark.sql.warehouse.dir": str(self.data / "warehouse"), "spark.local.dir": str(self.folder / "tmp"),
            "spark.sql.shuffle.partitions": "2", "spark.sql.session.timeZone": TIME_ZONE,
            "spark.driver.extraJavaOptions": f"-Dderby.system.home={self.data} -Djava.io.tmpdir={self.folder}",
        }
        command = [str(self.submit), "--class", _MAIN, "--master", "local[1]", "--driver-memory", "1g",
                   *(item for name, value in settings.items() for item in ("--conf", f"{name}={value}")),
                   "--name", "trackboard-test", "spark-internal"]
        # The token from the environment, not the command line: no other user of the machine sees it.
        environ = {**os.environ, "SPARK_CONNECT_AUTHENTICATE_TOKEN": self.password, "SPARK_LOCAL_IP": "127.0.0.1"}
        with log.open("wb") as out:
            # A group of its own: spark-submit's shell and the JVM it starts are stopped together.
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                            env=environ, cwd=self.folder, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    words = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    raise RuntimeError(f"the Spark Connect server did not start: {words}") from None
                time.sleep(0.2)
        return self

    def halt(self) -> None:
        if self._session is not None:
            with contextlib.suppress(Exception):  # the server went first: nothing left to end
                self._session.stop()
            self._session = None
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def url(self, password: str | None = None, database: str = "", scheme: str | None = None) -> str:
        """The URL a site's connection gives: localhost, the port, the user and the token (or `${NAME}`)."""
        return f"{scheme or self.SCHEME}://localhost:{self.port}/;user_id={USER};token={password or self.password}"

    def connect(self) -> Any:
        """A Spark Connect session on the server, kept until the server stops."""
        if self._session is None:
            from pyspark.sql.connect.session import SparkSession

            self._session = SparkSession.builder.remote(self.url()).create()
        return self._session

    def execute(self, sql: str) -> None:
        self.connect().sql(sql).collect()
