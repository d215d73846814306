"""Desk pages and every answer rendered for a signed-in user carry
`Cache-Control: private, no-store` (a shared phone's browser keeps no copy of
/petugas/ after logout); anonymous public pages keep their own caching."""

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"
DESK_PAGES = ["/petugas/", "/petugas/peta/", "/petugas/peta/laporan.geojson", "/petugas/peringatan/"]


@pytest.mark.parametrize("url", DESK_PAGES)
def test_desk_pages_are_private_and_not_stored(client, personas, url):
    client.force_login(personas.officer_rupit)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE
    assert "Expires" not in response


@pytest.mark.parametrize("url", ["/dasbor/", "/dasbor/layanan/"])
def test_dashboard_pages_are_private_and_not_stored(client, personas, url):
    client.force_login(personas.tim_efektif)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("url", ["/petugas/", "/dasbor/", "/petugas/peringatan/"])
def test_the_login_redirect_of_a_desk_page_is_private_too(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize("url", ["/", "/lapor/", "/peringatan/"])
def test_a_public_page_rendered_for_a_signed_in_officer_is_private(client, personas, url):
    client.force_login(personas.officer_rupit)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_the_staff_api_answer_for_a_token_is_private(client, personas):
    token, _created = Token.objects.get_or_create(user=personas.officer_rupit)
    response = client.get("/api/v1/incidents/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/", None),
        ("/peringatan/", None),
        ("/api/v1/reports/public.geojson", "public, max-age=60"),
        ("/api/v1/categories/", "public, max-age=300"),
        ("/sw.js", "no-cache, max-age=0"),
        # The resident's form may be kept by the service worker for use offline (revalidated every time).
        ("/lapor/", "no-cache, max-age=0"),
    ],
)
def test_anonymous_public_pages_keep_their_caching(client, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    assert response.get("Cache-Control") == expected


def test_the_public_layer_is_the_same_for_an_officer_and_stays_public(client, personas):
    # Rendered for nobody (the public API ignores the session): shared caching is right.
    client.force_login(personas.officer_rupit)
    response = client.get("/api/v1/reports/public.geojson")
    assert response["Cache-Control"] == "public, max-age=60"
