"""Benchmark ``gdpr-audit check`` and ``report`` against the DuckDB floor and the pandas baseline.

For each scale the extract is generated once into a cache folder, then the tools are measured on the
same files in rounds (each round runs every tool once, the check and the floor one after the other):
wall time and peak RSS of the whole process tree, median of ``--repeat`` rounds. Results go to a JSON
file; a markdown summary is printed (see docs/benchmarks.md).

Example:
  python -m benchmarks.run --scales S M --repeat 3 --out benchmarks/results/2026-11-27.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import psutil

from . import answer_key
from .measure import measure
from .report_size import folder_bytes, html_sizes
from .tables import render

REPO = Path(__file__).resolve().parents[1]
TOOLS = ("check", "floor", "pandas", "report", "reopen")  # in a round's order: the check and its floor side by side
DEFAULT_REPEAT = {"S": 3, "M": 3, "L": 1, "XL": 1}
XL_TOOLS = ("check",)  # XL (benchmarks/xl.py): how far `check` goes on one machine; the others run out of memory
REOPEN_SCALES = ("S", "M")  # at L two full loads add minutes and the target is stated at M
GiB = 1024**3


def gdpr_audit() -> list[str]:
    script = Path(sys.executable).with_name("gdpr-audit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "audit_lib.cli"]


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / GiB, 1),
        "cpu_model": model,
        "platform": platform.platform(),
    }


def versions() -> dict:
    found = {"python": platform.python_version()}
    for dist in ("duckdb", "pandas", "pyarrow", "gdpr-audit"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = None
    try:
        found["git_commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, text=True, capture_output=True, check=True
        ).stdout.strip()
        # the library may hold uncommitted work while it is measured: say so
        found["audit_lib_uncommitted"] = bool(
            subprocess.run(
                ["git", "status", "--porcelain", "audit_lib"], cwd=REPO, text=True, capture_output=True
            ).stdout.strip()
        )
    except (OSError, subprocess.CalledProcessError):
        found["git_commit"] = None
    return found


def ensure_extract(data_dir: Path, scale: str, seed: int, period: str) -> dict:
    """Generate the scale's extract once (``<data_dir>/<scale>``); a marker file records it is complete."""
    folder, marker = data_dir / scale, data_dir / f"{scale}.json"
    if not (marker.exists() and folder.is_dir()):
        shutil.rmtree(folder, ignore_errors=True)
        print(f"[{scale}] generating the extract into {folder} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        extra = {}
        if scale == "XL":
            from .xl import build  # noqa: PLC0415

            extra = build(folder, seed, period)
        else:
            cmd = [*gdpr_audit(), "sample", "--out", str(folder), "--scale", scale, "--seed", str(seed)]
            subprocess.run([*cmd, "--period", period], check=True, capture_output=True)
        info = {
            **extra,
            "scale": scale,
            "seed": seed,
            "period": period,
            "generated_s": round(time.perf_counter() - started, 1),
            "generated_on": dt.date.today().isoformat(),
        }
        marker.write_text(json.dumps(info, indent=2) + "\n")
    info = json.loads(marker.read_text())
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != "answer_key.csv"]
    info.update(path=str(folder), files=len(files), bytes=sum(p.stat().st_size for p in files))
    return info


def command(tool: str, data: Path, period: str, out: Path) -> list[str]:
    py = [sys.executable, "-m"]
    return {
        "check": [*gdpr_audit(), "check", "--data", str(data), "--period", period, "--out", str(out), "--quiet"],
        "report": [*gdpr_audit(), "report", "--data", str(data), "--period", period, "--out", str(out), "--quiet"],
        "floor": [*py, "benchmarks.floor", "--data", str(data), "--period", period],
        "pandas": [*py, "benchmarks.pandas_baseline", "--data", str(data), "--period", period],
        "reopen": [*py, "benchmarks.reopen", "--data", str(data), "--period", period, "--cache-dir", str(out)],
    }[tool]


def wait_until_idle(max_load: float, max_wait_s: float) -> float:
    """Wait (up to ``max_wait_s``) for the 1-minute load average to drop to ``max_load``; return it."""
    deadline = time.monotonic() + max_wait_s
    while os.getloadavg()[0] > max_load and time.monotonic() < deadline:
        print(f"  load average {os.getloadavg()[0]:.2f} > {max_load}: waiting ...", file=sys.stderr, flush=True)
        time.sleep(min(30.0, max(0.0, deadline - time.monotonic())))
    return round(os.getloadavg()[0], 2)


def run_once(tool: str, scale: str, data: Path, args, work: Path, i: int, repeat: int) -> tuple[dict, dict]:
    """One run of one tool: (the run's record, the tool's own JSON line, if it prints one)."""
    cap = int(args.pandas_cap_gb * GiB) if tool == "pandas" else None
    out = work / tool
    shutil.rmtree(out, ignore_errors=True)
    # re-open: a fresh interactive cache (in ``out``) each run, so the first open is cold and the second re-opens
    m = measure(command(tool, data, args.period, out), cwd=str(REPO), memory_cap=cap, timeout_s=args.timeout)
    run = {"wall_s": round(m.wall_s, 3), "peak_rss_mib": round(m.peak_rss_mib, 1), "status": m.status}
    detail = {}
    if m.status == "ok" and tool in ("floor", "pandas", "reopen"):
        detail = json.loads(m.stdout.strip().splitlines()[-1])
        if tool == "reopen":
            run.update(process_wall_s=run["wall_s"], wall_s=detail["second_s"], first_s=detail["first_s"])
    if m.status != "ok":
        run["stderr_tail"] = m.stderr_tail
    print(
        f"  [{scale}] {tool} run {i + 1}/{repeat}: {run['wall_s']:.2f} s, {run['peak_rss_mib']:.0f} MiB, "
        f"{run['status']}",
        file=sys.stderr,
        flush=True,
    )
    return run, detail


def summarise(tool: str, scale: str, runs: list[dict], detail: dict, load: float, args, work: Path, data: Path) -> dict:
    """A tool's record: the medians of its runs (of the failed one if any failed), and each run."""
    ok = [r for r in runs if r["status"] == "ok"]
    status = "ok" if len(ok) == len(runs) else runs[-1]["status"]
    use = ok if status == "ok" else runs
    record = {
        "scale": scale,
        "tool": tool,
        "wall_s": round(statistics.median(r["wall_s"] for r in use), 3),
        "peak_rss_mib": round(statistics.median(r["peak_rss_mib"] for r in use), 1),
        "status": status,
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "repeat": len(runs),
        "load_before": load,
        "runs": runs,
    }
    if tool == "pandas":
        record["memory_cap_gib"] = args.pandas_cap_gb
    if tool == "reopen":
        record["first_s"] = statistics.median(r.get("first_s", 0) for r in use)
    if detail:
        record["detail"] = detail
    out = work / tool
    if tool == "report" and status == "ok":
        record["html"] = html_sizes(out / args.period)
        record["folder_bytes"] = folder_bytes(out / args.period)
    if tool == "check" and status == "ok":
        manifest = json.loads((out / "manifest.json").read_text())
        record["findings"] = {c: s.get("findings") for c, s in manifest.get("checks", {}).items()} or None
        key = data / "answer_key.csv"
        if key.is_file():  # the sample generator's extracts carry one: speed must change no finding
            record["answer_key"] = answer_key.compare(out / "findings.csv", key)
    return record


def run_scale(tools: list[str], scale: str, data: Path, args, work: Path) -> list[dict]:
    """Measure the tools on one extract in rounds: each round runs every tool once, in turn, so the
    check and the floor it is compared with run minutes apart at most, in the same state of a shared,
    noisy machine (one tool's runs all together used to meet a different hour than the next tool's). A
    tool that fails or runs out of memory is not run again."""
    repeat = args.repeat or DEFAULT_REPEAT[scale]
    runs: dict[str, list[dict]] = {t: [] for t in tools}
    details: dict[str, dict] = {}
    loads: dict[str, float] = {}
    for i in range(repeat):
        load = wait_until_idle(args.max_load, args.max_wait)
        for tool in tools:
            if runs[tool] and runs[tool][-1]["status"] != "ok":
                continue  # an out-of-memory or failed run is not repeated
            loads.setdefault(tool, load)
            run, detail = run_once(tool, scale, data, args, work, i, repeat)
            runs[tool].append(run)
            details[tool] = detail or details.get(tool, {})
    # a tool's outputs (the report's pages, the check's manifest) are those of its last run
    return [summarise(t, scale, runs[t], details.get(t, {}), loads[t], args, work, data) for t in tools]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__.splitlines()[0],
        epilog="Example:\n  python -m benchmarks.run --scales S M --repeat 3",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--scales", nargs="+", choices=list(DEFAULT_REPEAT), default=["S"])
    ap.add_argument(
        "--data-dir",
        type=Path,
        default=REPO / "benchmarks" / ".data",
        help="cache of generated extracts (default benchmarks/.data)",
    )
    ap.add_argument("--repeat", type=int, default=None, help="runs per measurement (default 3 at S/M, 1 at L)")
    ap.add_argument("--out", type=Path, default=None, help="results JSON (default benchmarks/results/<date>.json)")
    ap.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    ap.add_argument("--period", default="2026-10")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--pandas-cap-gb", type=float, default=16.0, help="address-space cap of the pandas child")
    ap.add_argument("--max-load", type=float, default=1.5, help="wait for this 1-minute load average first")
    ap.add_argument("--max-wait", type=float, default=120.0, help="seconds to wait for it at most")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds before a run is killed")
    ap.add_argument("--overwrite", action="store_true", help="replace an existing results file")
    args = ap.parse_args(argv)

    out = args.out or REPO / "benchmarks" / "results" / f"{dt.date.today().isoformat()}.json"
    if out.exists() and not args.overwrite:  # a results file is evidence that docs/benchmarks.md cites
        ap.error(f"{out} exists: name another --out, or pass --overwrite")
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "period": args.period,
        "extracts": {},
        "results": [],
    }
    for scale in args.scales:
        data_dir = args.data_dir.resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        doc["extracts"][scale] = ensure_extract(data_dir, scale, args.seed, args.period)
        work = data_dir / f"{scale}-runs"
        tools = [
            t
            for t in TOOLS
            if t in args.tools
            and not ((t == "reopen" and scale not in REOPEN_SCALES) or (scale == "XL" and t not in XL_TOOLS))
        ]
        doc["results"].extend(run_scale(tools, scale, data_dir / scale, args, work))
        out.write_text(json.dumps(doc, indent=2) + "\n")
        shutil.rmtree(work, ignore_errors=True)
    out.write_text(json.dumps(doc, indent=2) + "\n")
    print(render([doc]))
    print(f"results: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
