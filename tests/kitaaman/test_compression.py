"""Every JSON, GeoJSON and XML answer over 1 KB is compressed for a client
that accepts gzip, like the pages: the desk map's layer was sent as 1 MB of
plain GeoJSON on slow 3G because its type was not on the list."""

import gzip

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from incidents.workflow.services import incident_transition
from kitaaman.middleware import is_compressible
from tests.factories import DESA_NIBUNG

pytestmark = pytest.mark.django_db
MIN_BYTES = 1024
# Routes the walk must have answered with more than MIN_BYTES: the API list
# views, the desk map layer, the public layer, the schema and the SPM figures.
MUST_BE_SEEN = {
    "/api/v1/incidents/",
    "/api/v1/categories/",
    "/api/v1/areas/",
    "/api/v1/reports/public.geojson",
    "/api/schema/",
    "/api/schema/?format=json",
    "/api/v1/spm/figures/?period={quarter}",
    "/petugas/peta/laporan.geojson",
    "/open311/v2/services.json",
    "/open311/v2/services.xml",
}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _data_urls(incident_pk):
    """The GET routes that answer data (not pages), their parameters filled in."""
    fill = {
        "<int:pk>": str(incident_pk),
        "<str:format>": "json",
        "<str:tracking_code>": "XXXX",
    }
    urls = set()
    for route in _routes(get_resolver().url_patterns):
        data = route.startswith(("api/", "open311/", "cap/")) or route.endswith(".geojson")
        if not data or route in ("api/docs/", "api/redoc/"):
            continue
        for placeholder, value in fill.items():
            route = route.replace(placeholder, value)
        if "<" in route:
            continue  # a photo, an assignment or a warning of its own: not a list
        urls.add("/" + route)
        if route.endswith(".json"):
            urls.add("/" + route.removesuffix(".json") + ".xml")
    return sorted(urls | {"/api/schema/?format=json", f"/api/v1/spm/figures/?period={_quarter()}"})


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/geo+json",
        "application/problem+json",
        "application/vnd.oai.openapi+json; charset=utf-8",
        "application/vnd.oai.openapi; charset=utf-8",
        "application/cap+xml; charset=utf-8",
        "application/atom+xml; charset=utf-8",
        "application/manifest+json",
        "text/xml; charset=utf-8",
    ],
)
def test_structured_text_types_are_compressible(content_type):
    assert is_compressible(content_type)


@pytest.mark.parametrize(
    "content_type", ["image/jpeg", "application/pdf", "application/zip", "application/octet-stream"]
)
def test_files_are_left_alone(content_type):
    assert not is_compressible(content_type)


def test_every_data_answer_over_1kb_is_compressed(client, personas, make_incident):
    incidents = [make_incident(lat=-2.70 - i / 1000, lng=102.85) for i in range(12)]
    incidents += [make_incident(desa=DESA_NIBUNG) for _ in range(4)]
    for incident in incidents[:8]:  # the public layer shows verified reports
        incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi")
    seen = {}
    # The koordinator reads the reports; a leader (pimpinan) the SPM figures.
    for user, url in [
        (u, url) for u in (personas.koordinator, personas.pimpinan) for url in _data_urls(incidents[0].pk)
    ]:
        client.force_login(user)
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        if response.status_code >= 500 or response.streaming:
            pytest.fail(f"{url}: {response.status_code}")
        body = response.content
        if response.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        if len(body) > seen.get(url, ("", -1))[1]:
            seen[url] = (response["Content-Type"], len(body), response.get("Content-Encoding"))
        if len(body) > MIN_BYTES and is_compressible(response["Content-Type"]):
            assert response.get("Content-Encoding") == "gzip", (url, response["Content-Type"], len(body))
            assert "Accept-Encoding" in response.get("Vary", "")
    big = {url for url, (_, size, _) in seen.items() if size > MIN_BYTES}
    must = {url.format(quarter=_quarter()) for url in MUST_BE_SEEN}
    assert must <= big, {url: seen.get(url) for url in must - big}
    types = {ctype.split(";")[0] for ctype, size, _ in seen.values() if size > MIN_BYTES}
    assert {"application/json", "application/geo+json", "text/xml"} <= types, types


def test_a_client_without_gzip_gets_plain_json(client, personas, make_incident):
    for _ in range(10):
        make_incident()
    client.force_login(personas.koordinator)
    response = client.get(reverse("desk:map_geojson"))
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
    assert len(response.content) > MIN_BYTES and response.json()["type"] == "FeatureCollection"


def test_api_error_envelope_is_compressed_too_when_large(client):
    """A small error stays as it is (not worth it); what matters is no type is missed."""
    response = client.get("/api/v1/tidak-ada/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
