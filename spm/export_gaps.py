"""What the e-SPM report of a quarter still lacks (targets, quality
assessments, stages 2-4, budgets, population), each with the page where it is
filled: shown before the download and written into the file (spm.export)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from incidents.models import Kecamatan
from kitaaman.links import page_href

from .calculations import ACTIVITY_SERVICES, ROMAN
from .models import Budget, PeriodAssessment, Service, Target
from .population.selectors import kecamatan_population


def quarter_assessments(year: int, quarter: int) -> dict:
    """The kabupaten-wide quality assessments of a quarter, by service code."""
    return {
        a.service.code: a
        for a in PeriodAssessment.objects.filter(year=year, quarter=quarter, kecamatan__isnull=True).select_related(
            "service"
        )
    }


@dataclass(frozen=True)
class ExportGap:
    message: str
    href: str  # where to fill it ("" when there is no page)


def espm_gaps(year: int, quarter: int) -> list[ExportGap]:
    """What the e-SPM report of the quarter still lacks, each with where to fill it."""
    period = _("Triwulan %(q)s %(y)s") % {"q": ROMAN[quarter], "y": year}
    services = list(Service.objects.order_by("sort_order", "code"))
    assessments = quarter_assessments(year, quarter)
    with_target = set(Target.objects.filter(year=year).values_list("service__code", flat=True))
    with_budget = set(Budget.objects.filter(year=year).values_list("service__code", flat=True))
    gaps = []
    for s in services:
        if s.code in ACTIVITY_SERVICES and s.code not in with_target:
            gaps.append(
                ExportGap(
                    _("Belum ada sasaran %(name)s tahun %(y)s: capaiannya tidak dapat dihitung.")
                    % {"name": s.display_short_name, "y": year},
                    page_href("spm:targets", f"?year={year}"),
                )
            )
    for s in services:
        quality_href = page_href("spm:quality", f"?service={s.code}&year={year}&quarter={quarter}")
        assessment = assessments.get(s.code)
        if assessment is None:
            gaps.append(
                ExportGap(
                    _("Penilaian mutu %(name)s %(period)s belum diisi.")
                    % {"name": s.display_short_name, "period": period},
                    quality_href,
                )
            )
            continue
        empty = [
            str(n)
            for n, text in ((2, assessment.stage_needs), (3, assessment.stage_planning), (4, assessment.stage_delivery))
            if not text.strip()
        ]
        if empty:
            gaps.append(
                ExportGap(
                    _("Tahapan penerapan SPM %(name)s %(period)s belum diisi: tahap %(stages)s.")
                    % {"name": s.display_short_name, "period": period, "stages": ", ".join(empty)},
                    quality_href,
                )
            )
    for s in services:
        if s.code not in with_budget:
            gaps.append(
                ExportGap(
                    _("Anggaran %(name)s tahun %(y)s (pagu dan realisasi) belum diisi.")
                    % {"name": s.display_short_name, "y": year},
                    page_href("spm:budgets", f"?year={year}&service={s.code}"),
                )
            )
    population = kecamatan_population(year=year)
    missing = [
        name for code, name in Kecamatan.objects.order_by("code").values_list("code", "name") if code not in population
    ]
    if missing:
        gaps.append(
            ExportGap(
                _(
                    "Jumlah penduduk belum dicatat untuk kecamatan %(list)s: laporan per 1.000 penduduk tidak dapat dihitung."
                )
                % {"list": ", ".join(missing)},
                page_href("admin:population_population_changelist"),
            )
        )
    return gaps


def espm_completeness(year: int, quarter: int) -> list[str]:
    """What is missing for the quarter's e-SPM report, as sentences (empty: complete)."""
    return [gap.message for gap in espm_gaps(year, quarter)]
