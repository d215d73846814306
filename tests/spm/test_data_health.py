"""Data that warns before it ages: every gap appears while the data is
missing and disappears once it is entered; the system check lists them as
warnings only when asked for the database; the block shows to the Tim Efektif
and the admin, never to readers or officers."""

from datetime import date, timedelta

import pytest
from django.core import checks
from django.core.management import call_command

from incidents.models import Agency, Holiday
from incidents.workflow.holidays import holiday_save
from spm import services
from spm.checks import check_id
from spm.data_health import DANGER, data_gaps
from spm.models import Signatory, TeamDecree
from spm.population.models import DEMO_SOURCE
from spm.population.services import population_save
from tests.factories import RUPIT

DEC_5 = date(2026, 12, 5)
OCT_31 = date(2026, 10, 31)


def codes(today=DEC_5):
    return {gap.code for gap in data_gaps(today=today)}


def gap(code, today=DEC_5):
    return next(g for g in data_gaps(today=today) if g.code == code)


@pytest.mark.django_db
def test_an_empty_portal_lists_every_gap():
    gaps = data_gaps(today=DEC_5)
    assert {g.code for g in gaps} == {
        "holidays-missing-this-year",
        "holidays-missing-next-year",
        "targets-missing-this-year-info-bencana",
        "targets-missing-this-year-siaga-bencana",
        "targets-missing-next-year-info-bencana",
        "targets-missing-next-year-siaga-bencana",
        "population-missing",
        "agencies-unreachable",
        "team-decree-missing",
        "signatory-missing-prepared",
        "signatory-missing-approved",
    }
    # The most urgent first; each says who acts and (here) where.
    assert gaps[0].severity == DANGER and all(g.severity in ("warning", "danger") for g in gaps)
    assert all(g.message and g.who and g.href.startswith("/") for g in gaps)
    assert gap("targets-missing-this-year-info-bencana").who == "Tim Efektif"
    assert gap("targets-missing-this-year-info-bencana").href == "/dasbor/sasaran/?year=2026"
    assert gap("team-decree-missing").who == "Bagian Pemerintahan"


@pytest.mark.django_db
def test_holidays_of_this_year_and_from_november_of_the_next(personas):
    assert "holidays-missing-next-year" not in codes(OCT_31)
    assert "holidays-missing-next-year" in codes(date(2026, 11, 1))
    holiday_save(actor=personas.admin, day=date(2026, 12, 25), name="Hari Raya Natal")
    assert "holidays-missing-this-year" not in codes()
    assert "holidays-missing-next-year" in codes()
    holiday_save(actor=personas.admin, day=date(2027, 1, 1), name="Tahun Baru Masehi")
    assert not {"holidays-missing-this-year", "holidays-missing-next-year"} & codes()
    # A holiday of a past year does not count for this one.
    Holiday.objects.all().delete()
    Holiday.objects.create(date=date(2025, 12, 25), name="Hari Raya Natal")
    assert "holidays-missing-this-year" in codes()


@pytest.mark.django_db
def test_targets_per_activity_service(personas):
    tim = personas.tim_efektif
    assert "targets-missing-next-year-info-bencana" not in codes(OCT_31)
    services.target_save(actor=tim, service="info-bencana", year=2026, kecamatan=RUPIT, value=1000)
    assert "targets-missing-this-year-info-bencana" not in codes()
    assert "targets-missing-this-year-siaga-bencana" in codes()
    services.target_save(actor=tim, service="siaga-bencana", year=2026, kecamatan=None, value=500)
    services.target_save(actor=tim, service="info-bencana", year=2027, kecamatan=None, value=900)
    services.target_save(actor=tim, service="siaga-bencana", year=2027, kecamatan=None, value=600)
    assert not any(code.startswith("targets-") for code in codes())


@pytest.mark.django_db
def test_population_missing_outdated_and_demo(personas):
    assert "population-missing" in codes()
    population_save(actor=personas.admin, code=RUPIT, year=2024, value=42000, source="BPS")
    assert "population-missing" not in codes()
    assert "Rupit (2024)" in gap("population-outdated").message
    population_save(actor=personas.admin, code=RUPIT, year=2025, value=42500, source="BPS")
    assert "population-outdated" not in codes()  # last year's figure is the usual case
    population_save(actor=personas.admin, code=RUPIT, year=2026, value=43000, source=DEMO_SOURCE)
    assert "population-demo" in codes()
    population_save(actor=personas.admin, code=RUPIT, year=2026, value=43000, source="Dukcapil semester I 2026")
    assert not any(code.startswith("population-") for code in codes())


@pytest.mark.django_db
def test_agencies_that_cannot_be_notified_are_named(personas):
    message = gap("agencies-unreachable").message
    assert "TNI" in message and "Damkar" in message
    assert "BPBD" not in message and "Polres" not in message  # the personas have accounts there
    Agency.objects.exclude(code="tni").update(email="kantor@example.test")
    assert gap("agencies-unreachable").message.endswith(": TNI.")
    Agency.objects.filter(code="tni").update(active=False)
    assert "agencies-unreachable" not in codes()


@pytest.mark.django_db
def test_team_decree_missing_expiring_expired_and_demo():
    decree = TeamDecree.objects.create(
        number="188.45/77/KPTS/2025",
        title="Pembentukan Tim Efektif Penerapan SPM Trantibumlinmas",
        signed_on=date(2025, 1, 2),
        valid_from=date(2025, 1, 2),
    )
    assert not any(code.startswith("team-decree") for code in codes())
    decree.valid_until = DEC_5 + timedelta(days=60)
    decree.save()
    assert "188.45/77/KPTS/2025" in gap("team-decree-expiring").message
    decree.valid_until = DEC_5 + timedelta(days=61)
    decree.save()
    assert "team-decree-expiring" not in codes()
    decree.valid_until = DEC_5 - timedelta(days=1)
    decree.save()
    assert "4 Desember 2026" in gap("team-decree-expired").message
    assert gap("team-decree-expired").severity == DANGER
    decree.valid_until = None
    decree.title += " (data demo)"
    decree.save()
    assert {c for c in codes() if c.startswith("team-decree")} == {"team-decree-demo"}


@pytest.mark.django_db
def test_signatories_missing_and_demo():
    Signatory.objects.create(role="prepared", name="Hendra Saputra", position="Kepala Bidang Tibum", nip="")
    assert "signatory-missing-prepared" not in codes() and "signatory-missing-approved" in codes()
    Signatory.objects.create(role="approved", name="Contoh Penyetuju", position="Asisten I")
    assert {"signatory-demo-approved"} == {c for c in codes() if c.startswith("signatory")}


# --- the system check ------------------------------------------------------------------------


@pytest.mark.django_db
def test_check_lists_gaps_as_warnings_only_when_asked_for_the_database(capsys):
    issues = [i for i in checks.run_checks(databases=["default"]) if i.id.startswith("spm.")]
    assert issues and all(i.level == checks.WARNING for i in issues)
    assert {i.id for i in issues} >= {"spm.W001", "spm.W003", "spm.W009"}
    assert not any(i.id.startswith("spm.") for i in checks.run_checks())
    # Plain `check` (and `check --deploy` in tests/kitaaman/test_settings.py) stays quiet about data.
    call_command("check")
    assert "no issues" in capsys.readouterr().out


def test_check_ids_are_stable_per_family():
    assert check_id("holidays-missing-this-year") == "spm.W001"
    assert check_id("targets-missing-next-year-siaga-bencana") == "spm.W004"
    assert check_id("signatory-missing-approved") == "spm.W013"


# --- who sees the block ---------------------------------------------------------------------


BLOCK = 'data-testid="data-gaps"'


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["tim_efektif", "admin"])
def test_tim_efektif_and_admin_see_the_gaps_on_the_dashboard(client, personas, who):
    client.force_login(getattr(personas, who))
    body = client.get("/dasbor/").content.decode()
    assert BLOCK in body and 'data-gap="team-decree-missing"' in body


@pytest.mark.django_db
def test_asisten_sees_the_dashboard_without_the_gaps(client, personas):
    client.force_login(personas.pimpinan)
    response = client.get("/dasbor/")
    assert response.status_code == 200 and BLOCK not in response.content.decode()


@pytest.mark.django_db
def test_the_block_goes_once_the_data_is_complete(client, personas, monkeypatch):
    monkeypatch.setattr("spm.views.dashboard.data_gaps", lambda: [])
    client.force_login(personas.tim_efektif)
    assert BLOCK not in client.get("/dasbor/").content.decode()


@pytest.mark.django_db
def test_admin_sees_the_gaps_on_the_admin_index(client, personas):
    client.force_login(personas.admin)
    response = client.get("/admin/")
    body = response.content.decode()
    assert response.status_code == 200 and BLOCK in body
    assert 'href="/admin/spm/teamdecree/add/"' in body
    assert "Bagian Pemerintahan" in body


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer_rupit", "koordinator", "mitra_bpbd"])
def test_officers_never_see_the_gaps(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get("/dasbor/").status_code == 403
    landing = client.get("/petugas/")
    assert landing.status_code == 200 and BLOCK not in landing.content.decode()
    admin = client.get("/admin/")
    assert BLOCK not in admin.content.decode()


@pytest.mark.django_db
def test_messages_are_translated_when_asked_for():
    from django.utils import translation

    with translation.override("en"):
        english = gap("team-decree-missing")
    assert english.message == "The Regent's decree forming the SPM Tim Efektif is not recorded."
    assert gap("team-decree-missing").message.startswith("SK Bupati")
