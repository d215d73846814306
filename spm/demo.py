"""Synthetic SPM data for a demo, so a newcomer's first /dasbor/ and
/ringkasan/ are full: targets and activities of the two activity-based
services, quarterly quality checklists, the action plan under way, population
per kecamatan and desa, and last week's, last month's and last quarter's
summaries.

Everything here is fictional. Population figures are written with the source
"data demo", the SK Tim Efektif says "(data demo)" in its title and the two
signatories are named "Contoh ...": spm/data_health.py lists each of them as
a gap until real data replaces it. No holidays are made up: the demo shows the
"hari libur belum dicatat" warning instead, which is what a new portal needs. Runs after
incidents' seed_demo (`python manage.py seed_spm_demo`), which made the demo
users and the reports the summaries count.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from incidents.models import Desa, Kecamatan
from kitaaman import region

from . import services
from .decree import DEMO_MARK
from .models import Activity, Milestone, QualityItem, Service, Signatory, Target, TeamDecree
from .population.models import DEMO_SOURCE, Population
from .population.services import population_import
from .summaries.models import Kind
from .summaries.periods import previous_period
from .summaries.services import summary_generate

# Plausible, not official: residents per kecamatan by its number in the
# region (the last segment of its code), about 200.000 in seven kecamatan.
DEMO_POPULATION = {
    "01": 42_000,
    "02": 30_500,
    "03": 27_000,
    "04": 33_000,
    "05": 17_500,
    "06": 37_000,
    "07": 13_500,
}
OTHER_KECAMATAN_POPULATION = 25_000


def demo_population_by_kecamatan() -> dict[str, int]:
    """{kecamatan code: residents} for the kecamatan the region offers."""
    codes = Kecamatan.objects.offered().order_by("code").values_list("code", flat=True)
    return {code: DEMO_POPULATION.get(code.rsplit(".", 1)[-1], OTHER_KECAMATAN_POPULATION) for code in codes}


# Share of residents living in flood, landslide or fire-prone areas, per service.
AT_RISK_SHARE = {"info-bencana": 0.30, "siaga-bencana": 0.18}
ACTIVITY_TEXT = {
    "info-bencana": [
        ("kie", "banjir", "Sosialisasi peta rawan banjir di balai desa"),
        ("kie", "tanah-longsor", "Penyuluhan tanda-tanda tanah longsor bagi warga lereng"),
        ("kie", "karhutla", "Kampanye cegah karhutla bersama Manggala Agni"),
    ],
    "siaga-bencana": [
        ("gladi", "banjir", "Gladi evakuasi banjir tingkat desa"),
        ("kontinjensi", "banjir", "Penyusunan rencana kontinjensi banjir desa"),
        ("gladi", "karhutla", "Simulasi pemadaman awal kebakaran lahan"),
    ],
}
# (code, status, due in months from now, completed months ago)
MILESTONE_PLAN = [
    ("sk-bupati", Milestone.State.SELESAI, -14, 13),
    ("mou-lintas-sektor", Milestone.State.SELESAI, -8, 8),
    ("surat-anggaran", Milestone.State.PROSES, 2, None),
    ("tim-efektif", Milestone.State.SELESAI, -18, 17),
    ("latihan-satpol-tni", Milestone.State.PROSES, -1, None),
    ("fgd", Milestone.State.BELUM, 3, None),
]


@dataclass
class SpmDemoStats:
    targets: int = 0
    activities: int = 0
    assessments: int = 0
    population: int = 0
    summaries: int = 0
    signatories: int = 0


def _months_ago(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, min(today.day, 28))


def demo_population(rng: random.Random) -> list[dict]:
    """Kecamatan figures and their desa, split by fixed random weights that add up."""
    rows = []
    year = timezone.localdate().year
    for code, total in demo_population_by_kecamatan().items():
        rows.append({"code": code, "value": total, "year": year, "source": DEMO_SOURCE})
        desa = list(Desa.objects.offered().filter(kecamatan_id=code).order_by("code").values_list("code", flat=True))
        weights = [rng.uniform(0.5, 1.8) for _ in desa]
        left = total
        for i, (desa_code, weight) in enumerate(zip(desa, weights, strict=True)):
            value = left if i == len(desa) - 1 else round(total * weight / sum(weights))
            left -= value
            rows.append({"code": desa_code, "value": value, "year": year, "source": DEMO_SOURCE})
    return rows


def _targets(actor, today: date) -> int:
    n = 0
    for year in (today.year - 1, today.year):
        for service, share in AT_RISK_SHARE.items():
            for code, population in demo_population_by_kecamatan().items():
                services.target_save(
                    actor=actor,
                    service=service,
                    year=year,
                    kecamatan=code,
                    value=round(population * share, -2),
                    note="Sasaran demo dari kajian risiko (fiktif)",
                )
                n += 1
    return n


def _activities(actor, rng: random.Random, today: date) -> int:
    """About the year's target reached by December, unevenly over the months."""
    by_code = {s.code: s for s in Service.objects.filter(code__in=AT_RISK_SHARE)}
    population_of = demo_population_by_kecamatan()
    desa_by_kec = {}
    for code, kec in Desa.objects.offered().values_list("code", "kecamatan_id"):
        desa_by_kec.setdefault(kec, []).append(code)
    rows = []
    start = _months_ago(today, 23).replace(day=1)
    month = start
    while month <= today:
        for service, share in AT_RISK_SHARE.items():
            for kec, population in population_of.items():
                monthly = population * share / 12 * rng.uniform(0.55, 1.35)
                for _ in range(rng.choice((1, 1, 2))):
                    day = month + timedelta(days=rng.randrange(0, 27))
                    if day > today:
                        continue
                    kind, hazard, text = rng.choice(ACTIVITY_TEXT[service])
                    rows.append(
                        Activity(
                            service=by_code[service],
                            date=day,
                            desa_id=rng.choice(desa_by_kec[kec]),
                            kecamatan_id=kec,
                            hazard=hazard,
                            kind=kind,
                            people_reached=max(10, round(monthly * rng.uniform(0.6, 0.9))),
                            description=text,
                            created_by=actor,
                        )
                    )
        month = (month + timedelta(days=32)).replace(day=1)
    # Bulk: hundreds of rows of fiction need no audit trail of their own.
    Activity.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _assessments(actor, rng: random.Random, today: date) -> int:
    """Each service's checklist for the last eight quarters, more items met as time goes on."""
    n = 0
    current = (today.year, (today.month - 1) // 3 + 1)
    quarters = []
    year, quarter = current
    for _ in range(8):
        quarters.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    for age, (year, quarter) in enumerate(reversed(quarters)):
        for service in Service.objects.all():
            items = list(QualityItem.objects.filter(service=service, active=True))
            chance = 0.4 + 0.05 * age
            checks = {
                i.pk: {"met": rng.random() < chance, "note": "Dokumen tersedia" if rng.random() < 0.5 else ""}
                for i in items
            }
            services.assessment_save(
                actor=actor,
                service=service,
                year=year,
                quarter=quarter,
                checks=checks,
                stage_data="Data sasaran dari kajian risiko dan laporan warga.",
                problems="Sarana belum merata di kecamatan terjauh." if rng.random() < 0.5 else "",
                follow_up="Usulan anggaran perubahan." if rng.random() < 0.5 else "",
            )
            n += 1
    return n


def _milestones(actor, today: date) -> None:
    for code, status, due_in, done_ago in MILESTONE_PLAN:
        milestone = Milestone.objects.filter(code=code).first()
        if milestone is None:
            continue
        services.milestone_update(
            actor=actor,
            milestone=milestone,
            status=status,
            owner=milestone.owner,
            due_date=_months_ago(today, -due_in),
            completed_on=_months_ago(today, done_ago) if done_ago is not None else None,
            evidence_note="Dokumen demo" if status == Milestone.State.SELESAI else "",
        )


def _decree_and_signatories(today: date) -> int:
    """A plausible SK (in force since January of last year, until revoked) and a
    signatory for each role still without one; returns how many signatories."""
    year = today.year - 1
    TeamDecree.objects.get_or_create(
        number=f"188.45/123/KPTS/{year}",
        defaults={
            "title": "Pembentukan Tim Efektif Penerapan Standar Pelayanan Minimal Sub-Urusan Trantibumlinmas "
            f"{region.current().official_name} ({DEMO_MARK})",
            "signed_on": date(year, 1, 2),
            "valid_from": date(year, 1, 2),
        },
    )
    people = {
        Signatory.Role.PREPARED: ("Contoh Penyusun", f"Kepala Bidang Ketenteraman dan Ketertiban Umum ({DEMO_MARK})"),
        Signatory.Role.APPROVED: ("Contoh Penyetuju", f"Asisten Pemerintahan dan Kesejahteraan Rakyat ({DEMO_MARK})"),
    }
    n = 0
    for role, (name, position) in people.items():
        # No NIP: a made-up one could be a real civil servant's.
        if not Signatory.objects.filter(role=role, active=True).exists():
            Signatory.objects.create(role=role, name=name, position=position, nip="")
            n += 1
    return n


def _summaries(today: date) -> int:
    periods = [previous_period(kind, today) for kind in (Kind.WEEKLY, Kind.MONTHLY, Kind.QUARTERLY)]
    for period in periods:
        summary_generate(period_key=period.key)
    return len(periods)


def spm_demo_exists() -> bool:
    return Activity.objects.exists() or Target.objects.exists() or Population.objects.exists()


def seed_spm_demo(*, seed: int | None = None) -> SpmDemoStats:
    rng = random.Random(seed)
    today = timezone.localdate()
    if not Kecamatan.objects.exists():
        raise RuntimeError("Wilayah belum ada: jalankan migrate lebih dulu.")
    actor = get_user_model().objects.filter(username="tim_efektif").first()
    if actor is None:
        raise RuntimeError("Akun demo tim_efektif belum ada: jalankan seed_demo lebih dulu.")
    stats = SpmDemoStats()
    with transaction.atomic():
        stats.population = population_import(actor=None, rows=demo_population(rng))["rows"]
        stats.targets = _targets(actor, today)
        stats.activities = _activities(actor, rng, today)
        stats.assessments = _assessments(actor, rng, today)
        _milestones(actor, today)
        stats.signatories = _decree_and_signatories(today)
    # After the data: the summaries count it, each in its own transaction.
    stats.summaries = _summaries(today)
    return stats
