"""Writes from the report page and the staff entry form: each goes through a
service, a stale version changes nothing, a role that may not gets 403."""

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import EventKind, Incident, IncidentEvent
from incidents.workflow.services import incident_assign, incident_transition
from tests.factories import DESA_NIBUNG, DESA_RUPIT

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def post_transition(client, incident, to, version=None, **extra):
    data = {f"t-{to}-to": to, f"t-{to}-version": incident.version if version is None else version}
    data.update({f"t-{to}-{k}": v for k, v in extra.items()})
    return client.post(reverse("desk:transition", args=[incident.pk]), data)


def messages_of(response):
    return " ".join(str(m) for m in response.context["messages"])


def test_verify_with_public_note(client, personas, make_incident):
    incident = make_incident()
    login(client, personas.officer_rupit)
    response = post_transition(client, incident, "diverifikasi", note="Tim menuju lokasi.", visibility="publik")
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "diverifikasi" and incident.version == 2
    event = incident.events.get(kind=EventKind.TRANSITION)
    assert event.public and event.note == "Tim menuju lokasi." and event.actor == personas.officer_rupit


def test_note_needs_an_explicit_public_or_internal_choice(client, personas, make_incident):
    incident = make_incident()
    login(client, personas.officer_rupit)
    response = post_transition(client, incident, "diverifikasi", note="Sudah dicek")
    assert response.status_code == 400
    assert "publik atau internal" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == "baru"
    response = client.post(reverse("desk:note", args=[incident.pk]), {"text": "Tanpa pilihan"})
    assert response.status_code == 400
    assert not incident.events.filter(kind=EventKind.NOTE).exists()
    response = client.post(
        reverse("desk:note", args=[incident.pk]), {"text": "Internal saja", "visibility": "internal"}
    )
    assert response.status_code == 302
    assert incident.events.get(kind=EventKind.NOTE).public is False


def test_stale_version_is_a_clear_conflict_and_changes_nothing(client, personas, make_incident):
    incident = make_incident()
    seen = incident.version
    # Another officer verifies first.
    incident_transition(incident=Incident.objects.get(pk=incident.pk), actor=personas.koordinator, to="diverifikasi")
    login(client, personas.officer_rupit)
    response = client.post(
        reverse("desk:update", args=[incident.pk]),
        {"version": seen, "category": "bencana-banjir", "desa": DESA_RUPIT, "priority": 4},
        follow=True,
    )
    assert "baru saja diubah oleh petugas lain" in messages_of(response)
    incident.refresh_from_db()
    assert incident.priority != 4 and incident.version == 2
    response = post_transition(client, incident, "ditangani", version=seen)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "diverifikasi"


def test_reject_is_koordinator_only_and_needs_reason(client, personas, make_incident):
    incident = make_incident()
    login(client, personas.officer_rupit)
    assert post_transition(client, incident, "ditolak", note="bukan wewenang", visibility="publik").status_code == 403
    client.logout()
    login(client, personas.koordinator)
    response = post_transition(client, incident, "ditolak")
    assert response.status_code == 400 and "Alasan penolakan wajib diisi" in response.content.decode()
    response = post_transition(client, incident, "ditolak", note="Di luar kewenangan kabupaten", visibility="publik")
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "ditolak"


def test_transition_not_reachable_says_what_is(client, personas, make_incident):
    incident = make_incident()
    login(client, personas.koordinator)
    response = post_transition(client, incident, "selesai", note="x", visibility="internal")
    response = client.get(response["Location"])
    assert "tidak dapat dilakukan sekarang" in messages_of(response)
    incident.refresh_from_db()
    assert incident.status == "baru"


def test_assign_then_handle_then_finish(client, personas, make_incident):
    incident = make_incident()
    login(client, personas.koordinator)
    post_transition(client, incident, "diverifikasi")
    incident.refresh_from_db()
    response = client.post(
        reverse("desk:assign", args=[incident.pk]),
        {"agency": "bpbd", "note": "Mohon dicek", "version": incident.version},
    )
    assert response.status_code == 302
    assert incident.assignments.get().agency.code == "bpbd"
    incident.refresh_from_db()
    assert post_transition(client, incident, "ditangani").status_code == 302
    incident.refresh_from_db()
    response = post_transition(client, incident, "selesai")
    assert response.status_code == 400  # resolution note required
    response = post_transition(client, incident, "selesai", note="Air surut, warga kembali.", visibility="publik")
    incident.refresh_from_db()
    assert incident.status == "selesai"


def test_assign_is_koordinator_only(client, personas, make_incident):
    incident = make_incident()
    for who in ("officer_rupit", "pimpinan", "tim_efektif"):
        client.logout()
        login(client, getattr(personas, who))
        response = client.post(reverse("desk:assign", args=[incident.pk]), {"agency": "bpbd", "version": 1})
        assert response.status_code == 403, who
    assert not incident.assignments.exists()


def test_mitra_finishes_its_part_but_cannot_change_status(client, personas, make_incident):
    incident = make_incident()
    incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi")
    assignment = incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    done_url = reverse("desk:assignment_done", args=[incident.pk, assignment.pk])
    login(client, personas.mitra_polres)
    assert client.post(done_url, {f"a-{assignment.pk}-note": "x"}).status_code == 404
    client.logout()
    login(client, personas.mitra_bpbd)
    body = client.get(reverse("desk:detail", args=[incident.pk])).content.decode()
    assert "Selesaikan tugas instansi" in body and "transition-form" not in body
    assert post_transition(client, incident, "ditangani").status_code == 403
    assert client.post(done_url, {f"a-{assignment.pk}-note": ""}).status_code == 400
    response = client.post(done_url, {f"a-{assignment.pk}-note": "Evakuasi selesai, 12 KK dipindahkan."})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.completed_by == personas.mitra_bpbd
    # A mitra's note is allowed.
    response = client.post(
        reverse("desk:note", args=[incident.pk]), {"text": "Update lapangan", "visibility": "internal"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["pimpinan", "tim_efektif"])
def test_read_only_roles_get_403_on_every_write(client, personas, make_incident, who):
    incident = make_incident(anonymous=True)
    login(client, getattr(personas, who))
    writes = [
        (
            reverse("desk:transition", args=[incident.pk]),
            {"t-diverifikasi-to": "diverifikasi", "t-diverifikasi-version": 1},
        ),
        (reverse("desk:assign", args=[incident.pk]), {"agency": "bpbd", "version": 1}),
        (reverse("desk:note", args=[incident.pk]), {"text": "x", "visibility": "internal"}),
        (reverse("desk:update", args=[incident.pk]), {"version": 1, "priority": 4}),
        (reverse("desk:arrival", args=[incident.pk]), {"version": 1, "arrived_at": "2026-11-27T10:00"}),
        (reverse("desk:reveal_identity", args=[incident.pk]), {}),
        (reverse("desk:create"), {}),
    ]
    for path, data in writes:
        assert client.post(path, data).status_code == 403, path
    assert client.get(reverse("desk:create")).status_code == 403
    incident.refresh_from_db()
    assert incident.version == 1 and incident.status == "baru"
    assert IncidentEvent.objects.filter(incident=incident).count() == 1


def test_writes_outside_the_area_are_404(client, personas, make_incident):
    incident = make_incident(desa=DESA_NIBUNG)
    login(client, personas.officer_rupit)
    assert post_transition(client, incident, "diverifikasi").status_code == 404
    assert (
        client.post(reverse("desk:note", args=[incident.pk]), {"text": "x", "visibility": "internal"}).status_code
        == 404
    )
    assert client.post(reverse("desk:update", args=[incident.pk]), {"version": 1}).status_code == 404


def test_get_on_a_write_url_is_405(client, personas, make_incident):
    incident = make_incident()
    login(client, personas.officer_rupit)
    assert client.get(reverse("desk:transition", args=[incident.pk])).status_code == 405


def test_triage_edit(client, personas, make_incident):
    incident = make_incident(category="ketertiban-umum")
    login(client, personas.officer_rupit)
    data = {
        "version": incident.version,
        "category": "ketertiban-umum",
        "desa": "16.13.01.2001",
        "priority": 3,
        "title": "PKL di bahu jalan",
        "location_detail": "Depan pasar",
        "d_ketertiban-umum_jenis_gangguan": "pelanggaran-perda",
        "d_ketertiban-umum_warga_terdampak": "40",
        "spm_must_serve": 40,
        "spm_served": 25,
    }
    response = client.post(reverse("desk:update", args=[incident.pk]), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.priority, incident.desa_id, incident.title, incident.spm_must_serve, incident.spm_served) == (
        3,
        "16.13.01.2001",
        "PKL di bahu jalan",
        40,
        25,
    )
    assert incident.details["warga_terdampak"] == 40
    assert incident.events.filter(kind=EventKind.EDIT).exists()
    # served > must is refused with a message and nothing changes.
    data.update(version=incident.version, spm_served=99)
    response = client.post(reverse("desk:update", args=[incident.pk]), data)
    assert response.status_code == 400 and "tidak boleh melebihi" in response.content.decode()
    incident.refresh_from_db()
    assert incident.spm_served == 25


def test_fire_arrival_time(client, personas, make_incident):
    incident = make_incident(category="kebakaran-permukiman", reported_at=timezone.now() - timezone.timedelta(hours=1))
    incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi")
    incident_assign(incident=incident, actor=personas.koordinator, agency="damkar")
    incident.refresh_from_db()
    login(client, personas.koordinator)
    arrived = timezone.localtime(incident.reported_at + timezone.timedelta(minutes=12)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "version": incident.version,
        "category": incident.category.code,
        "desa": incident.desa_id,
        "priority": incident.priority,
        "d_kebakaran-permukiman_jumlah_bangunan": "1",
        "arrived_at": arrived,
    }
    assert client.post(reverse("desk:update", args=[incident.pk]), data).status_code == 302
    incident.refresh_from_db()
    assert timezone.localtime(incident.arrived_at).strftime("%Y-%m-%dT%H:%M") == arrived


def test_staff_enter_a_phoned_in_report(client, personas):
    login(client, personas.officer_rupit)
    assert client.get(reverse("desk:create")).status_code == 200
    when = timezone.localtime() - timezone.timedelta(minutes=30)
    data = {
        "channel": "telepon",
        "reported_at": when.strftime("%Y-%m-%dT%H:%M"),
        "category": "kebakaran-permukiman",
        "description": "Rumah warga terbakar di dekat pasar.",
        "kecamatan": "16.13.01",
        "desa": DESA_RUPIT,
        "reporter_name": "Pak Darto",
        "reporter_phone": "081300000000",
        "consent": "on",
        "d_kebakaran-permukiman_jumlah_bangunan": "2",
    }
    response = client.post(reverse("desk:create"), data)
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert response["Location"] == reverse("desk:detail", args=[incident.pk])
    assert incident.channel == "telepon" and incident.created_by == personas.officer_rupit
    assert incident.details["jumlah_bangunan"] == 2
    assert abs((incident.reported_at - when).total_seconds()) < 60


def test_staff_entry_errors_are_shown_and_nothing_is_saved(client, personas):
    login(client, personas.officer_rupit)
    future = (timezone.localtime() + timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "channel": "datang",
        "reported_at": future,
        "category": "kebakaran-permukiman",
        "description": "x",
        "kecamatan": "16.13.03",
        "desa": DESA_RUPIT,
        "consent": "on",
    }
    response = client.post(reverse("desk:create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "masa depan" in body or "tidak berada di kecamatan" in body
    assert not Incident.objects.exists()


@pytest.mark.parametrize("who", ["mitra_bpbd", "pimpinan", "tim_efektif"])
def test_staff_entry_forbidden_for(client, personas, who):
    login(client, getattr(personas, who))
    assert client.get(reverse("desk:create")).status_code == 403
