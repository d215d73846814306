"""The report page (/petugas/laporan/<id>/): access, identity, photos, map, timeline, duplicates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from incidents.models import AuditLog
from incidents.workflow.services import incident_assign, incident_note_add, incident_transition
from tests.factories import DESA_NIBUNG

pytestmark = pytest.mark.django_db


def url(incident):
    return reverse("desk:detail", args=[incident.pk])


def login(client, user):
    client.force_login(user)
    return client


def jpeg():
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, format="JPEG")
    return SimpleUploadedFile("foto.jpg", buf.getvalue(), content_type="image/jpeg")


def test_anonymous_goes_to_login(client, make_incident):
    incident = make_incident()
    response = client.get(url(incident))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "who,status",
    [
        ("officer_rupit", 200),
        ("officer_nibung", 404),
        ("koordinator", 200),
        ("pimpinan", 200),
        ("tim_efektif", 200),
        ("mitra_bpbd", 404),
        ("mitra_polres", 404),
    ],
)
def test_who_may_open_a_rupit_report(client, personas, make_incident, who, status):
    incident = make_incident()
    assert login(client, getattr(personas, who)).get(url(incident)).status_code == status


def test_mitra_opens_an_assigned_report_without_reporter_contact(client, personas, make_incident):
    incident = make_incident()
    incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    body = login(client, personas.mitra_bpbd).get(url(incident)).content.decode()
    assert incident.tracking_code in body
    assert "Siti Aminah" not in body and "081234567890" not in body and "siti@example.test" not in body
    assert "Identitas pelapor tidak ditampilkan" in body


def test_unknown_or_silly_ids_are_404(client, personas):
    login(client, personas.koordinator)
    assert client.get("/petugas/laporan/999999/").status_code == 404
    assert client.get("/petugas/laporan/99999999999999999999999/").status_code == 404


def test_officer_sees_identity_of_a_named_report(client, personas, make_incident):
    incident = make_incident()
    body = login(client, personas.officer_rupit).get(url(incident)).content.decode()
    assert "Siti Aminah" in body and "081234567890" in body
    assert not AuditLog.objects.filter(action="incident.identity_viewed").exists()


def test_anonymous_report_identity_only_for_koordinator_and_audited(client, personas, make_incident):
    incident = make_incident(anonymous=True)
    body = login(client, personas.officer_rupit).get(url(incident)).content.decode()
    assert "Siti Aminah" not in body and "Tampilkan identitas pelapor" not in body
    reveal = reverse("desk:reveal_identity", args=[incident.pk])
    assert client.post(reveal).status_code == 403
    client.logout()
    login(client, personas.koordinator)
    body = client.get(url(incident)).content.decode()
    assert "Siti Aminah" not in body and "Tampilkan identitas pelapor" in body
    assert not AuditLog.objects.filter(action="incident.identity_viewed").exists()
    response = client.post(reveal)
    assert response.status_code == 200
    assert "Siti Aminah" in response.content.decode()
    entry = AuditLog.objects.get(action="incident.identity_viewed")
    assert entry.actor == personas.koordinator and entry.incident_id == incident.pk
    # Viewing the page again hides it again.
    assert "Siti Aminah" not in client.get(url(incident)).content.decode()


def test_reveal_outside_area_is_404(client, personas, make_incident):
    incident = make_incident(desa=DESA_NIBUNG, anonymous=True)
    login(client, personas.officer_rupit)
    assert client.post(reverse("desk:reveal_identity", args=[incident.pk])).status_code == 404


def test_photos_are_served_through_an_access_checked_view(client, personas, make_incident):
    incident = make_incident(photos=[jpeg()])
    photo = incident.photos.get()
    login(client, personas.officer_rupit)
    body = client.get(url(incident)).content.decode()
    full = reverse("desk:photo", args=[incident.pk, photo.pk])
    thumb = reverse("desk:photo_thumb", args=[incident.pk, photo.pk])
    assert full in body and thumb in body and "/media/" not in body
    response = client.get(full)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert client.get(thumb).status_code == 200
    client.logout()
    login(client, personas.officer_nibung)
    assert client.get(full).status_code == 404
    client.logout()
    assert client.get(full).status_code == 302
    # Another report's photo id under this report's URL is not found.
    other = make_incident()
    login(client, personas.koordinator)
    assert client.get(reverse("desk:photo", args=[other.pk, photo.pk])).status_code == 404


def test_map_and_csp_nonce(client, personas, make_incident):
    incident = make_incident(lat=-2.70, lng=102.85)
    response = login(client, personas.officer_rupit).get(url(incident))
    body = response.content.decode()
    assert 'id="incident-map"' in body and "leaflet/leaflet.js" in body
    assert 'id="incident-point"' in body and "-2.7" in body
    nonce = str(response.context["csp_nonce"])
    assert nonce
    assert f'nonce="{nonce}"' in body
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_timeline_marks_public_and_internal(client, personas, make_incident):
    incident = make_incident()
    incident_note_add(incident=incident, actor=personas.officer_rupit, text="Catatan untuk warga", public=True)
    incident_note_add(incident=incident, actor=personas.officer_rupit, text="Catatan rahasia tim", public=False)
    response = login(client, personas.officer_rupit).get(url(incident))
    body = response.content.decode()
    assert "Catatan untuk warga" in body and "Catatan rahasia tim" in body
    events = list(response.context["events"])
    assert [e.public for e in events if e.kind == "note"] == [True, False]
    assert body.count('class="internal"') >= 1 and 'class="public"' in body


def test_buttons_only_for_allowed_transitions(client, personas, make_incident):
    incident = make_incident()
    body = login(client, personas.officer_rupit).get(url(incident)).content.decode()
    assert 'data-target="diverifikasi"' in body
    assert 'data-target="ditolak"' not in body  # only the koordinator rejects
    assert "aksi-tugaskan" not in body  # routing is the koordinator's
    client.logout()
    body = login(client, personas.koordinator).get(url(incident)).content.decode()
    assert 'data-target="diverifikasi"' in body and 'data-target="ditolak"' in body and "aksi-tugaskan" in body
    client.logout()
    body = login(client, personas.pimpinan).get(url(incident)).content.decode()
    assert "transition-form" not in body and "aksi-catatan" not in body and "aksi-ubah" not in body
    assert "Hanya baca" in body


def test_ditangani_needs_an_agency_first(client, personas, make_incident):
    incident = make_incident()
    incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi")
    body = login(client, personas.koordinator).get(url(incident)).content.decode()
    assert 'data-target="ditangani"' not in body
    assert "baru dapat ditangani setelah minimal satu instansi ditugaskan" in body
    incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    assert 'data-target="ditangani"' in client.get(url(incident)).content.decode()


def test_possible_duplicates(client, personas, make_incident):
    incident = make_incident(lat=-2.7000, lng=102.8500)
    near = make_incident(lat=-2.7040, lng=102.8520, desa="16.13.01.2001")  # ~500 m, another desa
    same_desa = make_incident()
    far = make_incident(lat=-2.80, lng=102.95, desa="16.13.01.2001")
    other_category = make_incident(category="bencana-longsor")
    hidden = make_incident(desa=DESA_NIBUNG)
    closed = make_incident()
    incident_transition(incident=closed, actor=personas.koordinator, to="ditolak", note="bukan kejadian")
    login(client, personas.koordinator)
    response = client.get(url(incident))
    found = {d["incident"].pk for d in response.context["duplicates"]}
    assert near.pk in found and same_desa.pk in found
    assert not found & {far.pk, other_category.pk, hidden.pk, closed.pk, incident.pk}
    assert "Tandai duplikat dari ini" in response.content.decode()
    # Mark it: the report becomes a duplicate of the chosen one.
    response = client.post(
        reverse("desk:transition", args=[incident.pk]),
        {"t-duplikat-to": "duplikat", "t-duplikat-version": incident.version, "t-duplikat-duplicate_of": near.pk},
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.status == "duplikat" and incident.duplicate_of_id == near.pk


def test_spm_fields_follow_the_category(client, personas, make_incident):
    login(client, personas.koordinator)
    body = client.get(url(make_incident(category="ketertiban-umum"))).content.decode()
    assert "Warga terdampak dalam radius 0–50 m" in body
    body = client.get(url(make_incident())).content.decode()
    assert "Korban yang diselamatkan/dievakuasi" in body
    body = client.get(url(make_incident(category="kebakaran-permukiman"))).content.decode()
    assert "Korban dan warga terdampak" in body and "Waktu tiba di lokasi" in body
    body = client.get(url(make_incident(category="konflik-antarwarga"))).content.decode()
    assert "spm_must_serve" not in body and "Waktu tiba di lokasi" not in body
