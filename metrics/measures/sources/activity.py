"""Row sources of a staff member's own records (kpis.md, process and growth families): needs,
plans, surveys, trainings, certificates and rewards. One row per record, per entity whose members
include its staff member (each staff member belongs to one org unit, so each record appears once
per entity)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, or_, select

from data import tables
from metrics.measures.layer import Frame, row_source

needs = tables.needs
plans = tables.plans
surveys = tables.surveys
trainings = tables.trainings
certificates = tables.certificates
rewards = tables.rewards


def member_rows(f: Frame, table: Any, *columns: Any) -> Select:
    """The rows of a staff-keyed table that belong to the members of each entity."""
    mem = f.members()
    return (
        select(mem.c.entity_id, *columns)
        .select_from(mem)
        .join(table, table.c.staff_id == mem.c.staff_id)
    )


def dated_in_p(f: Frame, table: Any, *columns: Any) -> Select:
    """Member rows with `at` in P (s <= date(at) <= e, as a timestamp range)."""
    lo, hi = f.bounds()
    return member_rows(f, table, *columns).where(table.c.at >= lo, table.c.at < hi)


@row_source("needs", order=("staff_id", "at", "need_id"))
def needs_rows(f: Frame) -> Select:
    t = needs
    return dated_in_p(f, t, t.c.need_id, t.c.staff_id, t.c.client_id, t.c.at, t.c.kind)


@row_source("plans", order=("staff_id", "at", "plan_id"))
def plans_rows(f: Frame) -> Select:
    t = plans
    return dated_in_p(f, t, t.c.plan_id, t.c.staff_id, t.c.client_id, t.c.at, t.c.kind)


@row_source("surveys", order=("staff_id", "at", "client_id"))
def survey_rows(f: Frame) -> Select:
    t = surveys
    return dated_in_p(f, t, t.c.staff_id, t.c.client_id, t.c.at, t.c.score)


@row_source("trainings", order=("staff_id", "course", "period_start"))
def training_rows(f: Frame) -> Select:
    """Trainings with period_start in P; `hours_credited` = min(hours_done, hours_required)."""
    t = trainings
    credited = case((t.c.hours_done < t.c.hours_required, t.c.hours_done), else_=t.c.hours_required)
    query = member_rows(
        f,
        t,
        t.c.staff_id,
        t.c.course,
        t.c.period_start,
        t.c.hours_required,
        t.c.hours_done,
        credited.label("hours_credited"),
        t.c.score,
    )
    return query.where(t.c.period_start >= f.period.start, t.c.period_start <= f.e)


@row_source("certificates", order=("staff_id", "name", "obtained_on"))
def certificate_rows(f: Frame) -> Select:
    """Certificates valid at e: obtained on or before e, not expired on or before e."""
    t = certificates
    query = member_rows(f, t, t.c.staff_id, t.c.name, t.c.obtained_on, t.c.expires_on)
    return query.where(t.c.obtained_on <= f.e, or_(t.c.expires_on.is_(None), t.c.expires_on > f.e))


@row_source("rewards", order=("staff_id", "on", "reason"))
def reward_rows(f: Frame) -> Select:
    """Rewards and penalties dated in P; `signed_points` is negative for a penalty."""
    t = rewards
    signed = case((t.c.kind == "reward", t.c.points), (t.c.kind == "penalty", -t.c.points), else_=0)
    query = member_rows(
        f,
        t,
        t.c.staff_id,
        t.c.on,
        t.c.kind,
        t.c.reason,
        t.c.points,
        signed.label("signed_points"),
    )
    return query.where(t.c.on >= f.period.start, t.c.on <= f.e)
