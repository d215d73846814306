"""Service-level deadlines in working days (Monday-Friday in WIB minus the
holidays an admin maintains) or in hours/minutes for urgent categories."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from incidents.models import OPEN_STATUSES, Holiday, SlaUnit, Status

WIB = ZoneInfo("Asia/Jakarta")
# A report that arrives after office hours still counts the day it arrived in
# calendar terms: "within N working days" means by the end of the Nth working
# day after the day of receipt (the LAPOR! reading).
END_OF_DAY = time(23, 59, 59)


def _holidays(start, end):
    return set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day, holidays=frozenset()):
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: datetime, days: int, holidays=None) -> datetime:
    """`holidays`: a preloaded set of dates (bulk callers); read from the database otherwise."""
    local = start.astimezone(WIB)
    day = local.date()
    if holidays is None:
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


def deadline(start: datetime, amount: int, unit: str, holidays=None) -> datetime:
    if unit == SlaUnit.MINUTES:
        return start + timedelta(minutes=amount)
    if unit == SlaUnit.HOURS:
        return start + timedelta(hours=amount)
    return add_working_days(start, amount, holidays)


# ---------------------------------------------------------------------------
# State of a report against its deadline.
# ---------------------------------------------------------------------------

OVERDUE = "overdue"
DUE_SOON = "due_soon"
ON_TIME = "on_time"
# "Due soon" = less than a quarter of the nominal window remains. A working
# day counts as 24 hours here (deadlines fall at the end of the day), so a
# 3-working-day verification turns due soon 18 hours before its deadline, a
# 5-day follow-up 30 hours before, a 1-hour one 15 minutes before. Measuring
# from the nominal window (not from the start time) keeps it right after a
# reopen and needs no extra query.
DUE_SOON_FRACTION = 0.25
UNIT_SPAN = {
    SlaUnit.MINUTES: timedelta(minutes=1),
    SlaUnit.HOURS: timedelta(hours=1),
    SlaUnit.WORKING_DAYS: timedelta(days=1),
}

# Reports with violence are handled as urgent whatever their category says.
URGENT_VERIFY = (1, SlaUnit.HOURS)
URGENT_FOLLOWUP = (6, SlaUnit.HOURS)


def _violent(incident) -> bool:
    return bool((incident.details or {}).get("ada_kekerasan"))


def verify_rule(incident) -> tuple[int, str]:
    """(amount, unit) within which a new report must be verified."""
    if _violent(incident):
        return URGENT_VERIFY
    return incident.category.verify_within, incident.category.verify_unit


def followup_rule(incident) -> tuple[int, str]:
    """(amount, unit) within which a verified report must be followed up."""
    if _violent(incident):
        return URGENT_FOLLOWUP
    return incident.category.followup_within, incident.category.followup_unit


def verify_deadline(incident, start: datetime) -> datetime:
    return deadline(start, *verify_rule(incident))


def followup_deadline(incident, start: datetime) -> datetime:
    return deadline(start, *followup_rule(incident))


def window(incident) -> timedelta | None:
    """Nominal length of the window that applies now (None when closed)."""
    if incident.due_at is None:
        return None
    amount, unit = verify_rule(incident) if incident.status == Status.BARU else followup_rule(incident)
    return UNIT_SPAN.get(unit, timedelta(days=1)) * max(int(amount), 1)


def sla_state(incident, now: datetime | None = None) -> str | None:
    """ "overdue", "due_soon", "on_time", or None for a closed report."""
    if incident.due_at is None or incident.status not in OPEN_STATUSES:
        return None

    now = now or timezone.now()
    if now > incident.due_at:
        return OVERDUE
    span = window(incident)
    if span is not None and incident.due_at - now <= span * DUE_SOON_FRACTION:
        return DUE_SOON
    return ON_TIME


def response_minutes(incident) -> int | None:
    """Minutes from the report being received to the team arriving (fires)."""
    if incident.arrived_at is None or incident.reported_at is None:
        return None
    return max(int((incident.arrived_at - incident.reported_at).total_seconds() // 60), 0)


def response_standard_minutes(incident) -> int | None:
    return incident.category.response_minutes
