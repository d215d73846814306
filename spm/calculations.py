"""Every SPM achievement is computed here, and only here (dashboard, API,
export and summaries all call these functions; report counts and service
levels are in spm/report_figures.py).

    capaian (%) = served / must_serve x 100           (None when must_serve is 0: "belum ada sasaran")
    mutu (%)    = sum of weights of the items met / sum of weights of the active items x 100
    indeks      = (w_penerima x min(capaian, 100) + w_mutu x mutu) / (w_penerima + w_mutu)

Report-based services (tibum, evakuasi-bencana, kebakaran) count the reports
created in the period, never those rejected or marked duplicate; for
kebakaran a report's served count counts only when the arrival on scene was
within the response-time standard. Activity-based services (info-bencana,
siaga-bencana) compare the people reached from 1 January to the end of the
period with the year's target (the e-SPM reports cumulative progress); for
info-bencana the people reached by published early warnings (delivered
messages, or the population warned: spm/warnings/reach.py) are added to the
activities, per kecamatan and month of publishing.

The kabupaten is always the sum of its rows (counts summed, then divided);
a target set for the whole kabupaten, without a kecamatan, is its own row.
The quality checklist is the kabupaten's, unless a kecamatan was assessed on
its own: the latest quarter of the year that had ended by the end of the
period and was assessed applies (so January and February have none yet); a
kecamatan's own assessment wins over the kabupaten's of the same quarter.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import Kecamatan, SpmService, Status
from kitaaman import region
from kitaaman.localized import localized

from .aggregates import StatMonthly
from .formatting import month_name, month_short
from .models import Activity, PeriodAssessment, QualityItem, Service, SpmSettings, Target
from .rollup import fire_standard_minutes
from .statements import rows
from .warnings.reach import reach_by_month

WIB = ZoneInfo("Asia/Jakarta")
NOT_COUNTED = (Status.DITOLAK, Status.DUPLIKAT)
REPORT_SERVICES = (SpmService.TIBUM, SpmService.EVAKUASI_BENCANA, SpmService.KEBAKARAN)
ACTIVITY_SERVICES = (SpmService.INFO_BENCANA, SpmService.SIAGA_BENCANA)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """Bad period parameters; the message is for the user."""


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None
    month: int | None = None

    @property
    def kind(self) -> str:
        return "month" if self.month else "quarter" if self.quarter else "year"

    @property
    def first_month(self) -> int:
        return self.month or ((self.quarter - 1) * 3 + 1 if self.quarter else 1)

    @property
    def last_month(self) -> int:
        return self.month or (self.quarter * 3 if self.quarter else 12)

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """Last day, inclusive."""
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def quarter_of_end(self) -> int:
        return (self.last_month - 1) // 3 + 1

    @property
    def label(self) -> str:
        if self.month:
            return f"{month_name(self.month)} {self.year}"
        if self.quarter:
            return _("Triwulan %(q)s %(y)s") % {"q": ROMAN[self.quarter], "y": self.year}
        return _("Tahun %(y)s") % {"y": self.year}

    def previous(self) -> Period:
        if self.month:
            return Period(self.year - 1, month=12) if self.month == 1 else Period(self.year, month=self.month - 1)
        if self.quarter:
            return (
                Period(self.year - 1, quarter=4) if self.quarter == 1 else Period(self.year, quarter=self.quarter - 1)
            )
        return Period(self.year - 1)

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "quarter": self.quarter,
            "month": self.month,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
        }


def make_period(year, quarter=None, month=None) -> Period:
    try:
        year = int(year)
        quarter = int(quarter) if quarter not in (None, "") else None
        month = int(month) if month not in (None, "") else None
    except (TypeError, ValueError):
        raise PeriodError(_("Tahun, triwulan, dan bulan harus berupa angka."))
    if not 2015 <= year <= 2100:
        raise PeriodError(_("Tahun harus antara 2015 dan 2100."))
    if quarter is not None and month is not None:
        raise PeriodError(_("Pilih triwulan atau bulan, tidak keduanya."))
    if quarter is not None and not 1 <= quarter <= 4:
        raise PeriodError(_("Triwulan harus 1 sampai 4."))
    if month is not None and not 1 <= month <= 12:
        raise PeriodError(_("Bulan harus 1 sampai 12."))
    return Period(year, quarter, month)


def pct(part, whole) -> float | None:
    if not whole:
        return None
    return round(part * 100 / whole, 2)


def index_score(capaian, quality, w_recipients, w_quality) -> float | None:
    if capaian is None or quality is None or (w_recipients + w_quality) == 0:
        return None
    return round((w_recipients * min(capaian, 100.0) + w_quality * quality) / (w_recipients + w_quality), 2)


def band(value, settings_row: SpmSettings) -> str:
    """Traffic light for an achievement: hijau, kuning, merah, or abu (no figure).
    The thresholds are the admin's policy; by default green is the SPM target, 100 %."""
    if value is None:
        return "abu"
    if value >= settings_row.band_green:
        return "hijau"
    if value >= settings_row.band_yellow:
        return "kuning"
    return "merah"


# --- inputs ------------------------------------------------------------------


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _report_rows(*, first: date, last: date, kecamatan: str | None = None):
    """Must-serve and served "sesuai standar" per month, report-based service
    and kecamatan (rejected and duplicate reports left out)."""
    qs = StatMonthly.objects.filter(
        month__gte=first, month__lte=last, category__spm_service__in=REPORT_SERVICES
    ).exclude(status__in=NOT_COUNTED)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    return qs.values_list("month", "category__spm_service", "kecamatan_id").annotate(
        m=Sum("spm_must"), s=Sum("spm_served_ok")
    )


def _target_rows(*, years: list[int], kecamatan: str | None = None):
    """Targets per year, activity-based service and kecamatan (None: the kabupaten's)."""
    qs = Target.objects.filter(year__in=years, service__code__in=ACTIVITY_SERVICES)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    return qs.values_list("year", "service__code", "kecamatan_id").annotate(v=Sum("value"))


def _activity_rows(*, first: date, last: date, kecamatan: str | None = None):
    """People reached per month, activity-based service and kecamatan, from `first` to `last`."""
    qs = Activity.objects.filter(service__code__in=ACTIVITY_SERVICES, date__gte=first, date__lte=last)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    return qs.values_list("date__year", "date__month", "service__code", "kecamatan_id").annotate(
        v=Sum("people_reached")
    )


class Inputs:
    """Everything the SPM figures of a range of months need, in a handful of
    queries: monthly report aggregates, targets, activities per month, the
    quality assessments, services, kecamatan and settings. Shared by the
    current period, the previous one and the monthly trend."""

    def __init__(self, *, first: date, last: date, kecamatan: str | None):
        """`first`/`last`: any day in the first and last month needed."""
        self.kecamatan = kecamatan or None
        first, last = first.replace(day=1), last.replace(day=1)
        years = list(range(first.year, last.year + 1))
        self.settings = SpmSettings.get()
        self.services = list(Service.objects.order_by("sort_order", "code"))
        kec_qs = Kecamatan.objects.all()
        if self.kecamatan:
            kec_qs = kec_qs.filter(code=self.kecamatan)
        self.kecamatan_rows = list(kec_qs.values_list("code", "name"))

        # {(month index, service, kecamatan): [must, served_ok]}
        self.reports = {}
        values = {"first": first, "last": last}
        if self.kecamatan:
            values["kecamatan"] = self.kecamatan
        for month, service, kec, must, served in rows(
            ("spm-inputs-reports", bool(self.kecamatan)), _report_rows, **values
        ):
            if isinstance(month, str):  # SQLite
                month = date.fromisoformat(month)
            self.reports[(_month_index(month), service, kec)] = [int(must or 0), int(served or 0)]

        # {(year, service, kecamatan or None): value}; with a kecamatan filter
        # the kabupaten-wide targets are not that kecamatan's.
        self.targets = {}
        by_kecamatan = {"kecamatan": self.kecamatan} if self.kecamatan else {}
        for year, service, kec, value in rows(
            ("spm-inputs-targets", bool(self.kecamatan)), _target_rows, years=years, **by_kecamatan
        ):
            self.targets[(int(year), service, kec)] = int(value or 0)

        # {(year, month, service, kecamatan): people reached}
        self.activities = {}
        for year, month, service, kec, people in rows(
            ("spm-inputs-activities", bool(self.kecamatan)),
            _activity_rows,
            first=date(years[0], 1, 1),
            last=date(years[-1], 12, 31),
            **by_kecamatan,
        ):
            self.activities[(int(year), int(month), service, kec)] = int(people or 0)
        # Published early warnings reach people too (spm/warnings/reach.py):
        # {(year, month, kecamatan): people}, added to info-bencana's activities.
        self.warning_reach = reach_by_month(years=years, kecamatan=self.kecamatan)
        for (y, m, kec), people in self.warning_reach.items():
            key = (y, m, SpmService.INFO_BENCANA.value, kec)
            self.activities[key] = self.activities.get(key, 0) + people

        self.items_by_service: dict[str, list] = {}
        for item in QualityItem.objects.filter(active=True).select_related("service"):
            self.items_by_service.setdefault(item.service.code, []).append(item)
        self.assessments = list(
            PeriodAssessment.objects.filter(year__in=years)
            .select_related("service")
            .prefetch_related("checks")
            .order_by("service_id", "-quarter")
        )

    def report_counts(self, period: Period) -> dict:
        if not hasattr(self, "_reports_by_month"):
            # The trend asks month by month: index the rows by month once.
            self._reports_by_month = {}
            for (m, service, kec), values in self.reports.items():
                self._reports_by_month.setdefault(m, []).append((service, kec, values))
        out = {}
        for m in range(_month_index(period.start), _month_index(period.end) + 1):
            for service, kec, (must, served) in self._reports_by_month.get(m, ()):
                cell = out.setdefault((service, kec), [0, 0])
                cell[0] += must
                cell[1] += served
        return out

    def target_counts(self, year: int) -> dict:
        return {(service, kec): v for (y, service, kec), v in self.targets.items() if y == year}

    def activity_counts(self, year: int, until_month: int) -> dict:
        out = {}
        for (y, m, service, kec), v in self.activities.items():
            if y == year and m <= until_month:
                out[(service, kec)] = out.get((service, kec), 0) + v
        return out

    def warning_counts(self, year: int, until_month: int) -> dict:
        """{kecamatan: people reached by warnings} from January to `until_month`."""
        out = {}
        for (y, m, kec), people in self.warning_reach.items():
            if y == year and m <= until_month:
                out[kec] = out.get(kec, 0) + people
        return out

    def quality(self, year: int, up_to_quarter: int) -> dict:
        """The kabupaten's checklist per service (assessments without a kecamatan)."""
        return self.quality_for(year, up_to_quarter, kecamatan=None)

    def quality_for(self, year: int, up_to_quarter: int, *, kecamatan: str | None) -> dict:
        """The checklist that applies to one kecamatan (or, with None, the
        kabupaten): the latest quarter assessed, up to `up_to_quarter`; a
        kecamatan's own assessment wins over the kabupaten's of the same quarter
        and is marked "scope": "kecamatan"."""
        latest = {}
        for a in self.assessments:
            if a.year != year or a.quarter > up_to_quarter:
                continue
            if a.kecamatan_id not in (None, kecamatan):
                continue
            held = latest.get(a.service.code)
            if held is None or a.quarter > held.quarter or (a.quarter == held.quarter and a.kecamatan_id):
                latest[a.service.code] = a
        return _quality_from(self.items_by_service, latest)

    def assessed_kecamatan(self, year: int) -> set:
        """Kecamatan with an assessment of their own in `year`."""
        return {a.kecamatan_id for a in self.assessments if a.year == year and a.kecamatan_id}


def _quality_from(items_by_service: dict, latest: dict) -> dict:
    out = {}
    for code in SpmService.values:
        items = items_by_service.get(code, [])
        assessment = latest.get(code)
        if assessment is None or not items:
            out[code] = {
                "score": None,
                "year": None,
                "quarter": None,
                "items": [{"code": i.code, "name": i.display_name, "weight": i.weight, "met": None} for i in items],
            }
            continue
        met = {c.item_id: c for c in assessment.checks.all()}
        total = sum(i.weight for i in items)
        got = sum(i.weight for i in items if i.pk in met and met[i.pk].met)
        out[code] = {
            "score": pct(got, total),
            "year": assessment.year,
            "quarter": assessment.quarter,
            "assessment_id": assessment.pk,
            "scope": "kecamatan" if assessment.kecamatan_id else "kabupaten",
            "items": [
                {
                    "code": i.code,
                    "name": i.display_name,
                    "weight": i.weight,
                    "met": bool(i.pk in met and met[i.pk].met),
                    "note": met[i.pk].note if i.pk in met else "",
                }
                for i in items
            ],
        }
    return out


def quality_scores(year: int, up_to_quarter: int) -> dict:
    """{service: {"score", "year", "quarter", "items": [...]}} from the latest
    assessment of the year at or before `up_to_quarter`; score None when none."""
    return Inputs(first=date(year, 1, 1), last=date(year, 1, 1), kecamatan=None).quality(year, up_to_quarter)


# --- achievements ----------------------------------------------------------------


def _compute(period: Period, inputs: Inputs) -> list[dict]:
    kecamatan = inputs.kecamatan
    reports = inputs.report_counts(period)
    targets = inputs.target_counts(period.year)
    activities = inputs.activity_counts(period.year, period.last_month)
    from_warnings = inputs.warning_counts(period.year, period.last_month)
    # Only quarters that have ended by the period's end are assessed for it: a
    # quarter's checklist entered while it runs never reaches an earlier month.
    quarter = period.last_month // 3
    quality = inputs.quality_for(period.year, quarter, kecamatan=kecamatan)
    own = {
        code: inputs.quality_for(period.year, quarter, kecamatan=code)
        for code in inputs.assessed_kecamatan(period.year)
    }
    settings_row = inputs.settings
    out = []
    for service in inputs.services:
        rows = []
        if service.from_reports:
            for code, name in inputs.kecamatan_rows:
                must, served = reports.get((service.code, code), [0, 0])
                rows.append({"code": code, "name": name, "must_serve": must, "served": served})
        else:
            for code, name in inputs.kecamatan_rows:
                rows.append(
                    {
                        "code": code,
                        "name": name,
                        "must_serve": targets.get((service.code, code), 0),
                        "served": activities.get((service.code, code), 0),
                        "from_warnings": from_warnings.get(code, 0) if service.code == SpmService.INFO_BENCANA else 0,
                    }
                )
            if not kecamatan and (service.code, None) in targets:
                rows.append(
                    {
                        "code": None,
                        "name": region.for_kind(
                            _("Tingkat kabupaten (tanpa rincian kecamatan)"),
                            _("Tingkat kota (tanpa rincian kecamatan)"),
                        ),
                        "must_serve": targets[(service.code, None)],
                        "served": 0,
                    }
                )
        q = quality.get(service.code, {}).get("score")
        for row in rows:
            row_quality = own.get(row["code"], quality).get(service.code, {})
            row["quality"] = row_quality.get("score")
            row["quality_scope"] = row_quality.get("scope")
            row["capaian"] = pct(row["served"], row["must_serve"])
            row["index"] = index_score(
                row["capaian"], row["quality"], service.weight_recipients, service.weight_quality
            )
            # The colour follows the figure shown (the achievement), against the SPM target.
            row["band"] = band(row["capaian"], settings_row)
        must = sum(r["must_serve"] for r in rows)
        served = sum(r["served"] for r in rows)
        capaian = pct(served, must)
        idx = index_score(capaian, q, service.weight_recipients, service.weight_quality)
        out.append(
            {
                "code": service.code,
                "name": service.display_name,
                "short_name": service.display_short_name,
                "lead_agency": service.lead_agency,
                "legal_basis": service.legal_basis,
                "source": service.source,
                "must_serve_label": localized(service, "must_serve_label"),
                "served_label": localized(service, "served_label"),
                "must_serve": must,
                "served": served,
                "from_warnings": sum(r.get("from_warnings", 0) for r in rows),
                "capaian": capaian,
                "quality": q,
                "quality_scope": quality.get(service.code, {}).get("scope"),
                "index": idx,
                "band": band(capaian, settings_row),
                "weights": {"recipients": service.weight_recipients, "quality": service.weight_quality},
                "by_kecamatan": rows,
                "quality_items": quality.get(service.code, {}).get("items", []),
                "quality_period": (
                    {"year": quality[service.code]["year"], "quarter": quality[service.code]["quarter"]}
                    if quality.get(service.code, {}).get("quarter")
                    else None
                ),
            }
        )
    return out


def _change(s: dict, period: Period, previous) -> tuple[float | None, str]:
    """Change since the previous period, like with like: for the report
    services the difference in points; for the year-to-date services the pace
    against the pro-rated annual target (cumulative achievement x 12 / months
    elapsed), so calendar growth is not read as improvement."""
    if s["capaian"] is None or previous is None:
        return None, _("tidak ada pembanding")
    if s["source"] == Service.Source.LAPORAN:
        return round(s["capaian"] - previous, 2), ""
    prev = period.previous()
    prev_last = prev.last_month if prev.year == period.year else 12
    pace = s["capaian"] * 12 / period.last_month - previous * 12 / prev_last
    return round(pace, 2), _("terhadap sasaran pro-rata")


def _achievements(period: Period, inputs: Inputs, *, closed: bool = True) -> dict:
    """`closed`: the period has ended. A running period is not compared with
    a complete one (no change), and its previous period is not computed."""
    kecamatan_obj = None
    if inputs.kecamatan:
        if not inputs.kecamatan_rows:
            raise Kecamatan.DoesNotExist(inputs.kecamatan)
        kecamatan_obj = {"code": inputs.kecamatan_rows[0][0], "name": inputs.kecamatan_rows[0][1]}
    prev_period = period.previous()
    current = _compute(period, inputs)
    previous = {s["code"]: s for s in _compute(prev_period, inputs)} if closed else {}
    for s in current:
        p = previous.get(s["code"], {})
        s["previous"] = {"capaian": p.get("capaian"), "index": p.get("index")}
        if closed:
            s["change"], s["change_reason"] = _change(s, period, p.get("capaian"))
        else:
            s["change"], s["change_reason"] = None, _("periode berjalan: dibandingkan setelah periode selesai")
    return {
        "period": period.as_dict(),
        "closed": closed,
        "previous_period": prev_period.as_dict(),
        "kecamatan": kecamatan_obj,
        "fire_response_minutes": fire_standard_minutes(),
        "bands": {"green": inputs.settings.band_green, "yellow": inputs.settings.band_yellow},
        "services": current,
    }


def _closed(period: Period, today: date | None) -> bool:
    return (today or timezone.localdate()) > period.end


def achievements(*, year, quarter=None, month=None, kecamatan=None, today: date | None = None) -> dict:
    """The SPM figures of a period, shaped exactly like the API answer.

    Raises PeriodError for a bad period and Kecamatan.DoesNotExist for an unknown code."""
    period = make_period(year, quarter, month)
    closed = _closed(period, today)
    first = period.previous().start if closed else period.start
    inputs = Inputs(first=first, last=period.end, kecamatan=kecamatan)
    return _achievements(period, inputs, closed=closed)


def _trend(year: int, inputs: Inputs, until: date) -> dict:
    out = []
    for service in inputs.services:
        values = []
        for m in range(1, 13):
            if date(year, m, 1) > until:
                values.append(None)
                continue
            month = Period(year, month=m)
            if service.from_reports:
                counts = inputs.report_counts(month)
            else:
                counts = inputs.activity_counts(year, m)
            targets = inputs.target_counts(year)
            if service.from_reports:
                must = sum(v[0] for (code, _k), v in counts.items() if code == service.code)
                served = sum(v[1] for (code, _k), v in counts.items() if code == service.code)
            else:
                must = sum(v for (code, _k), v in targets.items() if code == service.code)
                served = sum(v for (code, _k), v in counts.items() if code == service.code)
            values.append(pct(served, must))
        out.append({"code": service.code, "name": service.display_short_name, "values": values})
    return {"year": year, "months": [month_short(m) for m in range(1, 13)], "services": out}


def trend(*, year: int, kecamatan: str | None = None, until: date | None = None) -> dict:
    """Capaian per service per month of `year` (activity services cumulative from January).

    Months after `until` (default: today) are None."""
    inputs = Inputs(first=date(year, 1, 1), last=date(year, 12, 1), kecamatan=kecamatan)
    return _trend(year, inputs, until or timezone.localdate())


def dashboard_figures(
    *, year, quarter=None, month=None, kecamatan=None, until: date | None = None
) -> tuple[dict, dict]:
    """(achievements, trend) from one set of inputs: what the dashboard shows."""
    period = make_period(year, quarter, month)
    today = until or timezone.localdate()
    closed = _closed(period, today)
    first = min(period.previous().start, date(period.year, 1, 1)) if closed else date(period.year, 1, 1)
    inputs = Inputs(first=first, last=date(period.year, 12, 1), kecamatan=kecamatan)
    return _achievements(period, inputs, closed=closed), _trend(period.year, inputs, today)


__all__ = [
    "Period",
    "PeriodError",
    "achievements",
    "band",
    "index_score",
    "make_period",
    "pct",
    "quality_scores",
    "trend",
]
