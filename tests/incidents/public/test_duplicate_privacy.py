"""What the reporter of a duplicate may see of the original report.

A duplicate's reporter learns that the report was joined to another one about
the same event and how that one is going (its status), nothing more: not its
tracking code (which would open the original's page with its title, timeline
and point), not its title, not its exact point, not its notes."""

import pytest
from django.core import mail
from django.urls import reverse

from incidents.workflow.services import incident_transition

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Bentrok di kebun PT Contoh, rumah Pak Darmawan"


@pytest.fixture
def pair(personas, make_incident, django_capture_on_commit_callbacks):
    original = make_incident(title=SECRET_TITLE, lat=-2.71503, lng=102.88917, confidential=True)
    copy = make_incident(reporter_email="pelapor.kedua@example.test")
    k = personas.koordinator
    incident_transition(incident=original, actor=k, to="diverifikasi", version=original.version)
    original.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox relay runs after commit
        incident_transition(
            incident=copy, actor=k, to="duplikat", duplicate_of=original.tracking_code, version=copy.version
        )
    original.refresh_from_db()
    copy.refresh_from_db()
    return original, copy


def secrets_of(original):
    return [original.tracking_code, SECRET_TITLE, "2.71503", "102.88917", "Darmawan"]


def test_tracking_api_shows_only_the_originals_status(client, pair):
    original, copy = pair
    response = client.get(f"/api/v1/reports/track/{copy.tracking_code}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "duplikat"
    assert body["duplicate_of"] == {"status": "diverifikasi", "status_label": "Diverifikasi"}
    for secret in secrets_of(original):
        assert secret not in response.content.decode(), secret


def test_tracking_page_shows_only_the_originals_status(client, pair):
    original, copy = pair
    html = client.get(reverse("track_code", args=[copy.tracking_code])).content.decode()
    assert "status-duplikat" in html
    assert "digabungkan dengan laporan lain" in html
    assert "Diverifikasi" in html
    for secret in secrets_of(original):
        assert secret not in html, secret


def test_the_e_mail_to_the_duplicates_reporter_does_not_name_the_original(pair):
    original, copy = pair
    sent = [m for m in mail.outbox if "pelapor.kedua@example.test" in m.to]
    assert sent, "the reporter of the duplicate is told"
    for message in sent:
        text = message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
        assert copy.tracking_code in text
        for secret in secrets_of(original):
            assert secret not in text, secret


def test_the_original_keeps_its_own_privacy(client, pair):
    original, _copy = pair
    body = client.get(f"/api/v1/reports/track/{original.tracking_code}/").json()
    assert body["point"]["approximate"] is True  # confidential: never the exact point
