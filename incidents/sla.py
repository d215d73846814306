"""Service-level deadlines in working days (Monday-Friday in WIB minus the
holidays an admin maintains) or in hours/minutes for urgent categories."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .models import Holiday, SlaUnit

WIB = ZoneInfo("Asia/Jakarta")
# A report that arrives after office hours still counts the day it arrived in
# calendar terms: "within N working days" means by the end of the Nth working
# day after the day of receipt (the LAPOR! reading).
END_OF_DAY = time(23, 59, 59)


def _holidays(start, end):
    return set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day, holidays=frozenset()):
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: datetime, days: int) -> datetime:
    local = start.astimezone(WIB)
    day = local.date()
    holidays = _holidays(day, day + timedelta(days=days * 3 + 30))
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    if days == 0:
        while not is_working_day(day, holidays):
            day += timedelta(days=1)
    return datetime.combine(day, END_OF_DAY, tzinfo=WIB)


def deadline(start: datetime, amount: int, unit: str) -> datetime:
    if unit == SlaUnit.MINUTES:
        return start + timedelta(minutes=amount)
    if unit == SlaUnit.HOURS:
        return start + timedelta(hours=amount)
    return add_working_days(start, amount)


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days after the day of `start` up to and including the day of `end`."""
    a, b = start.astimezone(WIB).date(), end.astimezone(WIB).date()
    if b <= a:
        return 0
    holidays = _holidays(a, b)
    n, day = 0, a
    while day < b:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            n += 1
    return n
