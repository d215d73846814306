"""GET /api/v1/categories/ and /api/v1/areas/: reference data for the citizen's form and maps."""

import io

import pytest
from django.core.management import call_command

from incidents.models import Category, Desa
from tests.conftest import reference_desa_file

pytestmark = pytest.mark.django_db


def test_categories_list_active_ones_with_their_questions(client):
    Category.objects.filter(code="bencana-gempa").update(active=False)
    response = client.get("/api/v1/categories/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    data = response.json()
    codes = [c["code"] for c in data]
    assert "bencana-gempa" not in codes
    assert set(codes) == set(Category.objects.filter(active=True).values_list("code", flat=True))
    by_code = {c["code"]: c for c in data}
    company = by_code["konflik-perusahaan"]
    assert set(company) >= {"code", "name", "group", "description", "default_priority", "questions", "spm_service"}
    assert company["group"] == "konflik"
    assert company["spm_service"] is None
    questions = {q["code"]: q for q in company["questions"]}
    assert questions["perusahaan"]["required"] is True
    assert questions["pokok_masalah"]["type"] == "choice" and questions["pokok_masalah"]["required"] is True
    # The legal classification (UU 7/2012 Pasal 5) is the officer's question, not the public's.
    assert "sumber_konflik" not in questions
    assert questions["ada_kekerasan"]["type"] == "boolean"
    assert by_code["kebakaran-permukiman"]["spm_service"] == "kebakaran"
    assert by_code["bencana-banjir"]["spm_service"] == "evakuasi-bencana"
    assert by_code["ketertiban-umum"]["spm_service"] == "tibum"
    assert {"meninggal", "mengungsi", "rumah_rusak_berat"} <= {
        q["code"] for q in by_code["bencana-banjir"]["questions"]
    }


def areas(client, **params):
    return client.get("/api/v1/areas/", params)


def test_kecamatan_as_centroid_points_without_boundaries(client):
    response = areas(client, level="kecamatan")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 7
    rupit = next(f for f in data["features"] if f["properties"]["code"] == "16.13.01")
    assert rupit["geometry"]["type"] == "Point"
    assert rupit["properties"] == {**rupit["properties"], "name": "Rupit", "parent_code": "16.13", "jenis": "kecamatan"}
    assert areas(client).json() == data  # kecamatan is the default level


def test_desa_filtered_by_kecamatan(client):
    data = areas(client, level="desa", parent="16.13.01").json()
    codes = {f["properties"]["code"] for f in data["features"]}
    assert codes == set(Desa.objects.filter(kecamatan_id="16.13.01").values_list("code", flat=True))
    assert all(f["properties"]["parent_code"] == "16.13.01" for f in data["features"])
    assert {f["properties"]["jenis"] for f in data["features"]} <= {"desa", "kelurahan"}
    assert len(areas(client, level="desa").json()["features"]) == 89


def test_polygons_once_boundaries_are_imported(client):
    path = reference_desa_file()
    call_command("import_boundaries", str(path), stdout=io.StringIO())
    data = areas(client, level="desa", parent="16.13.03").json()
    assert data["features"]
    assert {f["geometry"]["type"] for f in data["features"]} <= {"Polygon", "MultiPolygon"}
    assert all(len(f["properties"]["centroid"]) == 2 for f in data["features"])
    # Kecamatan boundaries are not imported here: still points.
    assert {f["geometry"]["type"] for f in areas(client, level="kecamatan").json()["features"]} == {"Point"}


@pytest.mark.parametrize(
    "params,field",
    [
        ({"level": "provinsi"}, "level"),
        ({"level": "desa", "parent": "16.13.99"}, "parent"),
        ({"level": "desa", "parent": "x" * 500}, "parent"),
        ({"level": "kecamatan", "parent": "16.01"}, "parent"),
    ],
)
def test_bad_level_or_unknown_parent_is_400_envelope(client, params, field):
    response = areas(client, **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_areas_are_cacheable_with_an_etag(client, django_capture_on_commit_callbacks):
    first = areas(client, level="desa", parent="16.13.01")
    assert "max-age=" in first["Cache-Control"] and "public" in first["Cache-Control"]
    etag = first["ETag"]
    again = client.get("/api/v1/areas/", {"level": "desa", "parent": "16.13.01"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    other = client.get("/api/v1/areas/", {"level": "desa", "parent": "16.13.03"}, HTTP_IF_NONE_MATCH=etag)
    assert other.status_code == 200
    desa = Desa.objects.get(code="16.13.01.1007")
    desa.name = "Muara Rupit Baru"
    with django_capture_on_commit_callbacks(execute=True):
        desa.save()  # what the admin does: the cached list is renewed at once
    changed = client.get("/api/v1/areas/", {"level": "desa", "parent": "16.13.01"}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_reference_endpoints_are_read_only(client):
    for url in ("/api/v1/categories/", "/api/v1/areas/", "/api/v1/reports/public.geojson"):
        response = client.post(url, {}, content_type="application/json")
        assert response.status_code == 405, url
