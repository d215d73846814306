"""Input that once crashed the intake with a 500: an e-mail longer than its
column, `details` nested hundreds of levels deep, lone surrogates, absurd
dates. Each is a clear 400 on every channel (public API, form, staff API),
and nothing is saved."""

import json

import pytest
from rest_framework.test import APIClient

from incidents.models import Incident
from tests.factories import DESA_RUPIT
from tests.incidents.intake.test_report_form import valid_data

pytestmark = pytest.mark.django_db

# 64 + 1 + 190 = 255 characters, a syntactically valid address one longer than the column (254).
LONG_EMAIL = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 59 + ".id"


def nested(depth):
    value = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def report(**overrides):
    data = {
        "category": "bencana-banjir",
        "description": "Air Sungai Rupit meluap ke rumah warga.",
        "desa": DESA_RUPIT,
        "consent": True,
    }
    data.update(overrides)
    return data


def staff_client(personas):
    client = APIClient()
    client.force_authenticate(personas.koordinator)
    return client


def test_the_long_address_is_really_one_too_long():
    from django.core.validators import validate_email

    assert len(LONG_EMAIL) == 255
    validate_email(LONG_EMAIL)  # a valid address the column cannot hold


def test_long_email_on_the_public_api(client):
    response = client.post("/api/v1/reports/", report(reporter_email=LONG_EMAIL), content_type="application/json")
    assert response.status_code == 400
    assert "reporter_email" in response.json()["error"]["fields"]
    assert Incident.objects.count() == 0


def test_long_email_on_the_form(client):
    response = client.post("/lapor/", valid_data(reporter_email=LONG_EMAIL))
    assert response.status_code == 200
    assert "Laporan belum terkirim." in response.content.decode()
    assert Incident.objects.count() == 0


def test_long_email_on_the_staff_api(personas):
    response = staff_client(personas).post(
        "/api/v1/incidents/", report(reporter_email=LONG_EMAIL, channel="telepon"), format="json"
    )
    assert response.status_code == 400
    assert "reporter_email" in response.json()["error"]["fields"]
    assert Incident.objects.count() == 0


def test_long_email_on_the_service_itself():
    from django.core.exceptions import ValidationError

    from incidents.intake.services import report_submit
    from incidents.intake.submission import Place, Reporter, Submission
    from incidents.models import Category

    with pytest.raises(ValidationError) as exc:
        report_submit(
            Submission(
                category=Category.objects.get(code="bencana-banjir"),
                description="Banjir.",
                place=Place(desa_code=DESA_RUPIT),
                reporter=Reporter(email=LONG_EMAIL),
                consent=True,
            )
        )
    assert "reporter_email" in exc.value.message_dict
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("depth", [40, 330, 900])
def test_deeply_nested_details_on_the_public_api(client, depth):
    body = json.dumps(report(details=nested(depth)))
    assert len(body) < 20_000
    response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("invalid", "parse_error")
    assert Incident.objects.count() == 0


def test_deeply_nested_details_in_a_multipart_body(client):
    data = report(details=json.dumps(nested(330)))
    data["consent"] = "true"
    response = client.post("/api/v1/reports/", data)
    assert response.status_code == 400
    assert "details" in response.json()["error"]["fields"]
    assert Incident.objects.count() == 0


def test_deeply_nested_details_on_staff_create_and_patch(personas, make_incident):
    client = staff_client(personas)
    created = client.post("/api/v1/incidents/", report(details=nested(330), channel="telepon"), format="json")
    assert created.status_code == 400
    incident = make_incident()
    patched = client.patch(
        f"/api/v1/incidents/{incident.pk}/", {"version": incident.version, "details": nested(330)}, format="json"
    )
    assert patched.status_code == 400
    assert "details" in patched.json()["error"]["fields"]
    incident.refresh_from_db()
    assert incident.version == 1 and Incident.objects.count() == 1


def test_lone_surrogate_in_details_is_refused(client):
    body = json.dumps(report(details={"rumah_terendam": 3, "catatan": "\ud800"}))
    response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 400
    assert Incident.objects.count() == 0


def test_lone_surrogate_in_a_details_key_is_refused(client):
    body = json.dumps(report(details={"\udfff": "x"}))
    response = client.post("/api/v1/reports/", body, content_type="application/json")
    assert response.status_code == 400
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    "when", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "0245-09-13T15:14:55+22:53", "1999-12-31"]
)
def test_absurd_dates_on_the_staff_api(personas, when):
    client = staff_client(personas)
    for field in ("occurred_at", "reported_at"):
        response = client.post("/api/v1/incidents/", report(channel="telepon", **{field: when}), format="json")
        assert response.status_code == 400, (field, response.content)
    assert Incident.objects.count() == 0


def test_an_echoed_lone_surrogate_does_not_break_the_answer(personas):
    # DRF repeats an unknown choice in its message; the answer must still encode.
    body = json.dumps(report(channel="\ud800", consent=True))
    response = staff_client(personas).post("/api/v1/incidents/", body, content_type="application/json")
    assert response.status_code == 400
    assert "channel" in response.json()["error"]["fields"]
    assert Incident.objects.count() == 0


def test_a_huge_echoed_value_is_cut_short(personas):
    response = staff_client(personas).post("/api/v1/incidents/", report(channel="x" * 100_000), format="json")
    assert response.status_code == 400
    assert len(response.content) < 5_000
