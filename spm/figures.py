"""Every figure the portal shows about a period and an area, computed once.

/dasbor/, the SPM API (/api/v1/spm/figures/), the summaries (page, PDF, XLSX,
e-mail) and the e-SPM export take their numbers from `period_figures`; none
recomputes. A figure carries its value, numerator, denominator and what the
denominator counts, so every page can print the denominator beside it.

Definitions (what is counted, over what, as at when): DEFINITIONS below.
The period of a report is the time it was received (reported_at), not the
time it was entered. Rejected and duplicate reports are counted on their own
line and left out of every other figure.
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import Incident
from kitaaman import region

from .calculations import NOT_COUNTED, WIB, Period, PeriodError, achievements, make_period, pct
from .figure_definitions import DEFINITIONS, budget_key, definitions, service_key
from .fire_response import fire_minutes_exact
from .formatting import fmt_date_long, fmt_int, fmt_minutes, fmt_number, fmt_pct
from .models import Budget, Service
from .overdue import backlog
from .population.selectors import kecamatan_population
from .report_figures import report_counts

# --- periods -----------------------------------------------------------------------


class DayRange:
    """Whole days in WIB, `start` to `end` inclusive, as moments."""

    start: date
    end: date

    @property
    def start_dt(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=WIB)

    @property
    def end_dt(self) -> datetime:
        """Exclusive: midnight WIB after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=WIB)


@dataclass(frozen=True)
class FigurePeriod(DayRange):
    """A range of whole days in WIB: a year, quarter, month or week."""

    kind: str  # "year", "quarter", "month", "week"
    key: str
    start: date
    end: date  # inclusive
    label: str

    @property
    def spm(self) -> Period:
        """The SPM period of the achievements (a week: the month it ends in, so far)."""
        if self.kind == "year":
            return make_period(self.start.year)
        if self.kind == "quarter":
            return make_period(self.start.year, (self.start.month - 1) // 3 + 1)
        return make_period(self.end.year, month=self.end.month)

    @classmethod
    def of(cls, period: Period) -> "FigurePeriod":
        if period.month:
            key = f"{period.year}-{period.month:02d}"
        elif period.quarter:
            key = f"{period.year}-Q{period.quarter}"
        else:
            key = str(period.year)
        return cls(kind=period.kind, key=key, start=period.start, end=period.end, label=str(period.label))

    @classmethod
    def parse(cls, key: str) -> "FigurePeriod":
        """`2026`, `2026-Q3` or `2026-09`; PeriodError (Indonesian message) otherwise."""
        text = (key or "").strip().upper()
        try:
            if len(text) == 4 and text.isdigit():
                return cls.of(make_period(int(text)))
            year, _sep, rest = text.partition("-")
            if rest.startswith("Q") and len(rest) == 2:
                return cls.of(make_period(int(year), int(rest[1])))
            if len(rest) == 2 and rest.isdigit() and year.isdigit():
                return cls.of(make_period(int(year), month=int(rest)))
        except ValueError as exc:
            if isinstance(exc, PeriodError):
                raise
        raise PeriodError(_("Periode harus berbentuk 2026, 2026-Q3, atau 2026-09."))

    def as_dict(self, *, now: datetime) -> dict:
        closed = now >= self.end_dt
        return {
            "key": self.key,
            "kind": self.kind,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "closed": closed,
            "provisional": not closed,
            "as_of": now.isoformat(),
            "overdue_as_of": min(now, self.end_dt).isoformat(),
        }


# --- figures -----------------------------------------------------------------------


@dataclass
class Figure:
    key: str
    value: float | int | None
    numerator: float | int | None = None
    denominator: float | int | None = None
    denominator_label: str = ""
    unit: str = ""  # "laporan", "%", "menit", "per 1.000 penduduk"
    note: str = ""  # "periksa data", "tidak ada kasus", "belum ada sasaran", "mutu tingkat kabupaten"
    label: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.label and self.key in DEFINITIONS:
            self.label = str(DEFINITIONS[self.key][0])

    @classmethod
    def share(cls, key: str, numerator, denominator, denominator_label: str, **rest) -> "Figure":
        """A percentage figure: numerator over denominator, None when the denominator is 0 or None."""
        return cls(
            key,
            pct(numerator, denominator),
            numerator=numerator,
            denominator=denominator,
            denominator_label=denominator_label,
            unit="%",
            **rest,
        )

    @property
    def display(self) -> str:
        if self.value is None:
            return self.note or "–"
        if self.unit == "%":
            return fmt_pct(self.value)
        if self.unit == "menit":
            return fmt_minutes(self.value)
        if isinstance(self.value, int):
            return fmt_int(self.value)
        return fmt_number(self.value, 2)

    @property
    def ratio_display(self) -> str:
        """ "29 dari 38 laporan kebakaran dengan waktu tiba" (empty for a plain count)."""
        if self.denominator is None:
            return ""
        return _("%(n)s dari %(d)s %(what)s") % {
            "n": fmt_int(self.numerator) if self.numerator is not None else "–",
            "d": fmt_int(self.denominator),
            "what": self.denominator_label,
        }

    def as_dict(self) -> dict:
        out = asdict(self)
        out.pop("extra")
        out["label"] = str(self.label)
        out["denominator_label"] = str(self.denominator_label)
        out["note"] = str(self.note)
        return out


@dataclass
class FigureSet:
    period: FigurePeriod
    kecamatan: str | None
    now: datetime
    figures: list[Figure]
    achievements: dict
    counts: dict
    kecamatan_rows: list[dict]
    population: dict = field(default_factory=dict)  # {kecamatan code: PopulationFigure} of the period's year

    def __getitem__(self, key: str) -> Figure:
        return self.by_key[key]

    @property
    def by_key(self) -> dict[str, Figure]:
        return {f.key: f for f in self.figures}

    @property
    def closed(self) -> bool:
        return self.now >= self.period.end_dt

    def period_dict(self) -> dict:
        return self.period.as_dict(now=self.now)

    def as_list(self) -> list[dict]:
        return [f.as_dict() for f in self.figures]


def _entered_late(period: FigurePeriod, kecamatan, now: datetime, counts: dict) -> int:
    if now < period.end_dt:
        return 0  # nothing can have been entered after a period that has not ended
    if period.kind in counts["entered_late"]:
        return counts["entered_late"][period.kind]  # kept in the aggregates
    qs = Incident.objects.filter(
        reported_at__gte=period.start_dt, reported_at__lt=period.end_dt, created_at__gte=period.end_dt
    ).exclude(status__in=NOT_COUNTED)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    return qs.count()


def _population(period: FigurePeriod, kecamatan, achievements_data: dict) -> tuple[int | None, dict]:
    population = kecamatan_population(year=period.end.year)
    # The area's kecamatan, as the achievements listed them.
    codes = [r["code"] for r in achievements_data["services"][0]["by_kecamatan"] if r["code"]]
    if not codes or any(c not in population for c in codes):
        return None, population
    return sum(population[c].value for c in codes), population


def achievement_shown(capaian, must_serve, source) -> tuple[float | None, str, bool]:
    """(value shown, note, capped) for an achievement: nobody to serve reads
    "tidak ada kasus" (a report service) or "belum ada sasaran" (no target);
    over 100 % (attendances counted as people) shows 100 % and "periksa data"."""
    if not must_serve:
        return capaian, _("tidak ada kasus") if source == "laporan" else _("belum ada sasaran"), False
    if capaian is not None and capaian > 100:
        return 100.0, _("periksa data"), True
    return capaian, "", False


def _achievement_figures(data: dict) -> list[Figure]:
    out = []
    for s in data["services"]:
        code = s["code"]
        capaian = s["capaian"]
        value, note, capped = achievement_shown(capaian, s["must_serve"], s["source"])
        out.append(
            Figure(
                key=service_key(code),
                label=str(s["short_name"]),
                value=value,
                numerator=s["served"],
                denominator=s["must_serve"],
                denominator_label=str(s["must_serve_label"]),
                unit="%",
                note=note,
                extra={
                    "change": {"value": s.get("change"), "reason": s.get("change_reason", "")},
                    "raw": capaian,
                    "capped": capped,
                },
            )
        )
        out.append(
            Figure(
                key=service_key(code, "index"),
                label=_("Indeks %(name)s") % {"name": s["short_name"]},
                value=s["index"],
                numerator=None,
                denominator=None,
                unit="%",
                note=quality_scope_label(s.get("quality_scope")),
            )
        )
    return out


def quality_scope_label(scope: str | None) -> str:
    """Whose quality score an index uses: the kecamatan's own, the kabupaten's, or none yet."""
    if scope == "kecamatan":
        return str(_("mutu tingkat kecamatan"))
    if scope == "kabupaten":
        return region.for_kind(_("mutu tingkat kabupaten"), _("mutu tingkat kota"))
    return str(_("mutu belum dinilai"))


def period_figures(
    period: FigurePeriod, *, kecamatan: str | None = None, now: datetime | None = None, achievements_data=None
) -> FigureSet:
    """All figures of one period and area (kabupaten, or one kecamatan code)."""
    now = now or timezone.now()
    closed = now >= period.end_dt
    counts = report_counts(start=period.start, end=period.end, kecamatan=kecamatan)
    if achievements_data is None:
        spm = period.spm
        achievements_data = achievements(
            year=spm.year, quarter=spm.quarter, month=spm.month, kecamatan=kecamatan, today=now.astimezone(WIB).date()
        )
    overdue, late = backlog(start=period.start_dt, end=period.end_dt, now=now, kecamatan=kecamatan)
    received = counts["total"]
    population, by_kec_population = _population(period, kecamatan, achievements_data)
    verify, finish, fire = counts["verify"], counts["finish"], counts["fire"]
    verify_den = verify["count"] + late["verify"]
    finish_den = finish["count"] + late["followup"]
    standard = achievements_data["fire_response_minutes"]
    overdue_when = _("saat ini") if not closed else _("per %(d)s") % {"d": fmt_date_long(period.end)}
    figures = [
        Figure("reports_received", received, unit="laporan"),
        Figure("reports_rejected_or_duplicate", counts["not_counted"], unit="laporan"),
        Figure(
            "reports_open",
            counts["open"],
            numerator=counts["open"],
            denominator=received,
            denominator_label=_("laporan diterima"),
            unit="laporan",
        ),
        Figure(
            "reports_per_1000",
            round(received * 1000 / population, 4) if population else None,
            numerator=received,
            denominator=population,
            denominator_label=_("penduduk"),
            unit="per 1.000 penduduk",
            note="" if population else _("data penduduk belum lengkap"),
        ),
        Figure("reports_entered_late", _entered_late(period, kecamatan, now, counts), unit="laporan"),
        Figure("fire_reports", fire["count"], unit="laporan"),
        Figure("fire_reports_without_arrival", fire["no_arrival"], unit="laporan"),
        Figure.share(
            "fire_on_time_share",
            fire["on_time"],
            fire["arrived"],
            _("laporan kebakaran dengan waktu tiba tercatat"),
            note="" if fire["arrived"] else _("tidak ada kasus"),
            extra={"standard_minutes": standard},
        ),
        Figure(
            "fire_response_median_minutes",
            fire_minutes_exact(period, kecamatan=kecamatan, fire=fire),
            denominator=fire["arrived"],
            numerator=None,
            denominator_label=_("laporan kebakaran dengan waktu tiba tercatat"),
            unit="menit",
            note="" if fire["arrived"] else _("tidak ada kasus"),
        ),
        Figure.share(
            "verified_on_time_share",
            verify["within_sla"],
            verify_den,
            _("laporan sudah diverifikasi atau lewat batas verifikasi"),
        ),
        Figure.share(
            "followup_on_time_share",
            finish["within_sla"],
            finish_den,
            _("laporan sudah selesai atau lewat batas tindak lanjut"),
        ),
        Figure(
            "overdue_at_period_end",
            overdue.total,
            numerator=overdue.total,
            denominator=overdue.open_total,
            denominator_label=_("laporan terbuka %(when)s") % {"when": overdue_when},
            unit="laporan",
            extra={"when": overdue_when, "at": overdue.at.isoformat()},
        ),
        Figure("overdue_received_in_period", overdue.in_period, unit="laporan"),
        Figure("overdue_carried_over", overdue.carried_over, unit="laporan"),
        *_achievement_figures(achievements_data),
    ]
    kec_rows = _kecamatan_rows(counts, achievements_data, by_kec_population, kecamatan)
    return FigureSet(
        period=period,
        kecamatan=kecamatan,
        now=now,
        figures=figures,
        achievements=achievements_data,
        counts=counts,
        kecamatan_rows=kec_rows,
        population=by_kec_population,
    )


def budget_figures(year: int) -> list[Figure]:
    """Per service, the year's realisation share with the rupiah behind it:
    numerator realisasi, denominator pagu (whole rupiah, kabupaten-wide)."""
    budgets = {b.service_id: b for b in Budget.objects.filter(year=year)}
    out = []
    for service in Service.objects.order_by("sort_order", "code"):
        budget = budgets.get(service.pk)
        pagu = int(budget.pagu) if budget else None
        realisasi = int(budget.realisasi) if budget else None
        if budget is None:
            note = _("belum ada anggaran")
        elif not pagu:
            note = _("pagu nol")
        elif realisasi > pagu:
            note = _("realisasi melebihi pagu")
        else:
            note = ""
        out.append(
            Figure.share(
                budget_key(service.code),
                realisasi,
                pagu,
                _("rupiah pagu anggaran"),
                label=service.display_short_name,
                note=note,
                extra={"service": service.code, "year": year, "source_note": budget.note if budget else ""},
            )
        )
    return out


def _kecamatan_rows(counts, data, population, kecamatan) -> list[dict]:
    """Reports and achievements per kecamatan (the e-SPM breakdown)."""
    rows = {}
    for s in data["services"]:
        for r in s["by_kecamatan"]:
            if r["code"] is None:
                continue
            row = rows.setdefault(r["code"], {"code": r["code"], "name": r["name"], "services": {}})
            capaian, note, _capped = achievement_shown(r["capaian"], r["must_serve"], s["source"])
            row["services"][s["code"]] = {
                "must_serve": r["must_serve"],
                "served": r["served"],
                "capaian": capaian,
                "index": r["index"],
                "note": note,
                "quality_scope": quality_scope_label(r.get("quality_scope")),
            }
    out = []
    for code, row in rows.items():
        reports = counts["by_kecamatan"].get(code, 0)
        figure = population.get(code)
        row["reports"] = reports
        row["population"] = figure.value if figure else None
        row["population_year"] = figure.year if figure else None
        row["per_1000"] = round(reports * 1000 / figure.value, 4) if figure else None
        out.append(row)
    return sorted(out, key=lambda r: r["code"])


__all__ = [
    "DEFINITIONS",
    "Figure",
    "FigurePeriod",
    "FigureSet",
    "budget_figures",
    "budget_key",
    "definitions",
    "fire_minutes_exact",
    "fmt_date_long",
    "period_figures",
    "service_key",
]
