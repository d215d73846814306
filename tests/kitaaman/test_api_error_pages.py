"""Everything under /api/ answers in the JSON error envelope: paths that do not
exist, crashes, and anonymous calls to staff endpoints (401, not 403)."""

import pytest
from django.test import Client
from django.urls import path

from kitaaman import urls as root_urls

pytestmark = pytest.mark.django_db


def envelope(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body


@pytest.mark.parametrize(
    "url",
    ["/api/v1/tidak-ada/", "/api/v2/reports/", "/api/v1/incidents/abc/", "/api/v1/incidents/1,2/transitions/"],
)
def test_unknown_api_paths_are_404_envelopes(url):
    envelope(Client().get(url), 404, "not_found")
    envelope(Client().post(url, {}, content_type="application/json"), 404, "not_found")


def test_pages_keep_the_html_404():
    response = Client().get("/halaman-tidak-ada/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def crash(request):
    raise RuntimeError("boom")


@pytest.fixture
def crashing_urls(settings):
    settings.ROOT_URLCONF = __name__
    return None


urlpatterns = [
    path("api/v1/crash/", crash),
    path("crash/", crash),
    *root_urls.urlpatterns,
]
handler404 = getattr(root_urls, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(root_urls, "handler500", "django.views.defaults.server_error")


def test_a_crash_under_api_is_a_500_envelope(crashing_urls):
    client = Client(raise_request_exception=False)
    body = envelope(client.get("/api/v1/crash/"), 500, "server_error")
    assert "boom" not in str(body)
    page = client.get("/crash/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_anonymous_summaries_is_401(personas):
    response = Client().get("/api/v1/summaries/")
    envelope(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_signed_in_without_the_role_is_still_403(personas):
    client = Client()
    client.force_login(personas.officer_rupit)
    assert client.get("/api/v1/summaries/").status_code == 403
