"""Statements run on every dashboard request, written by the ORM once per
shape and database and then run with each request's values.

Writing a statement (joins, lookups, quoting) costs the ORM more than running
it on the aggregates. `rows()` asks the ORM for the statement's SQL once,
built with stand-in values, and keeps it with its parameters; each run puts
the request's values where the stand-ins were. The rows come back as the
database driver gives them: the caller converts them as the ORM would
(a date from SQLite is text, a sum may be None).
"""

from datetime import UTC, date, datetime

from django.db import connection

_WRITTEN: dict = {}


class _Slot:
    """Where a value goes among a statement's parameters: its name (and its
    place, for an item of a list)."""

    __slots__ = ("index", "name")

    def __init__(self, name, index=None):
        self.name, self.index = name, index

    def value(self, values):
        value = values[self.name]
        return adapt(value if self.index is None else value[self.index])


def _stand_in(value, i: int):
    """A value of the same kind that no statement holds on its own."""
    if isinstance(value, datetime):
        return datetime(1901, 2, 3, 4, 5, i, tzinfo=UTC)
    if isinstance(value, date):
        return date(1901, 2, 1 + i)
    if isinstance(value, bool):
        raise TypeError("rows(): a flag is part of the statement's shape, not a value")
    if isinstance(value, int):
        return 31_900 + i  # within every integer field's range
    if isinstance(value, str):
        return f"\x00stand-in-{i}"
    raise TypeError(f"rows(): no stand-in for {type(value).__name__}")


def adapt(value):
    """The parameter the ORM passes for a value of a date, time or plain field."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _write(build, values: dict) -> tuple[str, list]:
    """(SQL, parameters with a _Slot where a value goes)."""
    stand_ins, slots_of = {}, []
    for name, value in values.items():
        if isinstance(value, list | tuple):
            stand_ins[name] = [_stand_in(item, len(slots_of) + j) for j, item in enumerate(value)]
            slots_of += [(adapt(item), _Slot(name, j)) for j, item in enumerate(stand_ins[name])]
        else:
            stand_ins[name] = _stand_in(value, len(slots_of))
            slots_of.append((adapt(stand_ins[name]), _Slot(name)))
    sql, params = build(**stand_ins).query.sql_with_params()
    slots, used = [], set()
    for param in params:
        slot = next((slot for value, slot in slots_of if type(value) is type(param) and value == param), None)
        if slot is not None:
            used.add(slot)
        slots.append(param if slot is None else slot)
    if len(used) != len(slots_of):
        raise ValueError("rows(): a value was not found among the statement's parameters")
    return sql, slots


def rows(key: tuple, build, **values) -> list[tuple]:
    """The rows of `build(**values)` (a queryset), its SQL written once per
    `key` and database. `key` names everything that changes the statement's
    text (which filters apply, how many items a list holds); `values` are
    dates, datetimes, strings or integers, or lists of them."""
    lengths = tuple(len(value) for value in values.values() if isinstance(value, list | tuple))
    full_key = (connection.vendor, *key, lengths)
    written = _WRITTEN.get(full_key)
    if written is None:
        written = _WRITTEN[full_key] = _write(build, values)
    sql, slots = written
    params = [slot.value(values) if type(slot) is _Slot else slot for slot in slots]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
