"""SPM API: same numbers as the dashboard; access; targets and activities."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from spm.calculations import achievements
from spm.models import Activity, Target
from tests.factories import DESA_RUPIT, RUPIT
from tests.spm.conftest import at

URL = "/api/v1/spm/achievements/"


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_achievements_equal_the_dashboard_computation(personas, spm_report):
    spm_report("ketertiban-umum", at(2026, 3, 2), must=20, served=15)
    response = api(personas.pimpinan).get(URL, {"year": 2026, "quarter": 1})
    assert response.status_code == 200
    body = response.json()
    assert body == achievements(year=2026, quarter=1) | {
        "period": body["period"],
        "previous_period": body["previous_period"],
    }
    tibum = next(s for s in body["services"] if s["code"] == "tibum")
    assert {k: tibum[k] for k in ("code", "name", "must_serve", "served", "capaian", "quality", "index")} == {
        "code": "tibum",
        "name": "Pelayanan ketenteraman dan ketertiban umum",
        "must_serve": 20,
        "served": 15,
        "capaian": 75.0,
        "quality": None,
        "index": None,
    }
    info = next(s for s in body["services"] if s["code"] == "info-bencana")
    assert info["capaian"] is None  # no target
    month = api(personas.tim_efektif).get(URL, {"year": 2026, "month": 3, "kecamatan": RUPIT}).json()
    assert month["kecamatan"]["code"] == RUPIT and month["period"]["kind"] == "month"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer_rupit", "koordinator", "mitra_bpbd"])
def test_other_roles_get_403(personas, who):
    response = api(getattr(personas, who)).get(URL, {"year": 2026})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert api(getattr(personas, who)).get("/api/v1/spm/targets/").status_code == 403


@pytest.mark.django_db
def test_anonymous_gets_401():
    for url in (URL + "?year=2026", "/api/v1/spm/targets/", "/api/v1/spm/activities/"):
        response = APIClient().get(url)
        assert response.status_code == 401, url
        assert "error" in response.json()


@pytest.mark.django_db
def test_bad_parameters_are_400_envelopes(personas):
    client = api(personas.pimpinan)
    for params in (
        {},
        {"year": "x"},
        {"year": 2026, "quarter": 5},
        {"year": 2026, "month": 13},
        {"year": 2026, "quarter": 1, "month": 1},
        {"year": 2026, "kecamatan": "99.99"},
        {"year": 1900},
    ):
        response = client.get(URL, params)
        assert response.status_code == 400, params
        assert response.json()["error"]["code"] == "invalid"
        assert response.json()["error"]["fields"]


@pytest.mark.django_db
def test_targets_post_replaces_on_same_key(personas):
    client = api(personas.tim_efektif)
    body = {
        "service": "info-bencana",
        "year": 2026,
        "kecamatan": RUPIT,
        "hazard": "banjir",
        "value": 800,
        "note": "KRB",
    }
    first = client.post("/api/v1/spm/targets/", body, format="json")
    assert first.status_code == 201
    second = client.post("/api/v1/spm/targets/", {**body, "value": 950}, format="json")
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert Target.objects.get().value == 950
    kab = client.post("/api/v1/spm/targets/", {**body, "kecamatan": None}, format="json")
    assert kab.status_code == 201 and kab.json()["kecamatan"] is None
    listed = client.get("/api/v1/spm/targets/", {"year": 2026}).json()
    assert sorted(t["value"] for t in listed) == [800, 950]
    bad = client.post("/api/v1/spm/targets/", {**body, "service": "tibum", "value": -1}, format="json")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) >= {"service", "value"}
    # Pimpinan reads, never writes.
    assert api(personas.pimpinan).get("/api/v1/spm/targets/").status_code == 200
    assert api(personas.pimpinan).post("/api/v1/spm/targets/", body, format="json").status_code == 403
    assert Target.objects.count() == 2


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="JPEG")
    return SimpleUploadedFile("foto.php.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.mark.django_db
def test_activities_with_evidence(personas, client):
    api_client = api(personas.tim_efektif)
    body = {
        "service": "siaga-bencana",
        "date": "2026-02-10",
        "desa": DESA_RUPIT,
        "hazard": "banjir",
        "kind": "gladi",
        "people_reached": 120,
        "description": "Gladi evakuasi banjir",
    }
    response = api_client.post("/api/v1/spm/activities/", {**body, "evidence": _jpeg()}, format="multipart")
    assert response.status_code == 201, response.content
    activity = Activity.objects.get()
    assert activity.kecamatan_id == RUPIT and activity.evidence_content_type == "image/jpeg"
    assert activity.evidence.name.endswith(".jpg") and "foto" not in activity.evidence.name
    assert api_client.post("/api/v1/spm/activities/", body, format="json").status_code == 201
    evil = SimpleUploadedFile("x.pdf", b"<?php echo 1; ?>", content_type="application/pdf")
    bad = api_client.post("/api/v1/spm/activities/", {**body, "evidence": evil}, format="multipart")
    assert bad.status_code == 400 and "evidence" in bad.json()["error"]["fields"]
    future = api_client.post("/api/v1/spm/activities/", {**body, "date": "2099-01-01"}, format="json")
    assert future.status_code == 400 and "date" in future.json()["error"]["fields"]
    assert Activity.objects.count() == 2
    assert len(api(personas.pimpinan).get("/api/v1/spm/activities/", {"service": "siaga-bencana"}).json()) == 2
    assert api(personas.pimpinan).post("/api/v1/spm/activities/", body, format="json").status_code == 403
    # The evidence file is served to dashboard readers only.
    client.force_login(personas.officer_rupit)
    assert client.get(f"/dasbor/bukti/kegiatan/{activity.pk}/").status_code == 403
    client.force_login(personas.pimpinan)
    download = client.get(f"/dasbor/bukti/kegiatan/{activity.pk}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_schema_lists_the_spm_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/spm/achievements/", "/api/v1/spm/targets/", "/api/v1/spm/activities/"):
        assert path in schema


@pytest.mark.django_db
def test_a_target_the_service_refuses_is_a_400_with_the_field(personas):
    client = api(personas.tim_efektif)
    body = {"service": "tibum", "year": 2026, "kecamatan": RUPIT, "value": 5}
    response = client.post("/api/v1/spm/targets/", body, format="json")
    assert response.status_code == 400
    assert "dihitung dari laporan" in response.json()["error"]["fields"]["service"][0]
    assert not Target.objects.exists()
