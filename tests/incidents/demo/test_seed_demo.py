"""seed_demo: realistic, internally consistent synthetic reports, and the demo logins."""

import io
import re
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.utils import timezone

from incidents.demo.generator import DEMO_PASSWORD, DEMO_USERS
from incidents.models import Assignment, Category, Incident, IncidentEvent, Status
from incidents.workflow.sla import WIB
from tests.factories import make_incident

pytestmark = pytest.mark.django_db

CODE = re.compile(r"KA-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}")
ORDER = ["baru", "diverifikasi", "ditangani", "selesai"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One run of 1,500 reports shared by the read-only checks below."""
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("seed_demo", reports=1500, seed=11, stdout=out)
        yield out.getvalue()
        # Duplicates first lose their link, or deleting the originals would break their check constraint.
        Incident.objects.filter(status=Status.DUPLIKAT).update(status=Status.DITOLAK, duplicate_of=None)
        Assignment.objects.all().delete()
        IncidentEvent.objects.all().delete()
        Incident.objects.all().delete()
        # The aggregates were built from these reports outside any test transaction: rebuild them empty.
        if "rebuild_stats" in get_commands():
            call_command("rebuild_stats", stdout=io.StringIO())


def test_prints_one_login_per_role_that_works(seeded, settings):
    # The accounts were made by the module fixture, outside the tests' fast MD5-only hasher setting.
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for username, role, *_ in DEMO_USERS:
        assert re.search(rf"^\s+{username}\s+{role}\s+{re.escape(DEMO_PASSWORD)}$", seeded, re.M), username
        assert get_user_model().objects.get(username=username).check_password(DEMO_PASSWORD), username


def test_reports_are_spread_over_time_territory_and_categories(seeded):
    now = timezone.now()
    reports = list(Incident.objects.values("created_at", "desa_id", "category__code", "status", "priority"))
    assert len(reports) == 1500
    assert all(now - timedelta(days=740) <= r["created_at"] <= now for r in reports)
    months = {(r["created_at"].astimezone(WIB).year, r["created_at"].astimezone(WIB).month) for r in reports}
    assert len(months) >= 24
    assert len({r["desa_id"] for r in reports}) >= 75
    categories = Counter(r["category__code"] for r in reports)
    assert len(categories) >= 9
    statuses = Counter(r["status"] for r in reports)
    assert set(statuses) == set(Status.values)
    assert len({r["priority"] for r in reports}) >= 3


def test_karhutla_comes_in_the_dry_season(seeded):
    months = [i.created_at.astimezone(WIB).month for i in Incident.objects.filter(category__code="bencana-karhutla")]
    assert months
    dry = sum(1 for m in months if 7 <= m <= 10)
    assert dry / len(months) > 0.75


def test_descriptions_are_indonesian_and_companies_fictional(seeded):
    conflict = Incident.objects.filter(category__code="konflik-perusahaan").first()
    assert "PT " in conflict.description
    assert conflict.details["perusahaan"].startswith("PT ")
    flood = Incident.objects.filter(category__code="bencana-banjir").first()
    assert "Sungai" in flood.description or "Banjir" in flood.description or "banjir" in flood.description.lower()


def test_every_report_is_consistent_with_its_events(seeded):
    events = {}
    for e in IncidentEvent.objects.order_by("created_at", "id"):
        events.setdefault(e.incident_id, []).append(e)
    assignments = Counter(Assignment.objects.values_list("incident_id", flat=True))
    for incident in Incident.objects.select_related("category"):
        assert CODE.fullmatch(incident.tracking_code)
        rows = events[incident.pk]
        assert rows[0].kind == "created" and rows[0].public and rows[0].created_at == incident.created_at
        transitions = [e for e in rows if e.kind == "transition"]
        last = transitions[-1].to_status if transitions else "baru"
        assert last == incident.status, incident.tracking_code
        for e in transitions:
            assert e.public and e.note
        for a, b in zip(rows, rows[1:], strict=False):
            assert a.created_at <= b.created_at
        if incident.status in ("ditangani", "selesai"):
            assert assignments[incident.pk] >= 1
            assert incident.verified_at <= incident.handled_at
        if incident.status == "selesai":
            assert incident.handled_at <= incident.resolved_at == incident.closed_at
            assert incident.due_at is None
        if incident.status == "baru":
            assert incident.due_at == incident.verify_due_at and incident.verified_at is None
        if incident.status in ("diverifikasi", "ditangani"):
            assert incident.due_at == incident.followup_due_at > incident.verified_at
        if incident.status == "duplikat":
            assert incident.duplicate_of_id and incident.duplicate_of.created_at <= incident.created_at
        if incident.status in ("ditolak", "duplikat"):
            assert incident.closed_at and incident.due_at is None
        assert incident.verify_due_at > incident.reported_at
        assert incident.updated_at == rows[-1].created_at


def test_fires_have_arrival_times_mostly_within_fifteen_minutes(seeded):
    fires = Incident.objects.filter(category__code="kebakaran-permukiman", arrived_at__isnull=False)
    minutes = [(f.arrived_at - f.reported_at).total_seconds() / 60 for f in fires]
    assert len(minutes) >= 20
    within = sum(1 for m in minutes if m <= 15) / len(minutes)
    assert 0.6 < within < 0.95  # mostly on time, some not


def test_spm_counts_only_for_categories_feeding_a_service(seeded):
    spm_codes = set(Category.objects.exclude(spm_service="").values_list("code", flat=True))
    for incident in Incident.objects.select_related("category").filter(status__in=["ditangani", "selesai"]):
        if incident.category.code in spm_codes:
            assert incident.spm_must_serve >= 1
            assert 0 <= incident.spm_served <= incident.spm_must_serve
        else:
            assert incident.spm_must_serve is None


def test_details_answer_the_category_questions(seeded):
    from incidents.report_content import validate_details

    for incident in Incident.objects.select_related("category")[:400]:
        assert validate_details(incident.category, incident.details) == incident.details


def test_new_reports_still_get_fresh_ids_after_the_bulk_insert(seeded):
    incident = make_incident()
    assert incident.pk > Incident.objects.exclude(pk=incident.pk).order_by("-pk").first().pk
    incident.delete()


def test_if_empty_does_nothing_when_reports_exist(db):
    make_incident()
    before = Incident.objects.count()
    out = io.StringIO()
    call_command("seed_demo", reports=50, if_empty=True, stdout=out)
    assert Incident.objects.count() == before
    assert "admin" in out.getvalue() and DEMO_PASSWORD in out.getvalue()


def test_calls_rebuild_stats_when_that_command_exists(db, monkeypatch):
    from incidents.management.commands import seed_demo

    calls = []
    real_call = seed_demo.call_command
    monkeypatch.setattr(seed_demo, "get_commands", lambda: {"rebuild_stats": "spm"})
    monkeypatch.setattr(
        seed_demo,
        "call_command",
        lambda name, **kw: calls.append(name) if name == "rebuild_stats" else real_call(name, **kw),
    )
    before = Incident.objects.count()
    call_command("seed_demo", reports=5, seed=1, stdout=io.StringIO())
    assert calls == ["rebuild_stats"]
    assert Incident.objects.count() == before + 5


def test_seeded_reports_show_no_identity_on_the_public_map(seeded, client):
    raw = client.get("/api/v1/reports/public.geojson", {"since": "2000-01-01"}).content  # the whole history
    assert raw.count(b'"Feature"') > 100
    identities = Incident.objects.exclude(reporter_phone="").values_list("reporter_name", "reporter_phone")[:200]
    for name, phone in identities:
        assert phone.encode() not in raw
        if " " in name:
            assert name.encode() not in raw


def test_bulk_writer_keeps_awkward_text_and_json_intact(db, make_incident):
    # On PostgreSQL this goes through COPY, whose text format needs escaping.
    from incidents.demo.writer import write_rows

    incident = make_incident()
    note = "tab\there\nbaris baru\\garis miring\r dan ünïcödé ✓ 'kutip' \"ganda\" \\N"
    data = {"teks": note, "angka": 1.5, "daftar": [None, True, "a\tb"]}
    write_rows(
        IncidentEvent,
        [
            {
                "id": 10**9,
                "incident_id": incident.pk,
                "kind": "note",
                "actor_id": None,
                "actor_label": "",
                "created_at": timezone.now(),
                "from_status": "",
                "to_status": "",
                "note": note,
                "public": False,
                "data": data,
            }
        ],
    )
    event = IncidentEvent.objects.get(pk=10**9)
    assert event.note == note
    assert event.data == data
    assert event.public is False and event.actor_id is None
