"""The appraisal cycle (考核结果公布 / 确认 / 申诉 / 审批确认), after a scheme is published:

1. **publish_results** — a sub-branch head (their sub-branch's planners' scheme) or the director
   publishes one period's results of a published scheme version. The results are frozen as a
   snapshot (`snapshots.take_appraisal`, over everyone the scheme covers) and become visible to
   each covered person, who sees their own row only (`my_result`).
2. **acknowledge** / **inquire** — a covered person confirms their result, or raises an inquiry
   on one item with a message. Only on their own result.
3. **answer** (upheld) or **correct** — the head of the scheme's sub-branch (or the director)
   answers an open inquiry. A correction never edits results: it freezes a new snapshot (today's
   data, the same or a later published version of the scheme) as version N+1 of the results,
   linked to the snapshot it replaces, with the reason.
4. **sign_off** — the director signs off a period's results once no inquiry is open; signed-off
   results take no inquiry and no correction until the director **reopens** them (audited, with
   a reason).

Every step is refused with a `CycleRefused` whose message says why, and recorded in the audit log
in the same transaction as the step. Per-person status (`status_of`): inquiry open while one is
open; otherwise the latest of acknowledged / answered (upheld) / corrected (an answered inquiry
that led to a correction, or a correction that changed the person's row); published when nothing
happened since publication. Events are ordered by a per-publication sequence number, not by clock
time (two clicks in one second must not tie).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, cast

import pandas as pd
from sqlalchemy import Connection, Table, func, insert, select, update

from data.schema import ResultPublication, ResultResponse, ResultVersion, Staff
from metrics.appraisal import schemes, snapshots
from metrics.appraisal.schemes import Scheme
from metrics.appraisal.scoring import AppraisalError, check_period, competition_ranks
from metrics.core import sql
from metrics.core.catalogue import BY_ID
from metrics.core.periods import Period
from metrics.core.scope import Scope

publications_table = cast(Table, ResultPublication.__table__)
versions_table = cast(Table, ResultVersion.__table__)
responses_table = cast(Table, ResultResponse.__table__)
staff_table = cast(Table, Staff.__table__)

STATUSES = ("published", "acknowledged", "inquiry_open", "answered", "corrected")
# What a correction compares to say whose row changed.
_COMPARED = ("total", "rank", "grade")


class CycleRefused(ValueError):
    """A step of the cycle the acting account may not take now; the message says why in English,
    and `code` with `params` let the dashboard say it in the user's language."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(message)


class Actor(Protocol):
    """Who acts: the signed-in identity (`ui.auth.Identity`) or the command line's `--as`."""

    @property
    def username(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def org_id(self) -> str | None: ...
    @property
    def staff_id(self) -> str | None: ...


@dataclass(frozen=True)
class Account:
    """An `Actor` made from an account row (command line, tests)."""

    username: str
    role: str
    org_id: str | None = None
    staff_id: str | None = None


@dataclass(frozen=True)
class Publication:
    publication_id: str
    scheme_id: str
    scheme_version: int
    period: str
    org_id: str | None
    role: str
    state: str
    published_by: str | None
    published_at: dt.datetime
    signed_off_by: str | None
    signed_off_at: dt.datetime | None
    version: int  # the current version of the results
    snapshot_id: str  # the current version's snapshot
    current_scheme_version: int
    population: int


@dataclass(frozen=True)
class ItemLine:
    """One item of one person's published result, with what its explanation line needs."""

    kpi: str
    weight: Decimal
    rule: str
    actual: Any
    target: Decimal | None
    score: Decimal
    how: str  # linear | linear_lower | threshold_met | threshold_missed | rank | null | gate_...
    ratio: Decimal | None  # linear: actual / target (or target / actual), unclamped
    counted: Decimal | None  # linear: the ratio as counted, clamped to [0, cap]
    cap: Decimal | None
    gate: Decimal | None
    max_score: Decimal | None  # set when the item's maximum capped the score
    rank: int | None
    n: int


@dataclass(frozen=True)
class PersonResult:
    publication: Publication
    staff_id: str
    name: str | None
    total: Decimal
    rank: int
    n: int
    grade: str | None
    flags: str
    items: tuple[ItemLine, ...]
    status: str


# --- reading -----------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _publication(conn: Connection, row: Any) -> Publication:
    latest = (
        sql.run(
            conn,
            select(versions_table)
            .where(versions_table.c.publication_id == row["publication_id"])
            .order_by(versions_table.c.version.desc()),
        )
        .mappings()
        .first()
    )
    assert latest is not None  # a publication is stored with its version 1
    return Publication(
        publication_id=row["publication_id"],
        scheme_id=row["scheme_id"],
        scheme_version=row["scheme_version"],
        period=row["period"],
        org_id=row["org_id"],
        role=row["role"],
        state=row["state"],
        published_by=row["published_by"],
        published_at=row["published_at"],
        signed_off_by=row["signed_off_by"],
        signed_off_at=row["signed_off_at"],
        version=latest["version"],
        snapshot_id=latest["snapshot_id"],
        current_scheme_version=latest["scheme_version"],
        population=latest["population"],
    )


def get_publication(conn: Connection, publication_id: str) -> Publication:
    row = (
        sql.run(
            conn,
            select(publications_table).where(publications_table.c.publication_id == publication_id),
        )
        .mappings()
        .first()
    )
    if row is None:
        raise CycleRefused("no_results", f"no published results {publication_id}")
    return _publication(conn, row)


def find_publication(conn: Connection, scheme_id: str, period: str) -> Publication:
    """The published results of one scheme for one period."""
    found = sql.run(
        conn,
        select(publications_table.c.publication_id).where(
            publications_table.c.scheme_id == scheme_id, publications_table.c.period == period
        ),
    ).scalar()
    if found is None:
        raise CycleRefused("no_results", f"no published results of scheme {scheme_id} for {period}")
    return get_publication(conn, found)


def _all_publications(conn: Connection) -> list[Publication]:
    rows = (
        sql.run(
            conn,
            select(publications_table).order_by(
                publications_table.c.period.desc(), publications_table.c.published_at.desc()
            ),
        )
        .mappings()
        .all()
    )  # read to the end first: DuckDB drops a pending result on a new query
    return [_publication(conn, r) for r in rows]


def _snapshot_rows(conn: Connection, publication: Publication) -> pd.DataFrame:
    """Every row of the current version (read as the whole bank: callers return only what the
    actor may see). The snapshot's checksum is verified by `snapshots.read`."""
    return snapshots.read(conn, publication.snapshot_id, Scope.everything()).frame


def _staff_org(conn: Connection, staff_id: str) -> str | None:
    return cast(
        "str | None",
        sql.run(
            conn, select(staff_table.c.org_id).where(staff_table.c.staff_id == staff_id)
        ).scalar(),
    )


def _in_head_subtree(conn: Connection, head_org: str | None, staff_id: str) -> bool:
    if not head_org:
        return False
    from metrics.appraisal.scoring import visible_staff

    visible = visible_staff(conn, Scope.org(head_org))
    return visible is None or staff_id in visible


def _may_manage(actor: Actor, publication: Publication) -> str | None:
    """Why `actor` may not publish, answer, correct for these results (None: they may)."""
    if actor.role == "director":
        return None
    if actor.role == "head":
        if publication.org_id is None or publication.org_id != actor.org_id:
            return "a sub-branch head acts only on the results of their own sub-branch's scheme"
        return None
    return "only the sub-branch head or the director answers inquiries and publishes results"


def _head_team(conn: Connection, actor: Actor) -> set[str]:
    """The staff of a head's sub-branch (their org unit's subtree)."""
    from metrics.appraisal.scoring import visible_staff

    if not actor.org_id:
        return set()
    return visible_staff(conn, Scope.org(actor.org_id)) or set()


def _may_see_person(conn: Connection, actor: Actor, staff_id: str) -> bool:
    if actor.role == "director":
        return True
    if actor.role == "head":
        return _in_head_subtree(conn, actor.org_id, staff_id)
    return actor.staff_id is not None and actor.staff_id == staff_id


def publications_for(conn: Connection, actor: Actor, *, managed: bool = False) -> list[Publication]:
    """The published results `actor` may look at, newest period first: the director all; a head
    those of their sub-branch's schemes and (unless `managed`: only those they publish and answer
    for) any other covering someone of their sub-branch; a planner or advisor those that cover
    them."""
    found = _all_publications(conn)
    if actor.role == "director":
        return found
    if actor.role == "head":
        if managed:
            return [p for p in found if _may_manage(actor, p) is None]
        team = _head_team(conn, actor)
        return [p for p in found if _may_manage(actor, p) is None or team & _covered(conn, p)]
    if not actor.staff_id:
        return []
    return [p for p in found if actor.staff_id in _covered(conn, p)]


def _covered(conn: Connection, publication: Publication) -> set[str]:
    return set(_snapshot_rows(conn, publication)["entity_id"])


def scheme_of(conn: Connection, publication: Publication) -> Scheme:
    """The scheme version the current results were scored with."""
    return schemes.get(conn, publication.scheme_id, publication.current_scheme_version)


def _next_seq(conn: Connection, publication_id: str) -> int:
    top = 0
    for table, column in (
        (versions_table, versions_table.c.seq),
        (responses_table, responses_table.c.seq),
        (responses_table, responses_table.c.answered_seq),
    ):
        value = sql.run(
            conn, select(func.max(column)).where(table.c.publication_id == publication_id)
        ).scalar()
        top = max(top, int(value or 0))
    return top + 1


def _audit(
    conn: Connection, actor: Actor, action: str, target: str, detail: dict[str, Any]
) -> None:
    from data.audit import record

    record(conn, actor.username, action, target, detail)


# --- 2. publication ----------------------------------------------------------------------------


def _coverage_scope(scheme: Scheme) -> Scope:
    return Scope.everything() if scheme.org_id is None else Scope.org(scheme.org_id)


def publish_results(conn: Connection, actor: Actor, scheme: Scheme, period: Period) -> Publication:
    """Freeze and publish `period`'s results of a published scheme version."""
    if scheme.scheme_id is None or scheme.version is None:
        raise CycleRefused("not_stored", "only a stored scheme's results can be published")
    stored = schemes.get(conn, scheme.scheme_id, scheme.version)
    if stored.status != "published":
        raise CycleRefused(
            "scheme_not_published",
            f"only a published scheme's results are published; {stored.ref} is {stored.status}",
            status=stored.status,
        )
    if actor.role not in ("head", "director"):
        raise CycleRefused("publisher", "only a sub-branch head or the director publishes results")
    refusal = schemes.editable_by(actor.role, actor.org_id, stored)
    if refusal:
        raise CycleRefused("other", refusal, detail=refusal)
    try:
        check_period(stored, period)
    except AppraisalError as exc:
        raise CycleRefused("other", str(exc), detail=str(exc)) from None
    existing = sql.run(
        conn,
        select(publications_table.c.publication_id).where(
            publications_table.c.scheme_id == stored.scheme_id,
            publications_table.c.period == period.label(),
        ),
    ).scalar()
    if existing:
        raise CycleRefused(
            "already_published",
            f"the results of {stored.name} for {period.label()} are already published; a "
            "change is made by answering an inquiry with a correction",
            name=stored.name,
            period=period.label(),
        )
    record = snapshots.take_appraisal(conn, stored, period, _coverage_scope(stored), actor.username)
    population = len(record.content["rows"])
    if population == 0:
        raise CycleRefused(
            "nobody",
            f"the scheme covers nobody in {period.label()}: nothing to publish",
            period=period.label(),
        )
    publication_id = str(uuid.uuid4())
    now = _now()
    sql.run(
        conn,
        insert(publications_table).values(
            publication_id=publication_id,
            scheme_id=stored.scheme_id,
            scheme_version=stored.version,
            period=period.label(),
            org_id=stored.org_id,
            role=stored.role,
            state="published",
            published_by=actor.username,
            published_at=now,
            signed_off_by=None,
            signed_off_at=None,
        ),
    )
    sql.run(
        conn,
        insert(versions_table).values(
            publication_id=publication_id,
            version=1,
            scheme_version=stored.version,
            snapshot_id=record.snapshot_id,
            previous_snapshot_id=None,
            population=population,
            reason=None,
            changed=None,
            seq=1,
            created_by=actor.username,
            created_at=now,
        ),
    )
    _audit(
        conn,
        actor,
        "results_publish",
        publication_id,
        {
            "scheme": stored.ref,
            "period": period.label(),
            "snapshot": record.snapshot_id,
            "staff": population,
        },
    )
    return get_publication(conn, publication_id)


# --- 3. acknowledge, inquire, answer, correct ------------------------------------------------


def _own_covered(conn: Connection, actor: Actor, publication: Publication, staff_id: str) -> None:
    if actor.role not in ("planner", "advisor") or not actor.staff_id:
        raise CycleRefused(
            "not_appraised", "only the person appraised acknowledges or inquires on a result"
        )
    if staff_id != actor.staff_id:
        raise CycleRefused("not_own", "you may acknowledge or inquire only on your own result")
    if staff_id not in _covered(conn, publication):
        raise CycleRefused("not_covered", f"these results do not cover {staff_id}", staff=staff_id)


def acknowledge(
    conn: Connection, actor: Actor, publication_id: str, staff_id: str | None = None
) -> str:
    """The person appraised confirms their current result (确认). Returns the response id."""
    publication = get_publication(conn, publication_id)
    staff_id = staff_id or actor.staff_id or ""
    _own_covered(conn, actor, publication, staff_id)
    if _open_inquiry(conn, publication_id, staff_id) is not None:
        raise CycleRefused(
            "inquiry_open", "your inquiry is still open: wait for the answer before confirming"
        )
    response_id = _respond(conn, actor, publication, staff_id, "acknowledge", None, None)
    _audit(
        conn,
        actor,
        "results_acknowledge",
        publication_id,
        {"staff_id": staff_id, "version": publication.version},
    )
    return response_id


def inquire(
    conn: Connection,
    actor: Actor,
    publication_id: str,
    kpi: str,
    message: str,
    staff_id: str | None = None,
) -> str:
    """The person appraised raises an inquiry (申诉) on one item of their result."""
    publication = get_publication(conn, publication_id)
    staff_id = staff_id or actor.staff_id or ""
    _own_covered(conn, actor, publication, staff_id)
    if publication.state == "signed_off":
        raise CycleRefused(
            "signed_off_inquiry",
            "these results are signed off: an inquiry needs the director to reopen them",
        )
    scheme = scheme_of(conn, publication)
    if kpi not in {item.kpi for item in scheme.items}:
        raise CycleRefused("not_item", f"{kpi!r} is not an item of the scheme")
    if not message.strip():
        raise CycleRefused("no_message", "an inquiry needs a message saying what is wrong")
    if _open_inquiry(conn, publication_id, staff_id) is not None:
        raise CycleRefused("already_open", "you already have an open inquiry on these results")
    response_id = _respond(conn, actor, publication, staff_id, "inquiry", kpi, message.strip())
    _audit(
        conn,
        actor,
        "results_inquire",
        response_id,
        {"publication": publication_id, "staff_id": staff_id, "kpi": kpi, "message": message},
    )
    return response_id


def _respond(
    conn: Connection,
    actor: Actor,
    publication: Publication,
    staff_id: str,
    kind: str,
    kpi: str | None,
    message: str | None,
) -> str:
    response_id = str(uuid.uuid4())
    sql.run(
        conn,
        insert(responses_table).values(
            response_id=response_id,
            publication_id=publication.publication_id,
            staff_id=staff_id,
            kind=kind,
            kpi=kpi,
            message=message,
            result_version=publication.version,
            seq=_next_seq(conn, publication.publication_id),
            created_by=actor.username,
            created_at=_now(),
            answer=None,
            outcome=None,
            answered_by=None,
            answered_at=None,
            answered_seq=None,
        ),
    )
    return response_id


def _open_inquiry(conn: Connection, publication_id: str, staff_id: str) -> str | None:
    return cast(
        "str | None",
        sql.run(
            conn,
            select(responses_table.c.response_id).where(
                responses_table.c.publication_id == publication_id,
                responses_table.c.staff_id == staff_id,
                responses_table.c.kind == "inquiry",
                responses_table.c.outcome.is_(None),
            ),
        ).scalar(),
    )


def _inquiry(conn: Connection, inquiry_id: str) -> dict[str, Any]:
    row = (
        sql.run(
            conn,
            select(responses_table).where(
                responses_table.c.response_id == inquiry_id, responses_table.c.kind == "inquiry"
            ),
        )
        .mappings()
        .first()
    )
    if row is None:
        raise CycleRefused("no_inquiry", f"no inquiry {inquiry_id}")
    return dict(row)


def _answerable(
    conn: Connection, actor: Actor, inquiry_id: str, *, correcting: bool = False
) -> tuple[dict, Publication]:
    inquiry = _inquiry(conn, inquiry_id)
    publication = get_publication(conn, inquiry["publication_id"])
    refusal = _may_manage(actor, publication)
    if refusal:
        raise CycleRefused("other_unit", refusal)
    # Signed-off results are final whatever the inquiry's state: said first, so that a head
    # trying to correct them learns that reopening is the way, not that the inquiry is closed.
    if correcting and publication.state == "signed_off":
        raise CycleRefused(
            "signed_off_correction",
            "these results are signed off: a correction needs the director to reopen them first",
        )
    if inquiry["outcome"] is not None:
        raise CycleRefused("answered", "this inquiry is already answered")
    return inquiry, publication


def _close(
    conn: Connection, actor: Actor, inquiry: dict, text: str, outcome: str, seq: int
) -> None:
    sql.run(
        conn,
        update(responses_table)
        .where(
            responses_table.c.response_id == inquiry["response_id"],
            responses_table.c.outcome.is_(None),
        )
        .values(
            answer=text,
            outcome=outcome,
            answered_by=actor.username,
            answered_at=_now(),
            answered_seq=seq,
        ),
    )


def answer(conn: Connection, actor: Actor, inquiry_id: str, text: str) -> None:
    """The head answers an inquiry and upholds the published result (no new version)."""
    inquiry, publication = _answerable(conn, actor, inquiry_id)
    if not text.strip():
        raise CycleRefused("no_answer", "an answer needs a message for the person who asked")
    _close(
        conn, actor, inquiry, text.strip(), "upheld", _next_seq(conn, publication.publication_id)
    )
    _audit(
        conn,
        actor,
        "results_answer",
        inquiry_id,
        {"publication": publication.publication_id, "staff_id": inquiry["staff_id"],
         "outcome": "upheld", "answer": text.strip()},
    )  # fmt: skip


def correct(
    conn: Connection,
    actor: Actor,
    inquiry_id: str,
    reason: str,
    scheme_version: int | None = None,
) -> Publication:
    """The head answers an inquiry by correcting the results: a new version, never an edit.

    The new version is a new snapshot of the same scheme (`scheme_version`: a later published or
    archived version of it, e.g. with a person's target fixed; default: the version the current
    results used) on today's data (e.g. after a corrected extract was re-imported), linked to the
    snapshot it replaces, with `reason` as the answer and the version's reason."""
    inquiry, publication = _answerable(conn, actor, inquiry_id, correcting=True)
    if not reason.strip():
        raise CycleRefused("no_reason", "a correction needs its reason")
    version = scheme_version or publication.current_scheme_version
    try:
        scheme = schemes.get(conn, publication.scheme_id, version)
    except LookupError as exc:
        raise CycleRefused("other", str(exc), detail=str(exc)) from None
    if scheme.status == "draft":
        raise CycleRefused(
            "draft", f"{scheme.ref} is a draft: publish it before correcting with it"
        )
    before = _snapshot_rows(conn, publication)
    record = snapshots.take_appraisal(
        conn, scheme, Period.parse(publication.period), _coverage_scope(scheme), actor.username
    )
    after = record.frame
    changed = _changed_rows(before, after)
    seq = _next_seq(conn, publication.publication_id)
    sql.run(
        conn,
        insert(versions_table).values(
            publication_id=publication.publication_id,
            version=publication.version + 1,
            scheme_version=version,
            snapshot_id=record.snapshot_id,
            previous_snapshot_id=publication.snapshot_id,
            population=len(after),
            reason=reason.strip(),
            changed=json.dumps(changed),
            seq=seq,
            created_by=actor.username,
            created_at=_now(),
        ),
    )
    _close(conn, actor, inquiry, reason.strip(), "corrected", seq)
    _audit(
        conn,
        actor,
        "results_correct",
        publication.publication_id,
        {"inquiry": inquiry_id, "staff_id": inquiry["staff_id"], "reason": reason.strip(),
         "version": publication.version + 1, "snapshot": record.snapshot_id,
         "previous_snapshot": publication.snapshot_id, "changed": changed},
    )  # fmt: skip
    return get_publication(conn, publication.publication_id)


def _changed_rows(before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    """Staff whose result differs between two versions (a row added or gone counts)."""
    old = before.set_index("entity_id")
    new = after.set_index("entity_id")
    columns = [
        c for c in new.columns if c in _COMPARED or c.startswith(("score_", "actual_", "target_"))
    ]
    out = []
    for entity in sorted(set(old.index) | set(new.index)):
        if entity not in old.index or entity not in new.index:
            out.append(str(entity))
            continue
        for column in columns:
            a = old.at[entity, column] if column in old.columns else None
            b = new.at[entity, column]
            if snapshots._cell(a) != snapshots._cell(b):
                out.append(str(entity))
                break
    return out


# --- 4. sign-off -------------------------------------------------------------------------------


def sign_off(conn: Connection, actor: Actor, publication_id: str) -> Publication:
    """The director signs off a period's results (审批确认) once no inquiry is open."""
    if actor.role != "director":
        raise CycleRefused("director_only", "only the director signs off published results")
    publication = get_publication(conn, publication_id)
    if publication.state == "signed_off":
        raise CycleRefused("already_signed_off", "these results are already signed off")
    still_open = sql.run(
        conn,
        select(func.count()).where(
            responses_table.c.publication_id == publication_id,
            responses_table.c.kind == "inquiry",
            responses_table.c.outcome.is_(None),
        ),
    ).scalar()
    if still_open:
        raise CycleRefused(
            "open_inquiries",
            f"{still_open} inquiry(ies) still open: answer them before signing off",
            n=still_open,
        )
    sql.run(
        conn,
        update(publications_table)
        .where(publications_table.c.publication_id == publication_id)
        .values(state="signed_off", signed_off_by=actor.username, signed_off_at=_now()),
    )
    _audit(
        conn,
        actor,
        "results_sign_off",
        publication_id,
        {"period": publication.period, "version": publication.version},
    )
    return get_publication(conn, publication_id)


def reopen(conn: Connection, actor: Actor, publication_id: str, reason: str) -> Publication:
    """The director reopens signed-off results (audited, with a reason) so that an inquiry and a
    correction can follow; they must be signed off again afterwards."""
    if actor.role != "director":
        raise CycleRefused("director_only", "only the director reopens signed-off results")
    publication = get_publication(conn, publication_id)
    if publication.state != "signed_off":
        raise CycleRefused("not_signed_off", "these results are not signed off: nothing to reopen")
    if not reason.strip():
        raise CycleRefused("no_reason", "reopening signed-off results needs a reason")
    sql.run(
        conn,
        update(publications_table)
        .where(publications_table.c.publication_id == publication_id)
        .values(state="published", signed_off_by=None, signed_off_at=None),
    )
    _audit(
        conn,
        actor,
        "results_reopen",
        publication_id,
        {"reason": reason.strip(), "signed_off_by": publication.signed_off_by,
         "signed_off_at": publication.signed_off_at},
    )  # fmt: skip
    return get_publication(conn, publication_id)


# --- statuses, queue, one person's result ----------------------------------------------------


def _statuses(conn: Connection, publication: Publication) -> dict[str, str]:
    """Every covered person's status (see the module)."""
    covered = sorted(_covered(conn, publication))
    latest: dict[str, tuple[int, str]] = {s: (0, "published") for s in covered}
    open_: set[str] = set()

    def note(staff_id: str, seq: int, status: str) -> None:
        if staff_id in latest and seq > latest[staff_id][0]:
            latest[staff_id] = (seq, status)

    for row in sql.run(
        conn,
        select(responses_table).where(
            responses_table.c.publication_id == publication.publication_id
        ),
    ).mappings():
        if row["kind"] == "acknowledge":
            note(row["staff_id"], row["seq"], "acknowledged")
        elif row["outcome"] is None:
            open_.add(row["staff_id"])
        else:
            status = "corrected" if row["outcome"] == "corrected" else "answered"
            note(row["staff_id"], row["answered_seq"], status)
    for row in sql.run(
        conn,
        select(versions_table.c.seq, versions_table.c.changed).where(
            versions_table.c.publication_id == publication.publication_id
        ),
    ):
        for staff_id in json.loads(row[1] or "[]"):
            note(staff_id, row[0], "corrected")
    return {s: "inquiry_open" if s in open_ else latest[s][1] for s in covered}


def status_of(conn: Connection, actor: Actor, publication_id: str) -> pd.DataFrame:
    """Per covered person in `actor`'s reach: staff_id, name, total, rank, grade, status."""
    publication = get_publication(conn, publication_id)
    reach: set[str] | None = None
    if actor.role in ("planner", "advisor"):
        reach = {actor.staff_id or ""}
    elif actor.role == "head" and _may_manage(actor, publication) is not None:
        # Another unit's scheme (e.g. the director's, branch-wide): only the head's own people.
        reach = _head_team(conn, actor) & _covered(conn, publication)
        if not reach:
            raise CycleRefused(
                "other_unit", "a sub-branch head sees only the results of their own sub-branch"
            )
    elif actor.role not in ("head", "director"):
        raise CycleRefused("not_own", "you may see only your own appraisal result")
    statuses = _statuses(conn, publication)
    rows = _snapshot_rows(conn, publication)
    out = [
        {
            "staff_id": r["entity_id"],
            "name": r.get("name"),
            "total": r["total"],
            "rank": int(r["rank"]),
            "grade": r.get("grade"),
            "status": statuses[r["entity_id"]],
        }
        for r in rows.to_dict("records")
        if reach is None or r["entity_id"] in reach
    ]
    columns = ["staff_id", "name", "total", "rank", "grade", "status"]
    return pd.DataFrame(out, columns=columns)


def open_inquiries(conn: Connection, actor: Actor) -> pd.DataFrame:
    """The queue of open inquiries `actor` answers (a head: their sub-branch's schemes'; the
    director: all), oldest first."""
    if actor.role not in ("head", "director"):
        raise CycleRefused(
            "not_manager", "only a sub-branch head or the director answers inquiries"
        )
    reach = {p.publication_id: p for p in publications_for(conn, actor, managed=True)}
    names = dict(
        sql.run(conn, select(staff_table.c.staff_id, staff_table.c.name)).all()  # type: ignore[arg-type]
    )
    rows = sql.run(
        conn,
        select(responses_table)
        .where(responses_table.c.kind == "inquiry", responses_table.c.outcome.is_(None))
        .order_by(responses_table.c.seq, responses_table.c.created_at),
    ).mappings()
    out = []
    for r in rows:
        publication = reach.get(r["publication_id"])
        if publication is None:
            continue
        out.append(
            {
                "inquiry_id": r["response_id"],
                "publication_id": r["publication_id"],
                "period": publication.period,
                "staff_id": r["staff_id"],
                "name": names.get(r["staff_id"]),
                "kpi": r["kpi"],
                "message": r["message"],
                "created_at": r["created_at"],
            }
        )
    columns = ["inquiry_id", "publication_id", "period", "staff_id", "name", "kpi", "message",
               "created_at"]  # fmt: skip
    return pd.DataFrame(out, columns=columns)


def responses_of(
    conn: Connection, actor: Actor, publication_id: str, staff_id: str
) -> pd.DataFrame:
    """One person's acknowledgements and inquiries with their answers, oldest first."""
    if not _may_see_person(conn, actor, staff_id):
        raise CycleRefused("not_own", "you may see only your own responses")
    rows = sql.run(
        conn,
        select(responses_table)
        .where(
            responses_table.c.publication_id == publication_id,
            responses_table.c.staff_id == staff_id,
        )
        .order_by(responses_table.c.seq),
    ).mappings()
    columns = ["response_id", "kind", "kpi", "message", "result_version", "created_at",
               "answer", "outcome", "answered_by", "answered_at"]  # fmt: skip
    # object columns: a missing answer or reason stays None (not NaN) for the page and the CLI
    return pd.DataFrame([{c: r[c] for c in columns} for r in rows], columns=columns, dtype=object)


def versions_of(conn: Connection, publication_id: str) -> pd.DataFrame:
    """The versions of a publication's results, oldest first (no figures: ids and reasons)."""
    rows = sql.run(
        conn,
        select(versions_table)
        .where(versions_table.c.publication_id == publication_id)
        .order_by(versions_table.c.version),
    ).mappings()
    columns = ["version", "scheme_version", "snapshot_id", "previous_snapshot_id", "reason",
               "created_by", "created_at"]  # fmt: skip
    # object columns: a missing answer or reason stays None (not NaN) for the page and the CLI
    return pd.DataFrame([{c: r[c] for c in columns} for r in rows], columns=columns, dtype=object)


def my_result(
    conn: Connection, actor: Actor, publication_id: str, staff_id: str | None = None
) -> PersonResult:
    """One person's current published result: total, rank among n, grade and every item with
    what its explanation needs. Nothing of anyone else leaves this function (the item ranks of
    the `rank` rule are computed here from the whole snapshot)."""
    publication = get_publication(conn, publication_id)
    staff_id = staff_id or actor.staff_id
    if not staff_id or not _may_see_person(conn, actor, staff_id):
        raise CycleRefused("not_own", "you may see only your own appraisal result")
    rows = _snapshot_rows(conn, publication)
    mine = rows[rows["entity_id"] == staff_id]
    if mine.empty:
        raise CycleRefused("not_covered", f"these results do not cover {staff_id}", staff=staff_id)
    row = mine.iloc[0]
    scheme = scheme_of(conn, publication)
    n = len(rows)
    items = []
    for item in scheme.items:
        better = BY_ID[item.kpi].better or "higher"
        rank = None
        if item.rule == "rank":
            values = [snapshots._number(v) for v in rows[f"actual_{item.kpi}"]]
            ranks = competition_ranks(values, better == "lower")
            rank = ranks[list(rows["entity_id"]).index(staff_id)]
        items.append(
            _item_line(
                item.for_person(staff_id),
                row[f"actual_{item.kpi}"],
                snapshots._number(row[f"score_{item.kpi}"]) or Decimal(0),
                better,
                rank,
                n,
            )
        )
    status = _statuses(conn, publication)[staff_id]
    return PersonResult(
        publication=publication,
        staff_id=staff_id,
        name=row.get("name"),
        total=snapshots._number(row["total"]) or Decimal(0),
        rank=int(row["rank"]),
        n=n,
        grade=row.get("grade"),
        flags=str(row.get("flags") or ""),
        items=tuple(items),
        status=status,
    )


def _item_line(
    item: schemes.Item, actual: Any, score: Decimal, better: str, rank: int | None, n: int
) -> ItemLine:
    """How the item's score was reached, in the order `scoring.score_item` decides it."""
    value = snapshots._number(actual)
    lower = better == "lower"
    ratio = counted = None
    capped_by_max = None
    if value is None:
        how = "null"
    elif item.gate is not None and (value > item.gate if lower else value < item.gate):
        how = "gate_above" if lower else "gate_below"
    elif item.rule == "linear":
        assert item.target is not None
        if lower:
            ratio = item.cap if value <= 0 else item.target / value
            how = "linear_lower"
        else:
            ratio = value / item.target
            how = "linear"
        counted = min(max(ratio, Decimal(0)), item.cap)
        if item.max_score is not None and item.weight * counted > item.max_score:
            capped_by_max = item.max_score
    elif item.rule == "threshold":
        assert item.target is not None
        met = value <= item.target if lower else value >= item.target
        how = "threshold_met" if met else "threshold_missed"
        if met and item.max_score is not None and item.weight > item.max_score:
            capped_by_max = item.max_score
    else:
        how = "rank" if n > 1 else "rank_alone"
        share = Decimal(1) if n <= 1 else 1 - Decimal((rank or 1) - 1) / Decimal(n - 1)
        if item.max_score is not None and item.weight * share > item.max_score:
            capped_by_max = item.max_score
    return ItemLine(
        kpi=item.kpi,
        weight=item.weight,
        rule=item.rule,
        actual=value,
        target=item.target,
        score=score,
        how=how,
        ratio=ratio,
        counted=counted,
        cap=item.cap if item.rule == "linear" else None,
        gate=item.gate,
        max_score=capped_by_max,
        rank=rank,
        n=n,
    )


def trend(conn: Connection, actor: Actor, staff_id: str, cycle: str, last: int = 6) -> pd.DataFrame:
    """One person's total, rank, n and grade over the last `last` published periods of a cycle
    (month / quarter / year), oldest first: their own rows only."""
    if not _may_see_person(conn, actor, staff_id):
        raise CycleRefused("not_own", "you may see only your own appraisal results")
    out = []
    for publication in _all_publications(conn):
        if Period.parse(publication.period).kind != cycle:
            continue
        rows = _snapshot_rows(conn, publication)
        mine = rows[rows["entity_id"] == staff_id]
        if mine.empty:
            continue
        row = mine.iloc[0]
        out.append(
            {
                "period": publication.period,
                "scheme_id": publication.scheme_id,
                "total": snapshots._number(row["total"]),
                "rank": int(row["rank"]),
                "n": len(rows),
                "grade": row.get("grade"),
            }
        )
    out.sort(key=lambda r: (r["period"], r["scheme_id"]))
    columns = ["period", "scheme_id", "total", "rank", "n", "grade"]
    return pd.DataFrame(out[-last:], columns=columns)
