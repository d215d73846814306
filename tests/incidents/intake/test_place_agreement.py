"""A report's desa and its point must tell the same story: the intake refuses
a point that lies in another desa than the one chosen (with the polygons
loaded, where that is certain), and the public side never shows an exact
point outside the report's own desa (a report moved to another desa later)."""

import io
import json

import pytest
from django.core.management import call_command
from shapely.geometry import shape

from incidents.models import Incident
from incidents.workflow.services import incident_transition, incident_update
from tests.conftest import reference_desa_file
from tests.factories import DESA_NIBUNG, DESA_RUPIT, RUPIT
from tests.incidents.intake.test_report_form import valid_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def inner_points():
    path = reference_desa_file()
    call_command("import_boundaries", str(path), stdout=io.StringIO())
    data = json.loads(path.read_text(encoding="utf-8"))
    points = {}
    for feature in data["features"]:
        p = shape(feature["geometry"]).representative_point()
        points[feature["properties"]["code"]] = (round(p.y, 6), round(p.x, 6))
    return points


def post(client, **fields):
    body = {"category": "bencana-banjir", "description": "Air naik.", "consent": True, **fields}
    return client.post("/api/v1/reports/", body, content_type="application/json")


def test_a_point_in_another_desa_is_refused(client, inner_points):
    lat, lng = inner_points[DESA_NIBUNG]
    response = post(client, desa=DESA_RUPIT, lat=lat, lng=lng)
    assert response.status_code == 400
    message = " ".join(response.json()["error"]["fields"]["lat"])
    assert "bukan di desa/kelurahan yang dipilih" in message
    assert Incident.objects.count() == 0


def test_a_point_in_another_kecamatan_than_chosen_is_refused(client, inner_points):
    lat, lng = inner_points[DESA_NIBUNG]
    response = post(client, kecamatan=RUPIT, lat=lat, lng=lng)
    assert response.status_code == 400
    assert "lat" in response.json()["error"]["fields"]
    assert Incident.objects.count() == 0


def test_a_point_in_the_chosen_desa_is_kept_and_shown(client, inner_points):
    lat, lng = inner_points[DESA_RUPIT]
    response = post(client, desa=DESA_RUPIT, lat=lat, lng=lng)
    assert response.status_code == 201
    tracked = client.get(f"/api/v1/reports/track/{response.json()['tracking_code']}/").json()
    assert tracked["point"] == {"lat": round(lat, 5), "lng": round(lng, 5), "approximate": False}


def test_the_form_refuses_it_too(client, inner_points):
    lat, lng = inner_points[DESA_NIBUNG]
    response = client.post("/lapor/", valid_data(lat=lat, lng=lng))
    assert response.status_code == 200
    assert "bukan di desa/kelurahan yang dipilih" in response.content.decode()
    assert Incident.objects.count() == 0


def test_a_report_moved_to_another_desa_shows_only_the_new_desa(client, personas, make_incident, inner_points):
    lat, lng = inner_points[DESA_RUPIT]
    incident = make_incident(desa=DESA_RUPIT, lat=lat, lng=lng)
    koordinator = personas.koordinator
    incident_transition(incident=incident, actor=koordinator, to="diverifikasi", version=incident.version)
    incident.refresh_from_db()
    incident_update(incident=incident, actor=koordinator, version=incident.version, desa=DESA_NIBUNG)
    incident.refresh_from_db()
    assert (incident.lat, incident.lng) == (lat, lng)  # the officers still have the reporter's point
    tracked = client.get(f"/api/v1/reports/track/{incident.tracking_code}/").json()
    assert tracked["point"]["approximate"] is True
    assert (tracked["point"]["lat"], tracked["point"]["lng"]) == (
        round(incident.desa.lat, 5),
        round(incident.desa.lng, 5),
    )
    features = client.get("/api/v1/reports/public.geojson").json()["features"]
    assert len(features) == 1
    assert features[0]["properties"]["a"] == 1  # approximate: the desa centre
    assert features[0]["geometry"]["coordinates"] == [round(incident.desa.lng, 4), round(incident.desa.lat, 4)]
