"""A realistic, deterministic demo data set that follows the data contract.

`generate(scale, out, seed)` writes one CSV per contract table (`shared/spec/data-contract.md`)
into a folder that `python -m data load` imports like a real OCRM extract. The same scale and seed
always give byte-identical files.

The data are built to make every KPI of `kpis.md` meaningful: a heavy-tailed AUM distribution
(black-gold, platinum and mass clients), growth, sharp drops and churn (retention alerts and their
follow-up contacts), transfers, leave cover by proxies, wealth clients left without a manager,
overloaded and idle planners, requests that miss their SLA, overdue work items, expired
certificates and so on.

How it works: everything is generated as numpy arrays of integer codes (client and staff row
numbers, day numbers, seconds, money in fen) and only turned into text at the end, in chunks, by
pyarrow's CSV writer. There is no Python loop per row, so `branch` (~8 million rows) takes seconds.
Row numbers of clients and staff are in the order of their ids, so sorting by row number sorts by
id. Each stage draws from its own random stream, spawned from the seed in a fixed order.

The package, in the order the data are made:

- `spec`: the scales (`SCALES`), the as-of day and the constants shared by every part;
- `vocabulary`, `arrays`, `calendar`: names and texts, vectorised numpy helpers, the months and
  working days of the window;
- `orgs`, `staff`, `clients`, `aum`, `book`, `leaves`: the parts of the world, put together by
  `world.build_world`, which also holds the queries the table builders share;
- `tables`: the table builders by concern, their random streams and the generation order;
- `output`: column converters from integer codes to text, and the CSV writer.
"""

from __future__ import annotations

import pathlib

import numpy as np

from data.demo.output import write_table
from data.demo.spec import DEMO_AS_OF, SCALES, ScaleSpec
from data.demo.tables import STREAMS, TABLES
from data.demo.world import build_world

__all__ = ["DEMO_AS_OF", "SCALES", "ScaleSpec", "generate"]


def generate(scale: str, out: pathlib.Path, seed: int = 20261031) -> dict[str, int]:
    """Write one CSV per contract table into `out` (created if missing); return {file name: data
    rows}. The same scale and seed always give byte-identical files."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rngs = dict(zip(STREAMS, np.random.default_rng(seed).spawn(len(STREAMS)), strict=True))
    w = build_world(SCALES[scale], rngs)
    # Each table is built, written and released before the next (peak memory = one table).
    counts: dict[str, int] = {}
    for builder in TABLES:
        table = builder.build(rngs[builder.stream], w)
        counts[table.file] = write_table(out, table)
        del table
    return counts
