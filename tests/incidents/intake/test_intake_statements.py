"""What one report costs the database, and the rules the cheaper insert keeps.

A surge is many reports at once: every statement of a submission is paid
thousands of times. The lists below are the whole conversation with the
database for one accepted report; a new statement must be a deliberate change
here, not a slow creep. In a test the request runs inside the test's
transaction, so its own transaction shows as SAVEPOINT / RELEASE; in
production those are BEGIN and COMMIT.
"""

import re
import uuid

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from incidents.intake import services
from incidents.intake.services import report_submit
from incidents.intake.submission import Submission
from incidents.models import Category, Desa, Incident, IncidentEvent
from incidents.reference import geo
from kitaaman.models import OutboxMessage
from spm.aggregates import IncidentStatState
from tests.factories import DESA_RUPIT, RUPIT
from tests.incidents.intake.test_api_reports import jpeg_bytes, payload
from tests.incidents.intake.test_report_form import valid_data
from tests.incidents.workflow.test_optimistic_locking import race

URL = "/api/v1/reports/"

BEFORE = ["SELECT incidents_category", "SAVEPOINT", "SELECT incidents_desa", "INSERT incidents_incident"]
AFTER = ["INSERT incidents_incidentevent"]
# One statement on PostgreSQL (a data-modifying WITH); SQLite has none, so five.
AGGREGATES = {
    "postgresql": ["WITH spm_incidentstatstate"],
    "sqlite": [
        "INSERT spm_incidentstatstate",
        "INSERT spm_statdaily",
        "INSERT spm_statmonthly",
        "INSERT spm_statmonthlydesa",
        "INSERT spm_statopendue",
    ],
}
# A high-priority report (a flood) alerts the officers: one outbox row; the
# worker finds the recipients and writes the messages.
ALERT = ["INSERT kitaaman_outboxmessage", "RELEASE"]


def expected() -> list[str]:
    return BEFORE + AFTER + AGGREGATES[connection.vendor] + ALERT


def label(sql: str) -> str:
    """'INSERT incidents_incident' for an INSERT INTO "incidents_incident" ..."""
    verb = sql.split(None, 1)[0].upper()
    if verb in ("SAVEPOINT", "RELEASE"):
        return verb
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', sql)
    return f"{verb} {table.group(1) if table else '?'}"


def statements(ctx) -> list[str]:
    return [label(q["sql"]) for q in ctx.captured_queries]


def listing(ctx) -> str:
    return "\n".join(f"{i}. {q['sql']}" for i, q in enumerate(ctx.captured_queries, 1))


def captured(send):
    """Statements of one submission after a first one (a process's first
    report may load what it keeps, such as the territory)."""
    send()
    with CaptureQueriesContext(connection) as ctx:
        response = send()
    return response, ctx


def post_json(client, **overrides):
    return client.post(URL, payload(client_uuid=str(uuid.uuid4()), **overrides), content_type="application/json")


@pytest.mark.django_db
def test_one_api_report_costs_the_listed_statements(client):
    response, ctx = captured(lambda: post_json(client))
    assert response.status_code == 201, response.content
    assert statements(ctx) == expected(), f"{connection.vendor} statements changed:\n{listing(ctx)}"


@pytest.mark.django_db
def test_a_point_on_the_chosen_desa_costs_only_the_geometry_check(client):
    desa = Desa.objects.get(code=DESA_RUPIT)
    response, ctx = captured(lambda: post_json(client, lat=desa.lat, lng=desa.lng))
    assert response.status_code == 201, response.content
    # Whether the polygons changed (one small aggregate); without polygons
    # (a laptop) the centroids are read too. The desa is not read again.
    geometry = ["SELECT incidents_desa"] if geo.has_boundaries() else ["SELECT incidents_desa"] * 2
    want = BEFORE[:3] + geometry + expected()[3:]
    assert statements(ctx) == want, f"{connection.vendor} statements changed:\n{listing(ctx)}"


@pytest.mark.django_db
def test_one_form_report_costs_the_listed_statements(client):
    response, ctx = captured(lambda: client.post("/lapor/", valid_data(kecamatan=RUPIT)))
    assert response.status_code == 302, response.content[:2000]
    assert statements(ctx) == expected(), f"{connection.vendor} statements changed:\n{listing(ctx)}"


@pytest.mark.django_db
def test_a_resend_stores_nothing_and_answers_the_first_report(client):
    key = str(uuid.uuid4())
    first = client.post(URL, payload(client_uuid=key), content_type="application/json")
    again = client.post(URL, payload(client_uuid=key, description="Dikirim ulang."), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    incident = Incident.objects.get()
    assert incident.description.startswith("Air Sungai Rupit")
    assert IncidentEvent.objects.filter(incident=incident).count() == 1
    assert IncidentStatState.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_a_resend_after_its_category_closed_still_answers_the_first_report(client):
    key = str(uuid.uuid4())
    first = client.post(URL, payload(client_uuid=key), content_type="application/json")
    Category.objects.filter(code="bencana-banjir").update(active=False)
    again = client.post(URL, payload(client_uuid=key), content_type="application/json")
    assert again.status_code == 200, again.content
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    fresh = client.post(URL, payload(client_uuid=str(uuid.uuid4())), content_type="application/json")
    assert fresh.status_code == 400
    assert Incident.objects.count() == 1


@pytest.mark.django_db
def test_a_resend_with_photos_does_not_decode_them_again(client, monkeypatch):
    key = str(uuid.uuid4())
    body = {**payload(client_uuid=key), "details": '{"rumah_terendam": 12}'}
    first = client.post(URL, {**body, "photos": [_upload()]})
    assert first.status_code == 201, first.content

    def refuse(_upload):
        raise AssertionError("a resend's photo was decoded")

    monkeypatch.setattr(services, "clean_photo", refuse)
    again = client.post(URL, {**body, "photos": [_upload()]})
    assert again.status_code == 200, again.content
    assert Incident.objects.get().photos.count() == 1


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("foto.jpg", jpeg_bytes(), content_type="image/jpeg")


@pytest.mark.django_db
def test_a_taken_tracking_code_is_drawn_again(client, monkeypatch):
    taken = Incident.objects.get(pk=_report(client)).tracking_code
    codes = iter([taken, taken, "KA-2345-6789A"])
    monkeypatch.setattr(services, "new_tracking_code", lambda: next(codes))
    response = post_json(client)
    assert response.status_code == 201, response.content
    assert response.json()["tracking_code"] == "KA-2345-6789A"
    assert Incident.objects.count() == 2


@pytest.mark.django_db
def test_no_free_tracking_code_fails_without_leaving_anything(client, monkeypatch):
    taken = Incident.objects.get(pk=_report(client)).tracking_code
    monkeypatch.setattr(services, "new_tracking_code", lambda: taken)
    submission = Submission.from_fields(
        payload(), category=Category.objects.get(code="bencana-banjir"), client_uuid=uuid.uuid4()
    )
    with pytest.raises(IntegrityError):
        report_submit(submission)
    assert Incident.objects.count() == 1
    assert IncidentStatState.objects.count() == 1


def _report(client) -> int:
    response = post_json(client)
    assert response.status_code == 201, response.content
    return Incident.objects.get(tracking_code=response.json()["tracking_code"]).pk


@pytest.mark.django_db(transaction=True)
def test_the_same_report_sent_twice_at_once_is_stored_once(require_postgres, settings):
    """Two requests with one client_uuid race: the second insert waits for the
    first transaction and yields to it; both answer with the same report."""
    rates = {scope: "1000000/hour" for scope in ("report_submit", "report_address", "track")}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    keys = [str(uuid.uuid4()) for _ in range(5)]
    for key in keys:
        answers = []

        def send(key=key, answers=answers):
            response = Client().post(URL, payload(client_uuid=key), content_type="application/json")
            answers.append((response.status_code, response.json().get("tracking_code")))

        assert race(send, send) == ["ok", "ok"]
        assert sorted(status for status, _code in answers) == [200, 201], answers
        assert {code for _status, code in answers} == {Incident.objects.get(client_uuid=key).tracking_code}
    assert Incident.objects.count() == IncidentStatState.objects.count() == len(keys)
    assert IncidentEvent.objects.filter(kind="created").count() == len(keys)
