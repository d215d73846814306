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

import statistics
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Aggregate, F, FloatField, Func, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import Category, Incident, SpmService

from .calculations import NOT_COUNTED, WIB, Period, PeriodError, achievements, make_period, pct
from .formatting import fmt_date_long, fmt_int, fmt_minutes, fmt_number, fmt_pct
from .models import Budget, FireMedianCache, Service
from .overdue import backlog
from .population.selectors import kecamatan_population
from .report_figures import report_counts

# key: (label, what is counted, over what, as at when)
DEFINITIONS = {
    "reports_received": (
        gettext_lazy("Laporan diterima"),
        gettext_lazy("laporan yang diterima dalam periode (menurut waktu diterima), tanpa ditolak dan duplikat"),
    ),
    "reports_rejected_or_duplicate": (
        gettext_lazy("Ditolak atau duplikat"),
        gettext_lazy(
            "laporan yang diterima dalam periode dan ditolak atau ditandai duplikat (tidak dihitung di angka lain)"
        ),
    ),
    "reports_open": (
        gettext_lazy("Masih terbuka"),
        gettext_lazy(
            "laporan diterima dalam periode yang belum selesai pada saat angka dihitung, dari laporan diterima"
        ),
    ),
    "reports_per_1000": (
        gettext_lazy("Laporan per 1.000 penduduk"),
        gettext_lazy("laporan diterima dalam periode per 1.000 penduduk wilayah (data penduduk tahun periode)"),
    ),
    "reports_entered_late": (
        gettext_lazy("Dimasukkan setelah periode berakhir"),
        gettext_lazy("laporan diterima dalam periode tetapi dimasukkan ke portal setelah periode berakhir (revisi)"),
    ),
    "fire_reports": (
        gettext_lazy("Laporan kebakaran"),
        gettext_lazy("laporan layanan kebakaran yang diterima dalam periode"),
    ),
    "fire_reports_without_arrival": (
        gettext_lazy("Kebakaran tanpa waktu tiba"),
        gettext_lazy("laporan kebakaran dalam periode yang belum mencatat waktu tiba di lokasi"),
    ),
    "fire_on_time_share": (
        gettext_lazy("Tiba sesuai standar waktu tanggap"),
        gettext_lazy(
            "laporan kebakaran yang tiba dalam standar (dibandingkan sampai detik), dari yang waktu tibanya tercatat"
        ),
    ),
    "fire_response_median_minutes": (
        gettext_lazy("Median waktu tanggap kebakaran"),
        gettext_lazy(
            "median tepat (bukan perkiraan) menit dari laporan diterima sampai tiba, dari yang waktu tibanya tercatat"
        ),
    ),
    "verified_on_time_share": (
        gettext_lazy("Diverifikasi dalam batas waktu"),
        gettext_lazy(
            "laporan yang diverifikasi paling lambat batas verifikasinya, dari laporan yang sudah diverifikasi "
            "atau sudah lewat batas verifikasinya pada saat angka dihitung"
        ),
    ),
    "followup_on_time_share": (
        gettext_lazy("Ditindaklanjuti dalam batas waktu"),
        gettext_lazy(
            "laporan yang selesai paling lambat batas tindak lanjutnya, dari laporan yang sudah selesai "
            "atau sudah lewat batas tindak lanjutnya pada saat angka dihitung"
        ),
    ),
    "overdue_at_period_end": (
        gettext_lazy("Melewati batas waktu"),
        gettext_lazy(
            "laporan yang masih terbuka dan sudah lewat batas waktunya pada akhir periode (periode berjalan: saat "
            "ini), termasuk yang diterima sebelum periode, dari semua laporan terbuka pada saat itu"
        ),
    ),
    "overdue_received_in_period": (
        gettext_lazy("Melewati batas: diterima dalam periode"),
        gettext_lazy("bagian dari laporan melewati batas yang diterima dalam periode"),
    ),
    "overdue_carried_over": (
        gettext_lazy("Melewati batas: bawaan periode sebelumnya"),
        gettext_lazy("bagian dari laporan melewati batas yang diterima sebelum periode dimulai"),
    ),
}
for _code, _label in SpmService.choices:
    DEFINITIONS[f"spm_{_code.replace('-', '_')}_achievement"] = (
        gettext_lazy("Capaian SPM"),
        gettext_lazy(
            "warga terlayani sesuai standar dibagi warga yang harus dilayani (layanan kegiatan: kumulatif sejak "
            "Januari terhadap sasaran tahunan); di atas 100 persen ditampilkan 100 persen dengan tanda periksa data"
        ),
    )
    DEFINITIONS[f"spm_{_code.replace('-', '_')}_index"] = (
        gettext_lazy("Indeks SPM"),
        gettext_lazy(
            "bobot penerima x capaian (maks. 100) + bobot mutu x skor mutu penilaian triwulan terakhir tahun itu (tingkat kabupaten)"
        ),
    )


for _code, _label in SpmService.choices:
    DEFINITIONS[f"budget_{_code.replace('-', '_')}_realisation"] = (
        gettext_lazy("Realisasi anggaran"),
        gettext_lazy(
            "realisasi anggaran layanan dibagi pagu anggaran layanan pada tahun itu (rupiah, seluruh kabupaten); "
            "bisa di atas 100 persen bila anggaran berubah"
        ),
    )


def service_key(code: str, what: str = "achievement") -> str:
    return f"spm_{code.replace('-', '_')}_{what}"


def budget_key(code: str) -> str:
    return f"budget_{code.replace('-', '_')}_realisation"


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


def _fire_median(*, start: datetime, end: datetime, kecamatan: str | None) -> float | None:
    categories = list(Category.objects.filter(spm_service=SpmService.KEBAKARAN).values_list("pk", flat=True))
    if not categories:
        return None
    qs = Incident.objects.filter(
        reported_at__gte=start, reported_at__lt=end, arrived_at__isnull=False, category_id__in=categories
    ).exclude(status__in=NOT_COUNTED)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    if connection.vendor == "postgresql":
        # One statement over the arrival index, without visiting the table.
        seconds = Func(
            F("arrived_at") - F("reported_at"), function="EXTRACT", template="EXTRACT(EPOCH FROM %(expressions)s)"
        )
        value = qs.aggregate(m=Median(Greatest(Value(0.0), seconds, output_field=FloatField())))["m"]
        return round(float(value) / 60, 2) if value is not None else None
    seconds = [max(0.0, (a - r).total_seconds()) for r, a in qs.values_list("reported_at", "arrived_at")]
    return round(statistics.median(seconds) / 60, 2) if seconds else None


def fire_minutes_exact(period: "FigurePeriod", *, kecamatan: str | None, fire: dict) -> float | None:
    """The exact median response time (minutes) of the period's fire reports
    with an arrival recorded, from the recorded times; kept in FireMedianCache
    while the aggregates (`fire`: count and total seconds of those arrivals)
    say the same fires are there."""
    key = {"start": period.start, "end": period.end, "kecamatan": kecamatan or ""}
    fingerprint = {"arrived": fire["arrived"], "seconds": fire["seconds"]}
    if not fire["arrived"]:
        return None
    cached = FireMedianCache.objects.filter(**key, **fingerprint).values_list("minutes", flat=True).first()
    if cached is not None:
        return cached
    value = _fire_median(start=period.start_dt, end=period.end_dt, kecamatan=kecamatan)
    FireMedianCache.objects.update_or_create(**key, defaults={**fingerprint, "minutes": value})
    return value


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


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


def _achievement_figures(data: dict) -> list[Figure]:
    out = []
    for s in data["services"]:
        code = s["code"]
        capaian = s["capaian"]
        note = ""
        value = capaian
        capped = False
        if s["must_serve"] == 0:
            note = _("tidak ada kasus") if s["source"] == "laporan" else _("belum ada sasaran")
        elif capaian is not None and capaian > 100:
            value, note, capped = 100.0, _("periksa data"), True
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
                note=_("mutu tingkat kabupaten") if s["quality"] is not None else _("mutu belum dinilai"),
            )
        )
    return out


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
        Figure(
            "fire_on_time_share",
            pct(fire["on_time"], fire["arrived"]),
            numerator=fire["on_time"],
            denominator=fire["arrived"],
            denominator_label=_("laporan kebakaran dengan waktu tiba tercatat"),
            unit="%",
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
        Figure(
            "verified_on_time_share",
            pct(verify["within_sla"], verify_den),
            numerator=verify["within_sla"],
            denominator=verify_den,
            denominator_label=_("laporan sudah diverifikasi atau lewat batas verifikasi"),
            unit="%",
        ),
        Figure(
            "followup_on_time_share",
            pct(finish["within_sla"], finish_den),
            numerator=finish["within_sla"],
            denominator=finish_den,
            denominator_label=_("laporan sudah selesai atau lewat batas tindak lanjut"),
            unit="%",
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
            Figure(
                key=budget_key(service.code),
                label=service.display_short_name,
                value=pct(realisasi, pagu) if budget else None,
                numerator=realisasi,
                denominator=pagu,
                denominator_label=_("rupiah pagu anggaran"),
                unit="%",
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
            capaian = r["capaian"]
            note = ""
            if r["must_serve"] == 0:
                note = _("tidak ada kasus") if s["source"] == "laporan" else _("belum ada sasaran")
            elif capaian is not None and capaian > 100:
                capaian, note = 100.0, _("periksa data")
            row["services"][s["code"]] = {
                "must_serve": r["must_serve"],
                "served": r["served"],
                "capaian": capaian,
                "index": r["index"],
                "note": note,
                "quality_scope": _("mutu tingkat kabupaten"),
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


def definitions() -> list[dict]:
    """Each figure's key with its definition, in the active language."""
    return [{"key": key, "label": str(label), "definition": str(text)} for key, (label, text) in DEFINITIONS.items()]


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
