"""Appraisal schemes (考核方案): the model, its validation, scheme files and the stored versions.

A scheme is a set of items (a KPI of the catalogue, a weight, a target and a scoring rule) for the
planners or advisors of one org unit, over a cycle (kpis.md, "Appraisal schemes"). The editor page,
the scheme files of the command line and the database all go through `validate`, so a scheme is
refused with the same words wherever it comes from.

Versions: a scheme is identified by `scheme_id`; each stored row is one `version`. A draft may be
saved over itself; a published version is never changed: saving an edit of it makes version N+1
as a draft. Publishing a version archives the version that was published before it, so a scheme
has at most one published version at a time ("the published version" of the what-if preview is
never ambiguous); archiving changes only the status, never the items, so results that name an
archived version stay reproducible.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

import yaml
from sqlalchemy import Connection, Table, func, insert, select, update

from data.schema import Scheme as SchemeRow
from metrics.core import sql
from metrics.core.catalogue import BY_ID, appraisal_ids
from metrics.core.periods import Period, PeriodError

RULES = ("linear", "threshold", "rank")
CYCLES = ("month", "quarter", "year")
STATUSES = ("draft", "published", "archived")
ROLES = ("planner", "advisor")
DEFAULT_CAP = Decimal("1.2")
ITEM_FIELDS = ("kpi", "weight", "target", "rule", "cap", "gate", "max_score", "targets")
SCHEME_FIELDS = ("name", "org_id", "role", "cycle", "period", "items", "grades")

schemes_table = cast(Table, SchemeRow.__table__)


class SchemeError(ValueError):
    """A scheme refused by validation; `messages` lists every problem found, in order."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


@dataclass(frozen=True)
class Item:
    kpi: str
    weight: Decimal
    target: Decimal | None = None
    rule: str = "linear"
    cap: Decimal = DEFAULT_CAP
    gate: Decimal | None = None
    max_score: Decimal | None = None
    # Per-person targets (指标分解), ((staff_id, target), ...) sorted by staff_id; whoever is not
    # listed is held to `target`.
    targets: tuple[tuple[str, Decimal], ...] = ()

    def target_for(self, staff_id: str) -> Decimal | None:
        """The target `staff_id` is held to: their own when the item names one, else the item's."""
        return dict(self.targets).get(staff_id, self.target)

    def for_person(self, staff_id: str) -> Item:
        """This item as it applies to one person (their target in place of the item's)."""
        own = dict(self.targets).get(staff_id)
        return self if own is None else replace(self, target=own, targets=())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kpi": self.kpi, "weight": _num(self.weight)}
        if self.target is not None:
            out["target"] = _num(self.target)
        out["rule"] = self.rule
        if self.rule == "linear":
            out["cap"] = _num(self.cap)
        if self.gate is not None:
            out["gate"] = _num(self.gate)
        if self.max_score is not None:
            out["max_score"] = _num(self.max_score)
        if self.targets:
            out["targets"] = {staff_id: _num(value) for staff_id, value in self.targets}
        return out


@dataclass(frozen=True)
class Scheme:
    name: str
    org_id: str | None
    role: str
    cycle: str
    items: tuple[Item, ...]
    # Forced-distribution grade bands, best first: ((grade, share), ...); shares add up to 1.
    grades: tuple[tuple[str, Decimal], ...] = ()
    period: str | None = None
    scheme_id: str | None = None
    version: int | None = None
    status: str = "draft"
    created_by: str | None = None
    created_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        """How results name the scheme version they used."""
        if self.scheme_id is None:
            return f"{self.name} (unsaved)"
        return f"{self.name} v{self.version} ({self.status}, {self.scheme_id})"

    @property
    def ref(self) -> str:
        """`scheme_id@version`: what the command line and snapshots accept as an ID."""
        return f"{self.scheme_id}@{self.version}" if self.scheme_id else "unsaved"

    @property
    def total_weight(self) -> Decimal:
        return sum((item.weight for item in self.items), Decimal(0))

    def to_dict(self) -> dict[str, Any]:
        """The scheme-file form (cli.md), plus version fields when stored."""
        out: dict[str, Any] = {
            "name": self.name,
            "org_id": self.org_id,
            "role": self.role,
            "cycle": self.cycle,
        }
        if self.period:
            out["period"] = self.period
        out["items"] = [item.to_dict() for item in self.items]
        if self.grades:
            out["grades"] = {grade: _num(share) for grade, share in self.grades}
        if self.scheme_id:
            out["scheme_id"] = self.scheme_id
            out["version"] = self.version
            out["status"] = self.status
        return out


def _num(value: Decimal) -> int | float:
    """A Decimal as the plainest JSON / YAML number (40, not 40.00)."""
    return int(value) if value == value.to_integral_value() else float(value)


# --- validation ------------------------------------------------------------------------------


def validate(scheme: Scheme) -> list[str]:
    """Every problem of `scheme`, as messages for a head or director (empty: valid)."""
    problems: list[str] = []
    if not scheme.name.strip():
        problems.append("the scheme needs a name")
    if scheme.role not in ROLES:
        problems.append(f"role must be planner or advisor, not {scheme.role!r}")
    if scheme.cycle not in CYCLES:
        problems.append(f"cycle must be month, quarter or year, not {scheme.cycle!r}")
    elif scheme.period:
        try:
            kind = Period.parse(scheme.period).kind
        except PeriodError as exc:
            problems.append(str(exc))
        else:
            if kind != scheme.cycle:
                problems.append(
                    f"period {scheme.period} is a {kind}, but the cycle is {scheme.cycle}"
                )
    if not scheme.items:
        problems.append("the scheme needs at least one item")
    seen: set[str] = set()
    for n, item in enumerate(scheme.items, 1):
        where = f"item {n} ({item.kpi})" if item.kpi else f"item {n}"
        if item.kpi not in BY_ID or BY_ID[item.kpi].kind != "appraisal":
            problems.append(
                f"{where}: {item.kpi!r} is not an appraisal KPI of the catalogue "
                f"(one of {', '.join(appraisal_ids())})"
            )
        elif item.kpi in seen:
            problems.append(f"{where}: {item.kpi} appears twice")
        seen.add(item.kpi)
        if item.weight <= 0:
            problems.append(f"{where}: the weight must be more than 0")
        if item.rule not in RULES:
            problems.append(f"{where}: rule must be linear, threshold or rank, not {item.rule!r}")
        if item.rule in ("linear", "threshold") and item.target is None:
            problems.append(f"{where}: a {item.rule} item needs a target")
        if item.rule == "linear" and item.target is not None and item.target <= 0:
            # actual / target (or target / actual) means nothing for a target of 0 or less.
            problems.append(f"{where}: a linear item needs a target above 0")
        if item.targets and item.rule == "rank":
            problems.append(f"{where}: a rank item has no targets, per person or not")
        for staff_id, value in item.targets:
            if item.rule == "linear" and value <= 0:
                problems.append(f"{where}: the target of {staff_id} must be above 0")
        if item.cap <= 0:
            problems.append(f"{where}: the cap must be more than 0")
        if item.max_score is not None and item.max_score <= 0:
            problems.append(f"{where}: the maximum score must be more than 0")
    if scheme.items and scheme.total_weight != 100:
        problems.append(weights_message(scheme))
    if scheme.grades:
        shares = sum((share for _, share in scheme.grades), Decimal(0))
        names = [grade for grade, _ in scheme.grades]
        if any(not str(g).strip() for g in names):
            problems.append("every grade needs a name")
        if len(set(names)) != len(names):
            problems.append("grade names must differ")
        if any(share < 0 for _, share in scheme.grades):
            problems.append("grade shares cannot be negative")
        if shares != 1:
            problems.append(f"grade shares add up to {_num(shares)}, not 1")
    return problems


def weights_message(scheme: Scheme) -> str:
    """The one message for weights off 100 (the editor shows it once, next to the grid)."""
    return f"weights add up to {_num(scheme.total_weight)}, not 100"


def check(scheme: Scheme) -> Scheme:
    problems = validate(scheme)
    if problems:
        raise SchemeError(problems)
    return scheme


# --- parsing (scheme files, the editor's rows, stored JSON) ----------------------------------


def _decimal(value: Any, what: str, problems: list[str]) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        problems.append(f"{what} must be a number, not {value!r}")
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        problems.append(f"{what} must be a number, not {value!r}")
        return None
    if not number.is_finite():
        problems.append(f"{what} must be a finite number")
        return None
    return number


def _targets(raw: Any, where: str, problems: list[str]) -> tuple[tuple[str, Decimal], ...]:
    """An item's per-person targets from `{"00101": 6000000, ...}`."""
    if raw is None or raw == {}:
        return ()
    if not isinstance(raw, Mapping):
        problems.append(
            f'{where}: targets must be a mapping of staff id to target, e.g. {{"00101": 6000000}}'
        )
        return ()
    out: dict[str, Decimal] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not key.strip():
            # YAML reads an unquoted 00101 as a number and drops the leading zeros: refuse it
            # rather than hold nobody (or the wrong person) to that target.
            problems.append(f"{where}: the staff id {key!r} of a target must be quoted text")
            continue
        number = _decimal(value, f"{where}: target of {key}", problems)
        if number is not None:
            out[key.strip()] = number
    return tuple(sorted(out.items()))


def from_dict(data: Mapping[str, Any], *, validate_now: bool = True) -> Scheme:
    """A scheme from its file / editor form; raises `SchemeError` with every problem found."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise SchemeError(["a scheme must be a mapping of name, org_id, role, cycle, items"])
    unknown = sorted(set(data) - set(SCHEME_FIELDS) - {"scheme_id", "version", "status"})
    if unknown:
        problems.append(f"unknown scheme field(s): {', '.join(map(str, unknown))}")
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list):
        problems.append("items must be a list")
        raw_items = []
    items: list[Item] = []
    for n, raw in enumerate(raw_items, 1):
        if not isinstance(raw, Mapping):
            problems.append(f"item {n} must be a mapping of kpi, weight, target, rule ...")
            continue
        bad = sorted(set(raw) - set(ITEM_FIELDS))
        if bad:
            problems.append(f"item {n}: unknown field(s): {', '.join(map(str, bad))}")
        where = f"item {n}"
        weight = _decimal(raw.get("weight"), f"{where}: weight", problems)
        cap = _decimal(raw.get("cap"), f"{where}: cap", problems)
        items.append(
            Item(
                kpi=str(raw.get("kpi") or "").strip(),
                weight=Decimal(0) if weight is None else weight,
                target=_decimal(raw.get("target"), f"{where}: target", problems),
                rule=str(raw.get("rule") or "linear").strip(),
                cap=DEFAULT_CAP if cap is None else cap,
                gate=_decimal(raw.get("gate"), f"{where}: gate", problems),
                max_score=_decimal(raw.get("max_score"), f"{where}: max_score", problems),
                targets=_targets(raw.get("targets"), where, problems),
            )
        )
    grades: list[tuple[str, Decimal]] = []
    raw_grades = data.get("grades") or {}
    if not isinstance(raw_grades, Mapping):
        problems.append("grades must be a mapping of grade to share, e.g. {A: 0.2, B: 0.7, C: 0.1}")
        raw_grades = {}
    for grade, share in raw_grades.items():
        value = _decimal(share, f"grade {grade}: share", problems)
        grades.append((str(grade), Decimal(0) if value is None else value))
    org_id = data.get("org_id")
    version = data.get("version")
    scheme = Scheme(
        name=str(data.get("name") or "").strip(),
        org_id=None if org_id in (None, "") else str(org_id),
        role=str(data.get("role") or "").strip(),
        cycle=str(data.get("cycle") or "").strip(),
        period=None if not data.get("period") else str(data["period"]).strip(),
        items=tuple(items),
        grades=tuple(grades),
        scheme_id=data.get("scheme_id") or None,
        version=None if version is None else int(version),
        status=str(data.get("status") or "draft"),
    )
    if validate_now:
        problems.extend(validate(scheme))
    if problems:
        raise SchemeError(problems)
    return scheme


TARGET_COLUMNS = ("staff_id", "kpi", "target")


def with_targets(
    scheme: Scheme,
    csv_text: str,
    source: str = "targets.csv",
    staff: Collection[str] | None = None,
) -> Scheme:
    """`scheme` with the per-person targets of a CSV `staff_id, kpi, target` (指标分解): see
    `parse_targets`; the result is validated whole."""
    by_kpi = parse_targets(scheme, csv_text, source, staff)
    items = tuple(replace(i, targets=tuple(sorted(by_kpi[i.kpi].items()))) for i in scheme.items)
    return check(replace(scheme, items=items))


def parse_targets(
    scheme: Scheme,
    csv_text: str,
    source: str = "targets.csv",
    staff: Collection[str] | None = None,
) -> dict[str, dict[str, Decimal]]:
    """Each item's per-person targets after a CSV `staff_id, kpi, target`: the file's added to
    (and, for a person already listed, replacing) the item's own. Every bad row is named by line
    and nothing is returned when any row is bad (`SchemeError`). Staff ids stay text (leading
    zeros kept); an empty target puts that person back on the item's own target.

    `staff`, when given (the editor: the staff it lists), refuses a row for anyone else, so a
    mistyped id is said rather than kept as a target nobody is held to. Only the rows are checked
    here, so the editor can read a file into a draft it has not finished."""
    import csv
    import io

    problems: list[str] = []
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))
    header = [h.strip() for h in next(reader, [])]
    if header != list(TARGET_COLUMNS):
        raise SchemeError([f"{source}: the header must be {', '.join(TARGET_COLUMNS)}"])
    by_kpi = {item.kpi: dict(item.targets) for item in scheme.items}
    rules = {item.kpi: item.rule for item in scheme.items}
    for line, row in enumerate(reader, 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(TARGET_COLUMNS):
            problems.append(f"{source} line {line}: expected 3 fields, found {len(row)}")
            continue
        staff_id, kpi, raw = (cell.strip() for cell in row)
        if kpi not in by_kpi:
            problems.append(f"{source} line {line}: {kpi!r} is not an item of the scheme")
            continue
        if not staff_id:
            problems.append(f"{source} line {line}: staff_id is empty")
            continue
        if rules[kpi] == "rank":
            problems.append(f"{source} line {line}: {kpi} is scored by rank and takes no target")
            continue
        if staff is not None and staff_id not in staff:
            problems.append(f"{source} line {line}: {staff_id} is not among the staff listed")
            continue
        if not raw:
            # Empty, as in the editor's grid: the person is held to the item's target again.
            by_kpi[kpi].pop(staff_id, None)
            continue
        number = _decimal(raw, f"{source} line {line}: target", problems)
        if number is None:
            continue
        if rules[kpi] == "linear" and number <= 0:
            problems.append(f"{source} line {line}: a linear item's target must be above 0")
            continue
        by_kpi[kpi][staff_id] = number
    if problems:
        raise SchemeError(problems)
    return by_kpi


def load_file(path: str | Path) -> Scheme:
    """A scheme file in YAML or JSON (YAML is a superset of JSON, so one parser reads both)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SchemeError(
            [f"cannot read scheme file {str(path)!r}: {exc.strerror or exc}"]
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise SchemeError([f"scheme file {path.name} is not valid YAML / JSON: {first}"]) from None
    return from_dict(data or {})


def dump_yaml(scheme: Scheme) -> str:
    return yaml.safe_dump(scheme.to_dict(), allow_unicode=True, sort_keys=False)


# --- stored versions -------------------------------------------------------------------------


def _from_row(row: Any) -> Scheme:
    data = {
        "name": row["name"],
        "org_id": row["org_id"],
        "role": row["role"],
        "cycle": row["cycle"],
        "period": row["period"],
        "items": json.loads(row["items"]),
        "grades": json.loads(row["grades"]) if row["grades"] else None,
    }
    # Stored versions were validated when saved; re-validating would hide a row from its owner if
    # the catalogue ever dropped a KPI, so only the shape is parsed here.
    scheme = from_dict(data, validate_now=False)
    return replace(
        scheme,
        scheme_id=row["scheme_id"],
        version=int(row["version"]),
        status=row["status"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        published_at=row["published_at"],
    )


def _grades_json(scheme: Scheme) -> str | None:
    if not scheme.grades:
        return None
    # A JSON object keeps the grades' order (best first) in every engine's text column.
    return json.dumps({g: str(s) for g, s in scheme.grades}, ensure_ascii=False)


def _items_json(scheme: Scheme) -> str:
    def plain(item: Item) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in item.to_dict().items()}

    return json.dumps([plain(i) for i in scheme.items], ensure_ascii=False)


def get(conn: Connection, scheme_id: str, version: int | None = None) -> Scheme:
    """One stored version (the latest when `version` is None); LookupError when absent."""
    query = select(schemes_table).where(schemes_table.c.scheme_id == scheme_id)
    if version is not None:
        query = query.where(schemes_table.c.version == version)
    row = sql.run(conn, query.order_by(schemes_table.c.version.desc())).mappings().first()
    if row is None:
        what = f"{scheme_id}@{version}" if version is not None else scheme_id
        raise LookupError(f"no scheme {what}")
    return _from_row(row)


def get_ref(conn: Connection, ref: str) -> Scheme:
    """`scheme_id` (its published version, else its latest) or `scheme_id@version`."""
    scheme_id, _, version = ref.partition("@")
    if version:
        try:
            return get(conn, scheme_id, int(version.lstrip("v")))
        except ValueError:
            raise LookupError(f"bad scheme version in {ref!r}") from None
    return published(conn, scheme_id) or get(conn, scheme_id)


def versions(conn: Connection, scheme_id: str) -> list[Scheme]:
    rows = sql.run(
        conn,
        select(schemes_table)
        .where(schemes_table.c.scheme_id == scheme_id)
        .order_by(schemes_table.c.version),
    ).mappings()
    return [_from_row(r) for r in rows]


def published(conn: Connection, scheme_id: str) -> Scheme | None:
    row = (
        sql.run(
            conn,
            select(schemes_table).where(
                schemes_table.c.scheme_id == scheme_id, schemes_table.c.status == "published"
            ),
        )
        .mappings()
        .first()
    )
    return None if row is None else _from_row(row)


def list_schemes(conn: Connection, org_ids: set[str] | None = None) -> list[Scheme]:
    """The latest version of every scheme, plus its published version when that is older; only
    schemes of `org_ids` when given (a head's subtree). Sorted by name, then version."""
    rows = [_from_row(r) for r in sql.run(conn, select(schemes_table)).mappings()]
    if org_ids is not None:
        rows = [s for s in rows if s.org_id in org_ids]
    latest: dict[str, int] = {}
    for s in rows:
        latest[s.scheme_id or ""] = max(latest.get(s.scheme_id or "", 0), s.version or 0)
    keep = [s for s in rows if s.version == latest[s.scheme_id or ""] or s.status == "published"]
    return sorted(keep, key=lambda s: (s.name, s.scheme_id or "", s.version or 0))


def _audit(conn: Connection, username: str | None, action: str, scheme: Scheme) -> None:
    try:
        from data.audit import record
    except ImportError:  # the audit module belongs to another change; schemes work without it
        return
    record(conn, username, action, scheme.ref, {"name": scheme.name, "status": scheme.status})


def save_draft(conn: Connection, scheme: Scheme, username: str | None) -> Scheme:
    """Store `scheme` as a draft and return it with its id and version.

    A new scheme becomes version 1. A stored draft is updated in place. An edit of a published or
    archived version never touches that version: it becomes version N+1 (N = the latest) as a
    draft.
    """
    check(scheme)
    now = dt.datetime.now().replace(microsecond=0)
    values = {
        "name": scheme.name,
        "org_id": scheme.org_id,
        "role": scheme.role,
        "cycle": scheme.cycle,
        "period": scheme.period,
        "items": _items_json(scheme),
        "grades": _grades_json(scheme),
    }
    if scheme.scheme_id is not None and scheme.version is not None:
        stored = get(conn, scheme.scheme_id, scheme.version)
        if stored.status == "draft":
            sql.run(
                conn,
                update(schemes_table)
                .where(
                    schemes_table.c.scheme_id == scheme.scheme_id,
                    schemes_table.c.version == scheme.version,
                    schemes_table.c.status == "draft",
                )
                .values(**values, created_by=username, created_at=now),
            )
            saved = get(conn, scheme.scheme_id, scheme.version)
            _audit(conn, username, "scheme_edit", saved)
            return saved
    scheme_id = scheme.scheme_id or str(uuid.uuid4())
    latest = sql.run(
        conn,
        select(func.max(schemes_table.c.version)).where(schemes_table.c.scheme_id == scheme_id),
    ).scalar()
    version = int(latest or 0) + 1
    sql.run(
        conn,
        insert(schemes_table).values(
            scheme_id=scheme_id,
            version=version,
            status="draft",
            created_by=username,
            created_at=now,
            published_at=None,
            **values,
        ),
    )
    saved = get(conn, scheme_id, version)
    _audit(conn, username, "scheme_edit", saved)
    return saved


def publish(conn: Connection, scheme_id: str, version: int, username: str | None) -> Scheme:
    """Publish a draft; the previously published version of the scheme is archived."""
    scheme = get(conn, scheme_id, version)
    if scheme.status != "draft":
        raise SchemeError([f"only a draft can be published; {scheme.ref} is {scheme.status}"])
    check(scheme)
    now = dt.datetime.now().replace(microsecond=0)
    sql.run(
        conn,
        update(schemes_table)
        .where(schemes_table.c.scheme_id == scheme_id, schemes_table.c.status == "published")
        .values(status="archived"),
    )
    sql.run(
        conn,
        update(schemes_table)
        .where(schemes_table.c.scheme_id == scheme_id, schemes_table.c.version == version)
        .values(status="published", published_at=now),
    )
    done = get(conn, scheme_id, version)
    _audit(conn, username, "scheme_publish", done)
    return done


def archive(conn: Connection, scheme_id: str, version: int, username: str | None) -> Scheme:
    """Retire a version (its items stay as they were, so results naming it stay reproducible)."""
    get(conn, scheme_id, version)
    sql.run(
        conn,
        update(schemes_table)
        .where(schemes_table.c.scheme_id == scheme_id, schemes_table.c.version == version)
        .values(status="archived"),
    )
    done = get(conn, scheme_id, version)
    _audit(conn, username, "scheme_edit", done)
    return done


def next_cycle_copy(scheme: Scheme) -> Scheme:
    """The same items for the next period of the cycle, as a new unsaved scheme.

    The period moves one cycle on (2026Q3 -> 2026Q4) and so does its label inside the name; a
    scheme without a period keeps its name with "(next cycle)" appended, since there is no label
    to move.
    """
    name = scheme.name
    period = scheme.period
    if period:
        following = Period.parse(period).shift(1).label()
        name = name.replace(period, following) if period in name else f"{name} {following}"
        period = following
    else:
        name = f"{name} (next cycle)"
    return replace(
        scheme,
        name=name,
        period=period,
        scheme_id=None,
        version=None,
        status="draft",
        created_by=None,
        created_at=None,
        published_at=None,
    )


def copy_to_next_cycle(
    conn: Connection, scheme_id: str, version: int, username: str | None
) -> Scheme:
    """A new scheme (new id, version 1, draft) with the items of `scheme_id@version`."""
    return save_draft(conn, next_cycle_copy(get(conn, scheme_id, version)), username)


def editable_by(role: str, user_org_id: str | None, scheme: Scheme) -> str | None:
    """Why this user may not edit / publish `scheme`, or None when they may.

    A sub-branch head sets the scheme of their own sub-branch's planners; the director sets any
    scheme (advisors, or branch-wide). Planners and advisors only read their own."""
    if role == "director":
        return None
    if role == "head":
        if scheme.org_id != user_org_id:
            return "a sub-branch head edits only the schemes of their own sub-branch"
        if scheme.role != "planner":
            return (
                "a sub-branch head sets the planners' scheme; advisors' schemes are the director's"
            )
        return None
    return "only a sub-branch head or the director edits appraisal schemes"
