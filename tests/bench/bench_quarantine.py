"""The quarantine file of wide rows (issue 14, item 3; prints figures, not a test).

    python -m tests.bench.bench_quarantine [--widths 10000,40000,160000,1000000]

Times `data.importer.quarantine_csv` on two rejected rows of `width` distinct field names each
(CPU seconds of this process). The old list-based de-duplication of column names took 4.5 s at
10,000 fields and 100 s at 40,000; a linear one grows by about 4x per 4x the width. The test
suite checks the same thing without a clock, by counting the hashes and comparisons of names
(`tests/test_import_conservation.py::test_quarantine_of_wide_rows_is_linear`).
"""

from __future__ import annotations

import argparse
import time

from data.importer import FileReport, quarantine_csv
from data.readers import Problem


def seconds(width: int) -> tuple[float, int]:
    problems = [
        Problem(line, "", "wide", {f"field_{i}": str(i) for i in range(width)}) for line in (2, 3)
    ]
    report = FileReport("staff.csv", "staff", problems=problems)
    started = time.process_time()
    data = quarantine_csv(report)
    return time.process_time() - started, len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", default="10000,40000,160000,1000000")
    args = parser.parse_args()
    print(f"{'fields':>10} {'CPU s':>8} {'file MB':>8}")
    for width in (int(w) for w in args.widths.split(",")):
        spent, size = seconds(width)
        print(f"{width:>10,} {spent:>8.3f} {size / 1e6:>8.1f}")


if __name__ == "__main__":
    main()
