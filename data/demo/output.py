"""From integer codes to CSV: column converters and the chunked, unquoted CSV writer."""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from data.demo.arrays import I64, Bool
from data.demo.spec import NA

Converter = Callable[[I64], pa.Array]


@dataclass(frozen=True)
class Table:
    file: str
    columns: list[tuple[str, Converter]]
    order: I64  # row numbers in output order


def ids_of(strings: pa.Array, idx: I64) -> Converter:
    def convert(sel: I64) -> pa.Array:
        i = idx[sel]
        return strings.take(pa.array(i, mask=i < 0))

    return convert


def labels_of(labels: Sequence[str], codes: I64) -> Converter:
    return ids_of(pa.array(list(labels), pa.string()), codes)


def timestamps(seconds: I64) -> Converter:
    def convert(sel: I64) -> pa.Array:
        v = seconds[sel]
        return pa.array(v, type=pa.timestamp("s"), mask=v == NA)

    return convert


def dates(days: I64) -> Converter:
    def convert(sel: I64) -> pa.Array:
        v = days[sel]
        return pa.array(np.where(v == NA, 0, v).astype(np.int32), type=pa.date32(), mask=v == NA)

    return convert


def money(fen: I64) -> Converter:
    """Exact yuan with two decimals: a decimal128 built from the integer number of fen."""

    def convert(sel: I64) -> pa.Array:
        v = fen[sel]
        null = v == NA
        words = np.zeros((v.size, 2), np.int64)
        words[:, 0] = np.where(null, 0, v)
        words[:, 1] = np.where(words[:, 0] < 0, -1, 0)
        validity = pa.py_buffer(np.packbits(~null, bitorder="little")) if null.any() else None
        return pa.Array.from_buffers(
            pa.decimal128(18, 2), v.size, [validity, pa.py_buffer(words)], null_count=-1
        )

    return convert


def numbers(values: NDArray[Any], null: Bool | None = None) -> Converter:
    def convert(sel: I64) -> pa.Array:
        return pa.array(values[sel], mask=None if null is None else null[sel])

    return convert


def sequence_ids(prefix: str, width: int, order: I64) -> Converter:
    """Ids numbered in output order (CT0000000001, ...)."""
    seq = np.empty(order.size, np.int64)
    seq[order] = np.arange(1, order.size + 1)

    def convert(sel: I64) -> pa.Array:
        digits = pc.utf8_lpad(pa.array(seq[sel]).cast(pa.string()), width, "0")
        return pc.binary_join_element_wise(prefix, digits, "")

    return convert


def write_table(out: pathlib.Path, table: Table, chunk: int = 500_000) -> int:
    """Header line, then the rows in `order`, converted and written chunk by chunk."""
    names = [name for name, _ in table.columns]
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    with open(out / table.file, "wb") as f:
        f.write((",".join(names) + "\n").encode("utf-8"))
        writer = None
        for start in range(0, table.order.size, chunk):
            sel = table.order[start : start + chunk]
            batch = pa.record_batch([conv(sel) for _, conv in table.columns], names=names)
            if writer is None:
                writer = pacsv.CSVWriter(f, batch.schema, write_options=options)
            writer.write_batch(batch)
        if writer is not None:
            writer.close()
    return int(table.order.size)


def time_order(*keys: NDArray[Any]) -> I64:
    """Row numbers sorted by the keys, the first key most significant."""
    if keys[0].size == 0:
        return np.zeros(0, np.int64)
    return np.lexsort(keys[::-1]).astype(np.int64)
