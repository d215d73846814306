"""Data that warns before it ages: the one list of gaps in the data the
portal's figures and deadlines rest on, each saying who should act and where.

Shown on the landing pages of the admin (the Django admin's index) and of the
Tim Efektif (/dasbor/), in the summaries' "Perlu perhatian" page, and by
`manage.py check --database default` (spm/checks.py). Every gap disappears as
soon as the data is entered. Messages are translated when data_gaps() runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incidents.models import Holiday, Kecamatan, SpmService
from incidents.notify.reach import agencies_unreachable
from kitaaman import region
from kitaaman.links import page_href

from .calculations import ACTIVITY_SERVICES
from .models import Service, Signatory, Target, TeamDecree
from .population.models import DEMO_SOURCE
from .population.selectors import kecamatan_population
from .selectors import current_decree, signatories

WARNING = "warning"
DANGER = "danger"
# From 1 November the coming year's calendar and targets are due: SK cuti
# bersama is usually out by then, and the targets go into the year's plan.
NEXT_YEAR_FROM = (11, 1)
DECREE_NOTICE_DAYS = 60


@dataclass(frozen=True)
class DataGap:
    code: str  # stable slug, e.g. "holidays-missing-next-year"
    message: str
    who: str  # who should act
    href: str  # where to fix it ("" when there is no page for it)
    severity: str = WARNING  # "warning" or "danger"


def data_gaps(*, today: date | None = None) -> list[DataGap]:
    """Every gap found on `today` (WIB today by default), the most urgent first."""
    today = today or timezone.localdate()
    gaps = [
        *_holidays(today),
        *_targets(today),
        *_population(today),
        *_agencies(),
        *_decree(today),
        *_signatories(),
    ]
    return sorted(gaps, key=lambda gap: gap.severity != DANGER)


def _day(value: date) -> str:
    return formats.date_format(value, "j F Y")


def _next_year_due(today: date) -> bool:
    return (today.month, today.day) >= NEXT_YEAR_FROM


def _admin() -> str:
    return _("Admin portal")


def _tim() -> str:
    return _("Tim Efektif")


def _holidays(today: date) -> list[DataGap]:
    years = {row.year for row in Holiday.objects.filter(date__year__gte=today.year).dates("date", "year")}
    href = page_href("admin:incidents_holiday_add")
    gaps = []
    if today.year not in years:
        gaps.append(
            DataGap(
                code="holidays-missing-this-year",
                message=_(
                    "Belum ada hari libur nasional dan cuti bersama tahun %(year)s: batas waktu laporan dihitung "
                    "seolah-olah semua hari Senin-Jumat adalah hari kerja."
                )
                % {"year": today.year},
                who=_admin(),
                href=href,
                severity=DANGER,
            )
        )
    if _next_year_due(today) and today.year + 1 not in years:
        gaps.append(
            DataGap(
                code="holidays-missing-next-year",
                message=_(
                    "Hari libur nasional dan cuti bersama tahun %(year)s belum dicatat. Laporan yang masuk "
                    "menjelang akhir tahun sudah memiliki batas waktu di tahun %(year)s."
                )
                % {"year": today.year + 1},
                who=_admin(),
                href=href,
            )
        )
    return gaps


def _targets(today: date) -> list[DataGap]:
    years = [(today.year, "this-year", DANGER)]
    if _next_year_due(today):
        years.append((today.year + 1, "next-year", WARNING))
    present = set(
        Target.objects.filter(service__code__in=ACTIVITY_SERVICES, year__in=[y for y, _k, _s in years]).values_list(
            "service__code", "year"
        )
    )
    names = {s.code: s.display_short_name for s in Service.objects.filter(code__in=ACTIVITY_SERVICES)}
    gaps = []
    for year, kind, severity in years:
        for code in ACTIVITY_SERVICES:
            if (code, year) in present:
                continue
            gaps.append(
                DataGap(
                    code=f"targets-missing-{kind}-{code}",
                    message=_("Sasaran SPM %(service)s tahun %(year)s belum diisi: capaiannya tidak dapat dihitung.")
                    % {"service": names.get(code) or SpmService(code).label, "year": year},
                    who=_tim(),
                    href=page_href("spm:targets", f"?year={year}"),
                    severity=severity,
                )
            )
    return gaps


def _population(today: date) -> list[DataGap]:
    figures = kecamatan_population(year=today.year)
    href = page_href("admin:population_population_changelist")
    who = _("Admin portal (angka dari BPS/Dukcapil)")
    if not figures:
        return [
            DataGap(
                code="population-missing",
                message=_("Jumlah penduduk belum dicatat: angka laporan per 1.000 penduduk tidak dapat dihitung."),
                who=who,
                href=href,
            )
        ]
    gaps = []
    names = dict(Kecamatan.objects.values_list("code", "name"))
    old = sorted((names.get(code, code), f.year) for code, f in figures.items() if f.year < today.year - 1)
    if old:
        gaps.append(
            DataGap(
                code="population-outdated",
                message=_("Jumlah penduduk sudah usang (lebih dari setahun sebelum %(year)s): %(list)s.")
                % {"year": today.year, "list": ", ".join(f"{name} ({year})" for name, year in old)},
                who=who,
                href=href,
            )
        )
    if any(DEMO_SOURCE in f.source for f in figures.values()):
        gaps.append(
            DataGap(
                code="population-demo",
                message=_("Jumlah penduduk yang dipakai adalah data demo, bukan angka resmi."),
                who=who,
                href=href,
                severity=DANGER,
            )
        )
    return gaps


def _agencies() -> list[DataGap]:
    names = [str(agency) for agency in agencies_unreachable()]
    if not names:
        return []
    return [
        DataGap(
            code="agencies-unreachable",
            message=ngettext(
                "Instansi ini tidak dapat diberi tahu tentang penugasan (tanpa e-mail dan tanpa akun): %(list)s.",
                "Instansi ini tidak dapat diberi tahu tentang penugasan (tanpa e-mail dan tanpa akun): %(list)s.",
                len(names),
            )
            % {"list": ", ".join(names)},
            who=_admin(),
            href=page_href("admin:incidents_agency_changelist"),
        )
    ]


def _decree(today: date) -> list[DataGap]:
    who = _("Bagian Pemerintahan")
    decree = current_decree(on=today)
    if decree is None:
        last = TeamDecree.objects.filter(valid_until__lt=today).order_by("-valid_until").first()
        if last is not None:
            message = _("SK Tim Efektif %(number)s berakhir pada %(date)s dan belum ada SK penggantinya.") % {
                "number": last.number,
                "date": _day(last.valid_until),
            }
            return [DataGap("team-decree-expired", message, who, page_href("admin:spm_teamdecree_add"), DANGER)]
        message = region.for_kind(
            _("SK Bupati tentang Tim Efektif penerapan SPM belum dicatat."),
            _("SK Wali Kota tentang Tim Efektif penerapan SPM belum dicatat."),
        )
        return [DataGap("team-decree-missing", message, who, page_href("admin:spm_teamdecree_add"), DANGER)]
    gaps = []
    href = page_href("admin:spm_teamdecree_change", args=[decree.pk])
    if decree.valid_until is not None and decree.valid_until <= today + timedelta(days=DECREE_NOTICE_DAYS):
        message = _("SK Tim Efektif %(number)s berakhir pada %(date)s: siapkan SK penggantinya.") % {
            "number": decree.number,
            "date": _day(decree.valid_until),
        }
        gaps.append(DataGap("team-decree-expiring", message, who, href))
    if decree.is_demo:
        message = _("SK Tim Efektif yang tercatat (%(number)s) adalah data demo.") % {"number": decree.number}
        gaps.append(DataGap("team-decree-demo", message, who, href, DANGER))
    return gaps


def _signatories() -> list[DataGap]:
    gaps = []
    href = page_href("admin:spm_signatory_changelist")
    for role, signatory in signatories().items():
        label = Signatory.Role(role).label
        if signatory is None:
            message = _("Penanda tangan “%(role)s” pada dokumen SPM belum dicatat.") % {"role": label}
            gaps.append(DataGap(f"signatory-missing-{role}", message, _admin(), href))
        elif signatory.is_demo:
            message = _("Penanda tangan “%(role)s” (%(name)s) adalah data demo.") % {
                "role": label,
                "name": signatory.name,
            }
            gaps.append(DataGap(f"signatory-demo-{role}", message, _admin(), href))
    return gaps
