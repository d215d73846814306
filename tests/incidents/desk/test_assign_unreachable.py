"""Assigning a report to an agency nobody at KITA AMAN can reach (no e-mail,
no active account) tells the koordinator at once, on the page and in the API
answer; an agency that can be reached gives no warning."""

import pytest
from django.contrib.messages import constants
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.models import Agency
from incidents.notify.reach import agencies_unreachable

pytestmark = pytest.mark.django_db
WARNING_TEXT = "tidak akan menerima pemberitahuan"


def assign_on_page(client, user, incident, agency):
    client.force_login(user)
    response = client.post(
        reverse("desk:assign", args=[incident.pk]), {"agency": agency, "version": incident.version}, follow=True
    )
    assert response.status_code == 200
    return [(m.level, str(m)) for m in response.context["messages"]]


def warnings_in(messages):
    return [text for level, text in messages if level == constants.WARNING]


def test_assigning_an_agency_without_email_or_account_warns_the_koordinator(client, personas, make_incident):
    Agency.objects.filter(code="tni").update(phone="0733-123456")
    messages = assign_on_page(client, personas.koordinator, make_incident(), "tni")
    (warning,) = warnings_in(messages)
    assert "TNI" in warning and WARNING_TEXT in warning and "0733-123456" in warning
    assert any(level == constants.SUCCESS for level, _text in messages)


def test_no_warning_when_the_agency_has_an_email(client, personas, make_incident):
    Agency.objects.filter(code="tni").update(email="kodim@example.test")
    assert warnings_in(assign_on_page(client, personas.koordinator, make_incident(), "tni")) == []


def test_no_warning_when_the_agency_has_an_active_account(client, personas, make_incident):
    assert warnings_in(assign_on_page(client, personas.koordinator, make_incident(), "bpbd")) == []


def test_an_inactive_account_does_not_count(client, personas, make_incident):
    personas.mitra_bpbd.is_active = False
    personas.mitra_bpbd.save(update_fields=["is_active"])
    assert "BPBD" in warnings_in(assign_on_page(client, personas.koordinator, make_incident(), "bpbd"))[0]


def test_a_refused_assignment_gives_no_warning(client, personas, make_incident):
    incident = make_incident()
    incident.version += 5  # what a stale page would send: the service refuses it
    messages = assign_on_page(client, personas.koordinator, incident, "tni")
    assert not incident.assignments.exists()
    assert any(level == constants.ERROR for level, _text in messages)
    assert warnings_in(messages) == []


def test_the_api_answer_carries_the_warning(personas, make_incident):
    api = APIClient()
    api.force_authenticate(personas.koordinator)
    incident = make_incident()
    url = f"/api/v1/incidents/{incident.pk}/assignments/"
    response = api.post(url, {"agency": "tni", "version": 1}, format="json")
    assert response.status_code == 201
    (warning,) = response.json()["warnings"]
    assert WARNING_TEXT in warning
    response = api.post(url, {"agency": "bpbd", "version": 2}, format="json")
    assert response.status_code == 201 and response.json()["warnings"] == []


def test_the_list_of_unreachable_agencies(personas):
    codes = set(agencies_unreachable().values_list("code", flat=True))
    assert {"tni", "damkar"} <= codes
    assert not {"bpbd", "polres"} & codes
    Agency.objects.filter(code="damkar").update(active=False)
    Agency.objects.filter(code="tni").update(email="kodim@example.test")
    assert not {"tni", "damkar"} & set(agencies_unreachable().values_list("code", flat=True))
