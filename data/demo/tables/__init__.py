"""The tables of the demo data set, one module per concern, and the order they are generated in.

To add a table: write its builder `(rng, w) -> Table` in the module of its concern (or a new
module here), append the name of its random stream to STREAMS, and add one line to TABLES. A
builder returns a `Table` (its file, its columns as converters and the output order of its rows);
it reads what it needs from the world `w` and never changes it, since the tables after it read the
same world. Data shared by several tables (like the account events) belong in the world.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from data.demo.arrays import Rng
from data.demo.output import Table
from data.demo.tables.growth import certificates_table, rewards_table, trainings_table
from data.demo.tables.holdings import account_events_table, aum_table
from data.demo.tables.lifecycle import (
    account_openings_table,
    care_dates_table,
    risk_assessments_table,
)
from data.demo.tables.logs import info_updates_table, logins_table, work_items_table
from data.demo.tables.people import (
    assignments_table,
    clients_table,
    org_units_table,
    staff_table,
)
from data.demo.tables.service import (
    archives_table,
    contacts_table,
    needs_table,
    plans_table,
    requests_table,
    surveys_table,
)
from data.demo.world import World

# One random stream per stage: adding draws to one stage leaves every other stage's data as it was.
# Streams are spawned from the seed in this order and a stream depends only on its position, so a
# new stream goes at the end: inserting one earlier would change the data of every stream after it.
# The first seven feed the world (`build_world`), and so does "lifecycle"; a table may share the
# stream of the world part it presents (clients.csv draws names and phones from "clients" after
# the clients themselves).
STREAMS = (
    "orgs",
    "staff",
    "clients",
    "aum",
    "book",
    "leaves",
    "account_events",
    "contacts",
    "requests",
    "needs",
    "plans",
    "archives",
    "surveys",
    "trainings",
    "certificates",
    "rewards",
    "logins",
    "info_updates",
    "work_items",
    "lifecycle",
    "account_openings",
    "risk_assessments",
    "care_dates",
)


@dataclass(frozen=True)
class TableBuilder:
    """One CSV file: the stream its rows are drawn from and the function that builds it. Every
    builder takes (rng, world), also those that draw nothing yet, so that any of them may."""

    stream: str
    build: Callable[[Rng, World], Table]


# The files in the order they are generated. No two tables share a stream, so this order decides
# only the order of the files (and of `generate`'s counts), never what they hold.
TABLES = (
    TableBuilder("orgs", org_units_table),
    TableBuilder("staff", staff_table),
    TableBuilder("clients", clients_table),
    TableBuilder("book", assignments_table),
    TableBuilder("aum", aum_table),
    TableBuilder("contacts", contacts_table),
    TableBuilder("requests", requests_table),
    TableBuilder("needs", needs_table),
    TableBuilder("plans", plans_table),
    TableBuilder("archives", archives_table),
    TableBuilder("surveys", surveys_table),
    TableBuilder("trainings", trainings_table),
    TableBuilder("certificates", certificates_table),
    TableBuilder("rewards", rewards_table),
    TableBuilder("logins", logins_table),
    TableBuilder("info_updates", info_updates_table),
    TableBuilder("work_items", work_items_table),
    TableBuilder("account_events", account_events_table),
    TableBuilder("account_openings", account_openings_table),
    TableBuilder("risk_assessments", risk_assessments_table),
    TableBuilder("care_dates", care_dates_table),
)
