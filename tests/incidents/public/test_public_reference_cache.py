"""The category and area lists: served from the server cache with an ETag,
renewed when an admin saves a category or an area. Anyone may read them."""

import gzip

import pytest

from incidents.models import Category, Incident, Kecamatan, Status

pytestmark = pytest.mark.django_db


def test_category_list_is_cached_and_answers_304(client, django_assert_num_queries):
    first = client.get("/api/v1/categories/")
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    assert any(c["code"] == "bencana-banjir" for c in first.json())
    with django_assert_num_queries(0):
        again = client.get("/api/v1/categories/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    packed = client.get("/api/v1/categories/", HTTP_ACCEPT_ENCODING="gzip")
    assert gzip.decompress(packed.content) == first.content


def test_saving_a_category_renews_the_list_and_the_map(client, make_incident, django_capture_on_commit_callbacks):
    Incident.objects.filter(pk=make_incident().pk).update(status=Status.DIVERIFIKASI)
    categories = client.get("/api/v1/categories/")
    layer = client.get("/api/v1/reports/public.geojson")
    banjir = Category.objects.get(code="bencana-banjir")
    banjir.name = "Banjir dan genangan"
    with django_capture_on_commit_callbacks(execute=True):
        banjir.save()
    renewed = client.get("/api/v1/categories/", HTTP_IF_NONE_MATCH=categories["ETag"])
    assert renewed.status_code == 200
    assert any(c["name"] == "Banjir dan genangan" for c in renewed.json())
    # The layer names its categories: its cached copy is renewed too.
    assert layer.json()["categories"][0]["name"] == "Banjir"
    renewed = client.get("/api/v1/reports/public.geojson", HTTP_IF_NONE_MATCH=layer["ETag"])
    assert renewed.status_code == 200
    assert renewed.json()["categories"][0]["name"] == "Banjir dan genangan"


def test_area_list_is_served_from_the_cache(client, django_assert_num_queries, django_capture_on_commit_callbacks):
    first = client.get("/api/v1/areas/")
    assert [f["properties"]["name"] for f in first.json()["features"]][0] == "Rupit"
    with django_assert_num_queries(0):
        assert client.get("/api/v1/areas/").content == first.content
    kecamatan = Kecamatan.objects.get(code="16.13.01")
    kecamatan.name = "Rupit Raya"
    with django_capture_on_commit_callbacks(execute=True):
        kecamatan.save()
    assert client.get("/api/v1/areas/").json()["features"][0]["properties"]["name"] == "Rupit Raya"
