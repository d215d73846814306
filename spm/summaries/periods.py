"""Summary periods and their keys (2026-W48, 2026-11, 2026-Q4), and which
period a scheduled run covers.

The period of a scheduled run is derived from the schedule's intended run
time (the latest fire time of its crontab not after now), never from now()
itself: a beat that fires late, or twice, still names the same period.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from spm.figures import DayRange
from spm.formatting import fmt_date, fmt_date_long, month_name

from .models import Kind

WIB = ZoneInfo("Asia/Jakarta")

# Must match CELERY_BEAT_SCHEDULE in settings (a test holds them together).
RUN_TIME = time(7, 0)
QUARTERLY_DAY = 5

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period(DayRange):
    kind: str
    key: str
    start: date
    end: date  # inclusive

    @property
    def year(self) -> int:
        return self.end.year

    @property
    def quarter(self) -> int:
        return (self.end.month - 1) // 3 + 1

    @property
    def name(self) -> str:
        """Minggu ke-48 2026, November 2026, Triwulan III 2026: the period in a title."""
        if self.kind == Kind.WEEKLY:
            iso = self.start.isocalendar()
            return _("Minggu ke-%(week)s %(year)s") % {"week": iso.week, "year": iso.year}
        if self.kind == Kind.MONTHLY:
            return f"{month_name(self.start.month)} {self.start.year}"
        return _("Triwulan %(q)s %(year)s") % {"q": ROMAN[self.quarter], "year": self.year}

    @property
    def dates(self) -> str:
        """1 Juli 2026 – 30 September 2026: a document's period bounds, written out."""
        return f"{fmt_date_long(self.start)} – {fmt_date_long(self.end)}"

    @property
    def label(self) -> str:
        """The period in lists; a week names its (short) dates."""
        if self.kind == Kind.WEEKLY:
            iso = self.start.isocalendar()
            return _("Minggu ke-%(week)s %(year)s (%(start)s – %(end)s)") % {
                "week": iso.week,
                "year": iso.year,
                "start": fmt_date(self.start),
                "end": fmt_date(self.end),
            }
        return self.name

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "key": self.key,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
        }


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def parse_period(key: str) -> Period:
    """2026-W48 (ISO week), 2026-11 (month) or 2026-Q4 (quarter)."""
    key = (key or "").strip().upper()
    if m := _WEEK.match(key):
        year, week = int(m[1]), int(m[2])
        try:
            start = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise PeriodError(_("Minggu %(key)s tidak ada.") % {"key": key})
        return Period(Kind.WEEKLY, f"{year}-W{week:02d}", start, start + timedelta(days=6))
    if m := _MONTH.match(key):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise PeriodError(_("Bulan %(key)s tidak ada.") % {"key": key})
        return Period(Kind.MONTHLY, f"{year}-{month:02d}", date(year, month, 1), _month_end(year, month))
    if m := _QUARTER.match(key):
        year, quarter = int(m[1]), int(m[2])
        first = 3 * (quarter - 1) + 1
        return Period(Kind.QUARTERLY, f"{year}-Q{quarter}", date(year, first, 1), _month_end(year, first + 2))
    raise PeriodError(
        _("Periode tidak dikenal: %(key)s. Gunakan 2026-W48 (minggu), 2026-11 (bulan) atau 2026-Q4 (triwulan).")
        % {"key": key or "-"}
    )


def period_containing(kind: str, day: date) -> Period:
    if kind == Kind.WEEKLY:
        iso = day.isocalendar()
        return parse_period(f"{iso.year}-W{iso.week:02d}")
    if kind == Kind.MONTHLY:
        return parse_period(f"{day.year}-{day.month:02d}")
    if kind == Kind.QUARTERLY:
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    raise PeriodError(_("Jenis ringkasan tidak dikenal: %(kind)s.") % {"kind": kind})


def previous_period(kind: str, day: date) -> Period:
    return period_containing(kind, period_containing(kind, day).start - timedelta(days=1))


def intended_run(kind: str, now: datetime) -> datetime:
    """The latest time, not after `now`, at which the beat schedule fires for `kind`."""
    local = now.astimezone(WIB)
    today = local.date()
    if kind == Kind.WEEKLY:
        monday = today - timedelta(days=today.weekday())
        run = datetime.combine(monday, RUN_TIME, tzinfo=WIB)
        return run if run <= local else run - timedelta(days=7)
    if kind == Kind.MONTHLY:
        run = datetime.combine(today.replace(day=1), RUN_TIME, tzinfo=WIB)
        if run <= local:
            return run
        previous = today.replace(day=1) - timedelta(days=1)
        return datetime.combine(previous.replace(day=1), RUN_TIME, tzinfo=WIB)
    if kind == Kind.QUARTERLY:
        first_month = 3 * ((today.month - 1) // 3) + 1
        run = datetime.combine(date(today.year, first_month, QUARTERLY_DAY), RUN_TIME, tzinfo=WIB)
        if run <= local:
            return run
        previous = date(today.year, first_month, 1) - timedelta(days=1)
        previous_first = 3 * ((previous.month - 1) // 3) + 1
        return datetime.combine(date(previous.year, previous_first, QUARTERLY_DAY), RUN_TIME, tzinfo=WIB)
    raise PeriodError(_("Jenis ringkasan tidak dikenal: %(kind)s.") % {"kind": kind})


def period_for_run(kind: str, run: datetime) -> Period:
    """A run reports on the period before the one it falls in."""
    return previous_period(kind, run.astimezone(WIB).date())
