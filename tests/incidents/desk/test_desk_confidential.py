"""An officer takes a report off the public map after intake (one way, audited).

Who may: the desk users who may edit the report (petugas of its kecamatan,
koordinator); a partner agency user may not; an officer of another kecamatan
gets a 404."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.models import EventKind, Incident
from incidents.workflow.services import incident_update

pytestmark = pytest.mark.django_db


def edit_form(incident, **extra):
    return {
        "version": incident.version,
        "category": incident.category.code,
        "desa": incident.desa_id,
        "priority": incident.priority,
        "title": incident.title,
        "location_detail": incident.location_detail,
        **extra,
    }


def test_an_officer_marks_a_report_confidential_on_the_desk(client, personas, make_incident):
    incident = make_incident(category="ketertiban-umum", details={"jenis_gangguan": "pelanggaran-perda"})
    client.force_login(personas.officer_rupit)
    html = client.get(reverse("desk:detail", args=[incident.pk])).content.decode()
    assert 'name="confidential"' in html and "Jangan tampilkan di peta publik" in html
    data = edit_form(incident, confidential="on", **{"d_ketertiban-umum_jenis_gangguan": "pelanggaran-perda"})
    response = client.post(reverse("desk:update", args=[incident.pk]), data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.confidential is True
    event = incident.events.get(kind=EventKind.EDIT)
    assert event.data["changes"]["confidential"] == [False, True]
    assert event.actor == personas.officer_rupit and event.public is False
    # The box is now locked: posting the form without it leaves the report off the map.
    html = client.get(reverse("desk:detail", args=[incident.pk])).content.decode()
    assert 'name="confidential"' in html and "disabled" in html.split('name="confidential"', 1)[1][:80]
    data = edit_form(incident, title="Judul baru", **{"d_ketertiban-umum_jenis_gangguan": "pelanggaran-perda"})
    assert client.post(reverse("desk:update", args=[incident.pk]), data).status_code == 302
    incident.refresh_from_db()
    assert incident.confidential is True and incident.title == "Judul baru"


def test_a_confidential_report_cannot_be_put_back_on_the_map(personas, make_incident):
    incident = make_incident(confidential=True)
    with pytest.raises(ValidationError) as raised:
        incident_update(incident=incident, actor=personas.koordinator, version=incident.version, confidential=False)
    assert "tidak dapat ditampilkan lagi" in raised.value.message_dict["confidential"][0]
    incident.refresh_from_db()
    assert incident.confidential is True and not incident.events.filter(kind=EventKind.EDIT).exists()


def test_the_api_marks_confidential_and_refuses_to_undo(personas, make_incident):
    incident = make_incident()
    api = APIClient()
    api.force_authenticate(personas.officer_rupit)
    url = f"/api/v1/incidents/{incident.pk}/"
    response = api.patch(url, {"version": incident.version, "confidential": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["confidential"] is True
    incident.refresh_from_db()
    response = api.patch(url, {"version": incident.version, "confidential": False}, format="json")
    assert response.status_code == 400
    assert "tidak dapat ditampilkan lagi" in response.json()["error"]["fields"]["confidential"][0]
    assert Incident.objects.get(pk=incident.pk).confidential is True


def test_only_those_who_may_edit_the_report_may_hide_it(personas, make_incident):
    incident = make_incident()
    for user, status in ((personas.officer_nibung, 404), (personas.mitra_bpbd, 404)):
        api = APIClient()
        api.force_authenticate(user)
        response = api.patch(f"/api/v1/incidents/{incident.pk}/", {"version": 1, "confidential": True}, format="json")
        assert response.status_code == status, user
    assert Incident.objects.get(pk=incident.pk).confidential is False
