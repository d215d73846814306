"""Bulk writing of demo rows: COPY on PostgreSQL, batched inserts elsewhere,
on a background thread so generation and writing overlap."""

import io
import json
import queue
import threading
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, transaction

from incidents.models import (
    Assignment,
    Incident,
    IncidentEvent,
)

BATCH_SIZE = 5000


@contextmanager
def keep_updated_at():
    """bulk_create would stamp updated_at with now(); demo rows keep their own."""
    updated = Incident._meta.get_field("updated_at")
    previous = updated.auto_now
    updated.auto_now = False
    try:
        yield
    finally:
        updated.auto_now = previous


def write_batch(incidents, events, assignments, batch_size=BATCH_SIZE):
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Demo rows: not waiting for each commit's WAL flush roughly halves the time;
            # a crash could lose the last batches, never corrupt anything.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        write_rows(Incident, incidents, batch_size)
        write_rows(IncidentEvent, events, batch_size)
        write_rows(Assignment, assignments, batch_size)


class BatchWriter:
    """Writes batches from a queue in a thread with its own database connection
    (psycopg releases the GIL while PostgreSQL works)."""

    def __init__(self, batch_size):
        self.batch_size = batch_size
        self.queue = queue.Queue(maxsize=2)
        self.error = None
        self.thread = threading.Thread(target=self._work, name="seed-demo-writer", daemon=True)
        self.thread.start()

    def _work(self):
        try:
            while True:
                item = self.queue.get()
                if item is None:
                    return
                if self.error is None:  # after a failure keep draining so the producer never blocks
                    try:
                        write_batch(*item, self.batch_size)
                    except BaseException as exc:
                        self.error = exc
        finally:
            connection.close()

    def submit(self, item):
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def close(self):
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def write_rows(model, rows: list[dict], batch_size: int = BATCH_SIZE) -> None:
    """Insert plain rows (attname -> value): COPY on PostgreSQL, bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy_rows(model, rows)
    else:
        model.objects.bulk_create([model(**row) for row in rows], batch_size=batch_size)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


_NUMERIC = {
    "AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SmallIntegerField", "FloatField", "UUIDField",
}  # fmt: skip


def _copy_converter(field):
    """Value -> COPY text for one column, chosen once per column rather than per value."""
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return lambda v: "t" if v else "f"
    if kind == "DateTimeField":
        return lambda v: v.isoformat()
    if kind == "JSONField":
        return lambda v: json.dumps(v, ensure_ascii=False).translate(_ESCAPES)
    if kind in _NUMERIC or (field.is_relation and field.target_field.get_internal_type() in _NUMERIC):
        return str
    return lambda v: str(v).translate(_ESCAPES)


def _copy_rows(model, rows: list[dict]) -> None:
    """PostgreSQL COPY: several times faster than INSERT for a million rows."""
    present = set(rows[0])
    fields = [f for f in model._meta.concrete_fields if f.attname in present or not f.primary_key]
    spec = [(f.attname, f.get_default() if f.attname not in present else None, _copy_converter(f)) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        values = []
        for attname, default, convert in spec:
            value = row.get(attname, default)
            values.append("\\N" if value is None else convert(value))
        write("\t".join(values))
        write("\n")
    buffer.seek(0)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, buffer)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                copy.write(buffer.getvalue())


def reset_sequences():
    """Explicit ids leave PostgreSQL's sequences behind; move them past the rows."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Incident, IncidentEvent, Assignment])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
