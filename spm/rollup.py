"""Report aggregates kept current inside the transaction that changes a report.

Every report contributes a vector of counters (see MEASURES) to one key per
aggregate table. `incident_changed` (a receiver of
incidents.signals.incident_changed, connected in SpmConfig.ready) takes away what the report
contributed before, as stored in IncidentStatState, and adds what it
contributes now; `rebuild_stats` recomputes everything from the reports table
and must give the same rows.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import F

from incidents.models import OPEN_STATUSES, Category, Incident, SpmService, Status

from . import statements
from .aggregates import (
    FIRE_MINUTE_EDGES,
    HOUR_EDGES,
    MEASURES,
    FireMedianCache,
    IncidentStatState,
    StatDaily,
    StatMonthly,
    StatMonthlyDesa,
    StatOpenDue,
)

WIB = ZoneInfo("Asia/Jakarta")
INDEX = {name: i for i, name in enumerate(MEASURES)}
SOURCE_FIELDS = (
    "pk",
    "category_id",
    "desa_id",
    "kecamatan_id",
    "status",
    "created_at",
    "reported_at",
    "spm_must_serve",
    "spm_served",
    "arrived_at",
    "verified_at",
    "verify_due_at",
    "resolved_at",
    "followup_due_at",
    "due_at",
)


def fire_standards() -> dict[int, int | None]:
    """{category id: response standard in minutes} of the categories of the
    fire service. The standard is stored once, on the category
    (Category.response_minutes), and the desk reads the same field."""
    return dict(statements.rows(("spm-fire-standards",), _fire_categories))


def _fire_categories():
    return Category.objects.filter(spm_service=SpmService.KEBAKARAN).values_list("pk", "response_minutes")


def fire_standard_minutes() -> int | None:
    """The fire service's standard as one number (the strictest, should two fire
    categories ever differ); None when no fire category has one."""
    values = [v for v in fire_standards().values() if v]
    return min(values) if values else None


def _bucket(value: float, edges) -> int:
    """Buckets are (lower, upper]: a fire reached at exactly 15 minutes is in "10-15"."""
    for i, edge in enumerate(edges):
        if value <= edge:
            return i
    return len(edges)


def contribution(row: dict, *, service: str, fire_minutes: int | None) -> dict[str, int]:
    """Counters one report adds to its key. `row` holds SOURCE_FIELDS."""
    out = {"n": 1}
    must = row["spm_must_serve"] or 0
    served = row["spm_served"] or 0
    out["spm_must"] = must
    out["spm_served"] = served
    reported = row["reported_at"]
    if service == SpmService.KEBAKARAN:
        out["fire_n"] = 1
        arrived = row["arrived_at"]
        if arrived is not None:
            exact = (arrived - reported).total_seconds()
            seconds = max(0, int(exact))
            # Compared to the second: 15 min 40 s is late against 15 minutes.
            on_time = fire_minutes is not None and exact <= fire_minutes * 60
            out["fire_arrived"] = 1
            out["fire_seconds"] = seconds
            out[f"fr{_bucket(seconds / 60, FIRE_MINUTE_EDGES)}"] = 1
            out["fire_on_time"] = int(on_time)
            out["spm_served_ok"] = served if on_time else 0
        else:
            # No arrival recorded: nobody counts as served within the standard.
            out["spm_served_ok"] = 0
    else:
        out["spm_served_ok"] = served
    verified = row["verified_at"]
    if verified is not None:
        _add_step(out, VERIFY_STEP, reported, verified, row["verify_due_at"])
    received, entered = _local_day(reported), _local_day(row["created_at"])
    out["late_year"] = int(entered.year > received.year)
    out["late_quarter"] = int((entered.year, (entered.month - 1) // 3) > (received.year, (received.month - 1) // 3))
    out["late_month"] = int((entered.year, entered.month) > (received.year, received.month))
    resolved = row["resolved_at"]
    if resolved is not None and row["status"] == Status.SELESAI:
        _add_step(out, FINISH_STEP, reported, resolved, row["followup_due_at"])
    return {k: v for k, v in out.items() if v}


# The measures of a step of handling: (done, seconds, within the deadline, histogram bucket prefix).
VERIFY_STEP = ("verified", "verify_seconds", "verify_in_sla", "vh")
FINISH_STEP = ("resolved", "finish_seconds", "finish_in_sla", "fh")


def _add_step(out: dict, step: tuple, reported, done_at, due) -> None:
    """A step done at `done_at`: counted, its time since the report summed and
    bucketed in hours, and whether it met its deadline (none set counts as met)."""
    done, total, in_sla, bucket = step
    seconds = max(0, int((done_at - reported).total_seconds()))
    out[done] = 1
    out[total] = seconds
    out[f"{bucket}{_bucket(seconds / 3600, HOUR_EDGES)}"] = 1
    out[in_sla] = int(due is None or done_at <= due)


def _local_day(value: datetime) -> date:
    return value.astimezone(WIB).date()


def _due_day(row) -> date | None:
    if row["status"] in OPEN_STATUSES and row["due_at"] is not None:
        return _local_day(row["due_at"])
    return None


def _state_from_row(row, *, service, fire_minutes) -> IncidentStatState:
    return IncidentStatState(
        incident_id=row["pk"],
        # A report belongs to the period in which it was received, not entered.
        day=_local_day(row["reported_at"]),
        category_id_value=row["category_id"],
        desa_code=row["desa_id"],
        kecamatan_code=row["kecamatan_id"],
        status=row["status"],
        due_day=_due_day(row),
        measures=contribution(row, service=service, fire_minutes=fire_minutes),
    )


def _keys(state: IncidentStatState):
    daily = {
        "day": state.day,
        "category_id": state.category_id_value,
        "desa_id": state.desa_code,
        "status": state.status,
    }
    monthly = {
        "month": state.day.replace(day=1),
        "category_id": state.category_id_value,
        "kecamatan_id": state.kecamatan_code,
        "status": state.status,
    }
    return daily, monthly


def _upsert_sql(model, key: dict, values: dict, extra: dict | None = None, *, source: str = "") -> tuple[str, list]:
    """INSERT ... ON CONFLICT DO UPDATE adding the counters (PostgreSQL and SQLite).

    `key` is the unique key; `extra` holds columns that follow from it. With a
    `source` ("FROM state") the row is inserted once per row of that source."""
    extra = extra or {}
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    cols = list(key) + list(extra) + list(values)
    placeholders = ", ".join(["%s"] * len(cols))
    rows = f"SELECT {placeholders} {source}" if source else f"VALUES ({placeholders})"
    updates = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in values)
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(c) for c in cols)}) {rows} "
        f"ON CONFLICT ({', '.join(qn(c) for c in key)}) DO UPDATE SET {updates}"
    )
    return sql, [statements.adapt(key[c]) for c in key] + list(extra.values()) + [values[c] for c in values]


def _upsert_add(model, key: dict, values: dict, extra: dict | None = None):
    if values:
        with connection.cursor() as cursor:
            cursor.execute(*_upsert_sql(model, key, values, extra))


def _subtract(model, key: dict, values: dict):
    if values:
        model.objects.filter(**key).update(**{name: F(name) - value for name, value in values.items()})


def _due_key(state: IncidentStatState) -> dict:
    return {
        "due_day": state.due_day,
        "kecamatan_id": state.kecamatan_code,
        "status": state.status,
        "received_month": state.day.replace(day=1),
    }


def _desa_key(state: IncidentStatState) -> dict:
    return {"month": state.day.replace(day=1), "desa_id": state.desa_code, "status": state.status}


def _additions(state: IncidentStatState) -> list[tuple]:
    """(model, key, counters, extra) of every row a state adds to."""
    daily, monthly = _keys(state)
    rows = []
    if state.measures:
        rows.append((StatDaily, daily, state.measures, {"kecamatan_id": state.kecamatan_code}))
        rows.append((StatMonthly, monthly, state.measures, None))
        rows.append((StatMonthlyDesa, _desa_key(state), {"n": 1}, {"kecamatan_id": state.kecamatan_code}))
    if state.due_day is not None:
        rows.append((StatOpenDue, _due_key(state), {"n": 1}, None))
    return rows


def _apply(state: IncidentStatState, sign: int):
    if sign > 0:
        for model, key, values, extra in _additions(state):
            _upsert_add(model, key, values, extra)
        return
    daily, monthly = _keys(state)
    _subtract(StatDaily, daily, state.measures)
    _subtract(StatMonthly, monthly, state.measures)
    if state.measures:
        _subtract(StatMonthlyDesa, _desa_key(state), {"n": 1})
    if state.due_day is not None:
        key = _due_key(state)
        _subtract(StatOpenDue, key, {"n": 1})
        # Closed reports leave their deadline day: keep the table small.
        StatOpenDue.objects.filter(**key, n=0).delete()


def _state_insert_sql(state: IncidentStatState) -> tuple[str, list]:
    """INSERT of the state row that does nothing when the report has one already."""
    qn = connection.ops.quote_name
    fields = IncidentStatState._meta.concrete_fields
    cols = ", ".join(qn(f.column) for f in fields)
    params = [f.get_db_prep_save(getattr(state, f.attname), connection) for f in fields]
    sql = (
        f"INSERT INTO {qn(IncidentStatState._meta.db_table)} ({cols}) VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({qn('incident_id')}) DO NOTHING RETURNING {qn('incident_id')}"
    )
    return sql, params


def _add_new(state: IncidentStatState) -> bool:
    """Record a new report's state and add its counters; False (and nothing
    written) when the report has a state already.

    PostgreSQL does it in one statement: the state insert and the upserts in
    one data-modifying WITH, the upserts reading the state insert's result so
    that they add nothing when it inserted nothing. The state table comes
    first, so the statement waits on a running rebuild_stats' table lock
    before it writes any aggregate. SQLite has no data-modifying WITH: the
    same statements one after another."""
    state_sql, params = _state_insert_sql(state)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(state_sql, params)
            if cursor.fetchone() is None:
                return False
            _apply(state, +1)
            return True
        parts = [f"state AS ({state_sql})"]
        for i, (model, key, values, extra) in enumerate(_additions(state)):
            sql, more = _upsert_sql(model, key, values, extra, source="FROM state")
            parts.append(f"add{i} AS ({sql})")
            params += more
        cursor.execute(f"WITH {', '.join(parts)} SELECT COUNT(*) FROM state", params)
        return cursor.fetchone()[0] == 1


def _same(a: IncidentStatState, b: IncidentStatState) -> bool:
    fields = ("day", "category_id_value", "desa_code", "kecamatan_code", "status", "due_day", "measures")
    return all(getattr(a, f) == getattr(b, f) for f in fields)


def _row_of(incident: Incident) -> dict:
    return {name: getattr(incident, name) for name in SOURCE_FIELDS}


def _service_of(incident: Incident) -> str:
    # The intake and the workflow have loaded the category already.
    if Incident.category.is_cached(incident) and incident.category.pk == incident.category_id:
        return incident.category.spm_service or ""
    return Category.objects.filter(pk=incident.category_id).values_list("spm_service", flat=True).first() or ""


def _fire_minutes(row: dict, service: str) -> int | None:
    # Only an arrival is measured against the fire standard (contribution):
    # a report without one needs no lookup.
    if service == SpmService.KEBAKARAN and row["arrived_at"] is not None:
        return Category.objects.filter(pk=row["category_id"]).values_list("response_minutes", flat=True).first()
    return None


def _forget_fire_medians(old: IncidentStatState, new: IncidentStatState) -> None:
    """A fire's arrival, day or status changed: the medians kept for ranges
    holding its old or new day no longer hold."""
    if "fire_arrived" in old.measures or "fire_arrived" in new.measures:
        days = {old.day, new.day}
        FireMedianCache.objects.filter(start__lte=max(days), end__gte=min(days)).delete()


def incident_changed(*, incident, previous=None, **signal) -> None:
    """Receiver of incidents.signals.incident_changed: move the report from its old key to its new one.

    `previous` (the snapshot before the change) is only used to tell a new
    report (None): the stored contribution is the exact amount to take away."""
    service = _service_of(incident)
    row = _row_of(incident)
    new = _state_from_row(row, service=service, fire_minutes=_fire_minutes(row, service))
    if previous is None and _add_new(new):
        return
    old = IncidentStatState.objects.select_for_update().filter(incident_id=incident.pk).first()
    if old is not None and _same(old, new):
        return
    if old is not None:
        _apply(old, -1)
        _forget_fire_medians(old, new)
    _apply(new, +1)
    new.save(force_insert=old is None, force_update=old is not None)


def _month_ranges(first: datetime, last: datetime):
    """Month boundaries in WIB covering [first, last]."""
    local = first.astimezone(WIB)
    start = datetime(local.year, local.month, 1, tzinfo=WIB)
    while start <= last:
        nxt = datetime(start.year + (start.month == 12), start.month % 12 + 1, 1, tzinfo=WIB)
        yield start, nxt
        start = nxt


@transaction.atomic
def rebuild_stats(*, batch_size: int = 5000, progress=None) -> dict:
    """Recompute every aggregate from the reports table. Idempotent.

    Works a month at a time so memory stays bounded at a million reports."""
    # One rebuild at a time, and no hook writes in between (they wait on this lock).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(IncidentStatState._meta.db_table)} IN ACCESS EXCLUSIVE MODE"
            )
    for model in (StatDaily, StatMonthly, StatMonthlyDesa, StatOpenDue, IncidentStatState, FireMedianCache):
        model.objects.all().delete()
    services = dict(Category.objects.values_list("pk", "spm_service"))
    standards = fire_standards()
    bounds = Incident.objects.order_by("reported_at").values_list("reported_at", flat=True)
    first, last = (
        bounds.first(),
        Incident.objects.order_by("-reported_at").values_list("reported_at", flat=True).first(),
    )
    totals = {"reports": 0, "daily": 0, "monthly": 0}
    if first is None:
        return totals
    due: dict[tuple, int] = {}
    per_desa: dict[tuple, list] = {}
    for start, end in _month_ranges(first, last):
        daily: dict[tuple, list] = {}
        monthly: dict[tuple, list] = {}
        states = []
        rows = Incident.objects.filter(reported_at__gte=start, reported_at__lt=end).values(*SOURCE_FIELDS)
        for row in rows.iterator(chunk_size=batch_size):
            state = _state_from_row(
                row, service=services.get(row["category_id"], ""), fire_minutes=standards.get(row["category_id"])
            )
            states.append(state)
            dkey, mkey = _keys(state)
            dkey = (*dkey.values(), state.kecamatan_code)
            mkey = tuple(mkey.values())
            dvec = daily.setdefault(dkey, [0] * len(MEASURES))
            mvec = monthly.setdefault(mkey, [0] * len(MEASURES))
            for name, value in state.measures.items():
                dvec[INDEX[name]] += value
                mvec[INDEX[name]] += value
            if state.measures:
                dk = (state.day.replace(day=1), state.desa_code, state.status)
                cell = per_desa.setdefault(dk, [state.kecamatan_code, 0])
                cell[1] += 1
            if state.due_day is not None:
                k = (state.due_day, state.kecamatan_code, state.status, state.day.replace(day=1))
                due[k] = due.get(k, 0) + 1
            if len(states) >= batch_size:
                IncidentStatState.objects.bulk_create(states, batch_size=batch_size)
                totals["reports"] += len(states)
                states = []
        IncidentStatState.objects.bulk_create(states, batch_size=batch_size)
        totals["reports"] += len(states)
        StatDaily.objects.bulk_create(
            [
                StatDaily(
                    day=k[0],
                    category_id=k[1],
                    desa_id=k[2],
                    status=k[3],
                    kecamatan_id=k[4],
                    **dict(zip(MEASURES, v, strict=True)),
                )
                for k, v in daily.items()
            ],
            batch_size=batch_size,
        )
        StatMonthly.objects.bulk_create(
            [
                StatMonthly(
                    month=k[0], category_id=k[1], kecamatan_id=k[2], status=k[3], **dict(zip(MEASURES, v, strict=True))
                )
                for k, v in monthly.items()
            ],
            batch_size=batch_size,
        )
        totals["daily"] += len(daily)
        totals["monthly"] += len(monthly)
        if progress:
            progress(start, totals)
    StatMonthlyDesa.objects.bulk_create(
        [
            StatMonthlyDesa(month=k[0], desa_id=k[1], status=k[2], kecamatan_id=v[0], n=v[1])
            for k, v in per_desa.items()
        ],
        batch_size=batch_size,
    )
    StatOpenDue.objects.bulk_create(
        [StatOpenDue(due_day=k[0], kecamatan_id=k[1], status=k[2], received_month=k[3], n=v) for k, v in due.items()],
        batch_size=batch_size,
    )
    return totals


def month_start(day: date) -> date:
    return day.replace(day=1)
