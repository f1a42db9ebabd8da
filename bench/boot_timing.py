"""How long the application takes to build: `create_app()` in a fresh Python process."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import textwrap
from pathlib import Path

from bench.dataset import app_config
from bench.servers import ROOT


def create_app_seconds(database_url: str, workdir: Path, runs: int = 3) -> float:
    """Median time of `from association import create_app; create_app()` in a fresh Python."""
    code = textwrap.dedent("""
        import json, sys, time
        started = time.perf_counter()
        from association import create_app
        create_app(json.loads(sys.argv[1]))
        print(time.perf_counter() - started)
    """)
    config = app_config(database_url, workdir / "instance", "create-app-timing")

    samples = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code, json.dumps(config)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        samples.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)
