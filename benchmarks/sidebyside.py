"""Quick side-by-side of ``gdpr-audit check``, the floor and the pandas baseline on one extract folder.

Runs the tools in turn, round after round (so a busy machine slows all of them alike), and prints the
median wall time and the median CPU time (user + system of the process and its children) of each, and
the ratios. CPU time is the steadier number on a shared machine; the targets are on wall time.

  python -m benchmarks.sidebyside --data sample_data --runs 5
  python -m benchmarks.sidebyside --data benchmarks/.data/M --runs 3 --tools check,floor
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def commands(data: Path, period: str, out: Path) -> dict[str, list[str]]:
    py = [sys.executable, "-m"]
    return {
        "check": [*py, "audit_lib.cli", "check", "--data", str(data), "--period", period, "--out", str(out), "--quiet"],
        "floor": [*py, "benchmarks.floor", "--data", str(data), "--period", period],
        "pandas": [*py, "benchmarks.pandas_baseline", "--data", str(data), "--period", period],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.sidebyside", description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--period", default="2026-10")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tools", default="check,pandas,floor")
    args = ap.parse_args(argv)
    tools = args.tools.split(",")
    wall: dict[str, list[float]] = {t: [] for t in tools}
    cpu: dict[str, list[float]] = {t: [] for t in tools}
    with tempfile.TemporaryDirectory(prefix="sidebyside-") as tmp:
        cmds = commands(args.data.resolve(), args.period, Path(tmp) / "out")
        for _ in range(args.runs):
            for tool in tools:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                done = subprocess.run(
                    cmds[tool], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
                )
                wall[tool].append(time.perf_counter() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[tool].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
                if done.returncode:
                    print(f"{tool}: exit {done.returncode}: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                    return 1
    wm = {t: statistics.median(v) for t, v in wall.items()}
    cm = {t: statistics.median(v) for t, v in cpu.items()}
    print(f"{'tool':8} {'wall (s)':>9} {'cpu (s)':>8}  runs (wall)")
    for t in tools:
        print(f"{t:8} {wm[t]:9.2f} {cm[t]:8.2f}  {[round(x, 2) for x in wall[t]]}")
    for other in ("floor", "pandas"):
        if "check" in wm and other in wm:
            print(f"check / {other}: wall {wm['check'] / wm[other]:.2f}x, cpu {cm['check'] / cm[other]:.2f}x")
    print(f"1-minute load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
