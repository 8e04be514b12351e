"""Child servers for the benchmarks: `streamlit run SCRIPT` and `python -m http.server`, each on a free loopback
port, with the CPU time and resident memory of their processes read from Linux /proc.

Shared by bench_site.py (a fresh install in Chromium) and bench_load.py (many WebSocket visitors at once).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

# Environment a bench server must not inherit from the shell: each benchmark says where its data is.
NOT_INHERITED = {"DATABASE_URL", "SIGNING_KEY_FILE", "SEED_DEMO"}
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process `pid` has used (fields 14 and 15 of /proc/PID/stat); 0 once gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    """The resident memory of the process `pid` (VmRSS of /proc/PID/status), in MB; 0 once gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in lines if line.startswith("VmRSS:")), 0.0)


class Server:
    """A `streamlit run SCRIPT` child process on a free port; `started` is when it was launched.
    `options` are more `--section.option value` arguments for Streamlit."""

    def __init__(self, script: Path, cwd: Path, env: dict[str, str], log: Path, options: tuple[str, ...] = ()) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._log = open(log, "wb")  # noqa: SIM115 (closed in stop())
        clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true", "--server.address",
             "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *options], cwd=cwd, env={**clean, **env}, stdout=self._log,
            stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"streamlit exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("streamlit did not start")

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a server stuck in a run must not outlive the benchmark
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()


class StaticServer:
    """`python -m http.server` serving `folder` on a free loopback port (a stand-in for any static web server)."""

    def __init__(self, folder: Path, log: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._log = open(log, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
            stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/", timeout=2):
                    return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("http.server did not start")

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()
