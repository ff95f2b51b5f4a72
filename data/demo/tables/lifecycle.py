"""Tables of the client life cycle (lifecycle.md): wealth-account openings, risk assessments and
care dates. Their rows come from the world's life-cycle part (`data.demo.lifecycle`)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.demo.arrays import I64, Rng
from data.demo.lifecycle import CARE_KINDS, CARE_LABELS
from data.demo.output import (
    Converter,
    Table,
    dates,
    ids_of,
    labels_of,
    money,
    sequence_ids,
    time_order,
    timestamps,
)
from data.demo.spec import NA
from data.demo.vocabulary import RISK_LEVELS
from data.demo.world import World


def account_openings_table(rng: Rng, w: World) -> Table:
    o = w.life.openings
    org_ids = pa.array(w.orgs.ids, pa.string())
    orgs = w.life.staff_orgs(w.staff)[o.staff]
    order = time_order(o.at, o.client)
    return Table(
        "account_openings.csv",
        [
            ("opening_id", sequence_ids("KH", 10, order)),
            ("client_id", ids_of(w.clients.ids, o.client)),
            ("staff_id", ids_of(w.life.staff_ids(w.staff), o.staff)),
            ("org_id", ids_of(org_ids, orgs)),
            ("opened_at", timestamps(o.at)),
            ("assets_at_opening", money(o.fen)),
            ("approval_ref", approval_refs(o.approval)),
            ("approved_on", dates(o.approved)),
            ("kyc_at", timestamps(o.kyc)),
            ("risk_assessed_at", timestamps(o.risk)),
        ],
        order,
    )


def approval_refs(numbers: I64) -> Converter:
    """SP + a five-digit number: the branch's approval of a below-threshold opening."""

    def convert(sel: I64) -> pa.Array:
        v = numbers[sel]
        digits = pc.utf8_lpad(pa.array(np.where(v == NA, 0, v)).cast(pa.string()), 5, "0")
        text = pc.binary_join_element_wise("SP", digits, "")
        return pc.if_else(pa.array(v == NA), pa.scalar(None, pa.string()), text)

    return convert


def risk_assessments_table(rng: Rng, w: World) -> Table:
    client, day, level, staff = w.life.assessments
    return Table(
        "risk_assessments.csv",
        [
            ("client_id", ids_of(w.clients.ids, client)),
            ("assessed_on", dates(day)),
            ("risk_level", labels_of(RISK_LEVELS, level)),
            ("staff_id", ids_of(w.staff.ids, staff)),
        ],
        time_order(day, client),
    )


def care_dates_table(rng: Rng, w: World) -> Table:
    client, kind, month, day, label = w.life.care
    text = pc.binary_join_element_wise(
        pc.utf8_lpad(pa.array(month).cast(pa.string()), 2, "0"),
        pc.utf8_lpad(pa.array(day).cast(pa.string()), 2, "0"),
        "-",
    )

    def month_day(sel: I64) -> pa.Array:
        return text.take(pa.array(sel))

    return Table(
        "care_dates.csv",
        [
            ("client_id", ids_of(w.clients.ids, client)),
            ("kind", labels_of(CARE_KINDS, kind)),
            ("month_day", month_day),
            ("label", labels_of(CARE_LABELS, label)),
        ],
        time_order(client, kind, month * 100 + day, label),
    )
