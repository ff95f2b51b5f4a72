"""Tables of what the clients hold: monthly AUM and account events."""

from __future__ import annotations

import numpy as np

from data.demo.arrays import Rng
from data.demo.output import Table, ids_of, labels_of, money, time_order, timestamps
from data.demo.vocabulary import EVENT_KINDS
from data.demo.world import World


def aum_table(rng: Rng, w: World) -> Table:
    # Month-major: each month's rows sit together (good zone maps for per-period queries).
    month, client = np.nonzero(w.aum.present.T)
    fen = np.round(w.aum.value.T[month, client] * 100).astype(np.int64)
    return Table(
        "aum_monthly.csv",
        [
            ("client_id", ids_of(w.clients.ids, client.astype(np.int64))),
            ("month", labels_of(w.cal.month_labels, month.astype(np.int64))),
            ("avg_daily_aum", money(fen)),
        ],
        np.arange(month.size, dtype=np.int64),
    )


def account_events_table(rng: Rng, w: World) -> Table:
    ev = w.events
    return Table(
        "account_events.csv",
        [
            ("client_id", ids_of(w.clients.ids, ev.client)),
            ("at", timestamps(ev.at)),
            ("kind", labels_of(EVENT_KINDS, ev.kind)),
            ("amount", money(ev.fen)),
        ],
        time_order(ev.at, ev.client, ev.kind),
    )
