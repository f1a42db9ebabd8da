"""What a benchmark starts and must stop: gunicorn servers on 127.0.0.1 in their own process
groups, the temporary folder they work in, and the signals that end a run (so that every
`finally` stops and removes what it started).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.http_client import HOST, request

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def handle_termination() -> None:
    """SIGINT (Ctrl-C, even when started in the background), SIGTERM and SIGHUP end the run with
    KeyboardInterrupt, so every `finally` runs and cleans up."""

    def stop(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


def _without_control_socket() -> list[str]:
    # Newer gunicorns open a control socket at one default path: the servers a benchmark runs
    # side by side would fight over it, and log errors. None of them needs one.
    from gunicorn.config import KNOWN_SETTINGS

    flags = {flag for setting in KNOWN_SETTINGS for flag in setting.cli or ()}
    return ["--no-control-socket"] if "--no-control-socket" in flags else []


class Server:
    """A gunicorn with 2 workers on 127.0.0.1, in its own process group so that stopping it stops
    its workers; workers are never recycled (--max-requests 0) so their memory can be read."""

    def __init__(self, app: str, chdir: Path, env: dict, port: int | None = None, workers: int = 2):
        self.port = port or free_port()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"{HOST}:{self.port}",
                "--chdir",
                str(chdir),
                "--max-requests",
                "0",
                "--timeout",
                "120",
                "--log-level",
                "warning",
                *_without_control_socket(),
                app,
            ],
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=sys.stderr,
        )

    def wait_ready(self, path: str, timeout: float = 60) -> float:
        """Waits for the first 200 from `path`; returns the seconds since gunicorn was started."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn on port {self.port} exited with {self.process.returncode}"
                )
            try:
                status, _text, _headers = request(self.port, "GET", path, timeout=5)
                if status == 200:
                    return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(
            f"gunicorn on port {self.port} did not answer {path} within {timeout:.0f} s"
        )

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def peak_memory_mib(self) -> list[float]:
        """VmHWM (peak resident memory) of each worker, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                found = re.search(
                    r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M
                )
                if found:
                    peaks.append(int(found.group(1)) / 1024)
        return peaks

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@contextlib.contextmanager
def workspace(prefix: str):
    """A temporary folder, removed at the end."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)
