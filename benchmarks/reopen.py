"""Open the same unchanged extract twice in one process with the notebook API; print both times.

The second time is what an auditor waits for when a notebook re-opens the month's extract.

Example:
  python -m benchmarks.reopen --data benchmarks/.data/M --period 2026-10
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from audit_lib import cache, open_extract


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.reopen", description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--period", default="2026-10")
    ap.add_argument("--cache-dir", type=Path, help="the interactive cache folder (default: the user's)")
    args = ap.parse_args(argv)
    if args.cache_dir:
        cache.configure(args.cache_dir)
    seconds = []
    for _ in range(2):
        started = time.perf_counter()
        extract = open_extract(args.data, period=args.period)
        seconds.append(round(time.perf_counter() - started, 3))
        extract.close()
    print(json.dumps({"first_s": seconds[0], "second_s": seconds[1]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
