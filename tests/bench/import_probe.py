"""One import, run by `bench_import` in a fresh interpreter: rows, seconds, and the process's
resident memory sampled every 50 ms, with the importer's step at each sample, so that the peak
can be put down to a step (reading a file, the database phase).

    python -m tests.bench.import_probe URL FOLDER

Prints one line of JSON: rows, rejected, import_s, peak_mib (the kernel's own high-water mark,
VmHWM) and steps: {step: peak MiB sampled during it}.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

from data.db import upgrade
from data.demo import DEMO_AS_OF
from data.engine import make_engine
from data.importer import load_dir


def _status(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    url, folder = sys.argv[1], Path(sys.argv[2])
    engine = make_engine(url)
    upgrade(engine)
    step = ["starting"]
    peaks: dict[str, float] = {}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            rss = _status("VmRSS")
            peaks[step[0]] = max(peaks.get(step[0], 0.0), rss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    report = load_dir(
        engine,
        folder,
        as_of=DEMO_AS_OF,
        progress=lambda _fraction, message: step.__setitem__(0, message),
    )
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    result = {
        "rows": sum(f.read for f in report.files),
        "rejected": report.rejected,
        "committed": report.committed,
        "import_s": elapsed,
        "peak_mib": _status("VmHWM"),
        "steps": {k: round(v) for k, v in peaks.items()},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
