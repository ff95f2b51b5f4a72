"""A local Spark Thrift Server for the Spark tests and a first try (issue 16).

Spark comes from `pyspark` (requirements-spark.txt, installed by ./spark.sh), which ships the Hive
Thrift Server jars; it runs on the machine's OpenJDK 17. The server runs in `local[2]` mode with a
2 GiB driver (in local mode the executors live in the driver's JVM, so that bounds Spark's heap),
on a free loopback port, with its metastore (embedded Derby), warehouse and scratch files in one
folder of its own. `start` returns once a HiveServer2 client gets an answer to `SELECT 1`;
`stop` ends the server's process group.

    .venv/bin/python -m tests.spark_server      # start one, print its URL, stop on Ctrl-C
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# WEALTH_SPARK_MEMORY: the driver heap (local mode: all of Spark's heap). 1g ran out of heap once
# on the life-cycle (compliance) statements, on a server that had run many before; 2g leaves room.
DRIVER_MEMORY = os.environ.get("WEALTH_SPARK_MEMORY", "2g")
MASTER = "local[2]"
START_TIMEOUT = float(os.environ.get("WEALTH_SPARK_START_TIMEOUT", "240"))
THRIFT_SERVER = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2"


class SparkUnavailable(RuntimeError):
    """pyspark, PyHive or Java is missing, or the server did not come up (the reason says which)."""


@dataclass
class SparkServer:
    process: subprocess.Popen[bytes]
    port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"spark+pyhive://127.0.0.1:{self.port}/default"

    @property
    def log(self) -> Path:
        return self.folder / "thriftserver.log"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _spark_home() -> Path:
    try:
        import pyhive  # noqa: F401
        import pyspark
    except ImportError as exc:
        raise SparkUnavailable(f"{exc.name} is not installed: run ./spark.sh") from None
    return Path(pyspark.__file__).resolve().parent


def _java_home() -> str:
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    if java is None:
        raise SparkUnavailable("no java on PATH (Debian: apt-get install openjdk-17-jre-headless)")
    return str(Path(java).resolve().parent.parent)


def _answers(port: int) -> bool:
    from pyhive import hive

    # Thrift logs every refused connection as an error; refusals are expected while it starts.
    logging.getLogger("thrift.transport.TSocket").setLevel(logging.CRITICAL)
    try:
        conn = hive.connect(host="127.0.0.1", port=port, username="wealth")
    except Exception:  # noqa: BLE001 - not listening yet, or still starting its session
        return False
    try:
        cur = conn.cursor()
        cur.execute("SELECT 1")
        return cur.fetchall() == [(1,)]
    except Exception:  # noqa: BLE001
        return False
    finally:
        conn.close()


def start(folder: Path | None = None, timeout: float = START_TIMEOUT) -> SparkServer:
    """Start a Thrift Server and wait until it answers (at most `timeout` seconds)."""
    home = _spark_home()
    folder = Path(folder or tempfile.mkdtemp(prefix="wealth-spark-"))
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    conf = {
        "spark.driver.memory": DRIVER_MEMORY,
        "spark.hadoop.hive.server2.thrift.port": str(port),
        "spark.hadoop.hive.server2.thrift.bind.host": "127.0.0.1",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        "spark.local.dir": str(folder / "scratch"),
        # The metastore's Derby database and log go into the folder, not the working directory.
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={folder}",
        "spark.ui.enabled": "false",  # no web port to take on a shared machine
        # Small data on 2 cores: 200 shuffle partitions would be 200 tasks per join.
        "spark.sql.shuffle.partitions": "2",
        # Timestamps are wall-clock times without zone (contract); unix_micros() on a
        # TIMESTAMP_NTZ goes through the session zone, so keep it free of daylight saving.
        "spark.sql.session.timeZone": "UTC",
    }
    cmd = [str(home / "bin" / "spark-submit"), "--master", MASTER, "--class", THRIFT_SERVER]
    for key, value in conf.items():
        cmd += ["--conf", f"{key}={value}"]
    cmd.append("spark-internal")
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "JAVA_HOME": _java_home(),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": sys.executable,
    }
    log = (folder / "thriftserver.log").open("wb")
    process = subprocess.Popen(
        cmd, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    server = SparkServer(process, port, folder)
    deadline = time.monotonic() + timeout
    while not _answers(port):
        if process.poll() is not None:
            raise SparkUnavailable(
                f"the Spark Thrift Server exited ({process.returncode}):\n{server.log_tail()}"
            )
        if time.monotonic() > deadline:
            stop(server)
            raise SparkUnavailable(
                f"the Spark Thrift Server did not answer in {timeout:.0f} s:\n{server.log_tail()}"
            )
        # Polling for readiness: the JVM start and the metastore take 10-60 s on a busy machine.
        time.sleep(1.0)
    return server


def stop(server: SparkServer, keep_folder: bool = False) -> None:
    """End the server (its whole process group: spark-submit starts the JVM as a child)."""
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()
    if not keep_folder:
        shutil.rmtree(server.folder, ignore_errors=True)


def main() -> None:
    server = start()
    print(f"Spark Thrift Server at {server.url} (log: {server.log}); Ctrl-C stops it", flush=True)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop(server)


if __name__ == "__main__":
    main()
