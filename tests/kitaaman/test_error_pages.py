"""Pages that fail (400, 403, 404, 500, CSRF) keep the portal's frame, speak
the visitor's language, say who a page is for and offer a way back; under
/api/ the JSON envelope stays."""

import pytest
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.test import Client
from django.urls import path, reverse

from kitaaman import urls as root_urls
from tests.factories import make_incident

pytestmark = pytest.mark.django_db
DJANGO_TEXTS = ("<h1>Not Found</h1>", "403 Forbidden", "Server Error (500)", "Bad Request (400)", "CSRF verification")


def framed(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert 'class="site-header"' in html and 'class="card error-page"' in html, html[:400]
    for text in DJANGO_TEXTS:
        assert text not in html
    return html


def boom(request):
    raise RuntimeError("rahasia internal")


def suspicious(request):
    raise SuspiciousOperation("detail internal")


def db_down(request):
    raise OperationalError("connection refused")


urlpatterns = [
    path("crash/", boom),
    path("api/v1/crash/", boom),
    path("curiga/", suspicious),
    path("db-down/", db_down),
    *root_urls.urlpatterns,
]
handler400 = root_urls.handler400
handler403 = root_urls.handler403
handler404 = root_urls.handler404
handler500 = root_urls.handler500


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_unknown_page_is_framed_with_ways_back_for_the_public(client):
    html = framed(client.get("/peringatan/999999/"), 404)
    assert "Halaman tidak ditemukan" in html
    assert f'href="{reverse("home")}"' in html and f'href="{reverse("track")}"' in html
    assert f'href="{reverse("warnings:public_list")}"' in html
    assert reverse("desk:home") not in html  # the public is not sent to the desk


def test_404_in_english_follows_the_chosen_language(client):
    client.cookies["django_language"] = "en"
    html = framed(client.get("/tidak-ada/"), 404)
    assert '<html lang="en">' in html
    # The frame's words come from the English catalogue (the new sentences
    # of the error pages follow once they are translated).
    assert "Emergency: call 112." in html and "Track a report" in html


def test_petugas_of_another_area_gets_a_404_leading_back_to_the_desk(client, personas):
    rupit = make_incident()
    client.force_login(personas.officer_nibung)
    html = framed(client.get(reverse("desk:detail", args=[rupit.pk])), 404)
    assert 'id="error-back"' in html and f'href="{reverse("desk:home")}"' in html
    assert rupit.tracking_code not in html and "Siti Aminah" not in html


def test_403_says_who_the_page_is_for(client, personas):
    client.force_login(personas.officer_rupit)
    html = framed(client.get(reverse("spm:dashboard")), 403)
    assert "Halaman ini hanya untuk pimpinan (Asisten I) dan Tim Efektif SPM." in html
    assert f'href="{reverse("desk:home")}"' in html


def test_403_of_the_desk_for_a_signed_in_user_without_a_role(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("warga", password="x-Rahasia-99"))
    html = framed(client.get(reverse("desk:home")), 403)
    assert "Halaman ini hanya untuk petugas Satpol PP, koordinator dan instansi mitra." in html
    assert f'href="{reverse("home")}"' in html


def test_csrf_failure_is_the_portals_403():
    client = Client(enforce_csrf_checks=True)
    html = framed(client.post(reverse("track"), {"code": "X"}), 403)
    assert "Muat ulang halaman" in html


def test_500_is_framed_without_the_request_context(error_urls, personas):
    client = Client(raise_request_exception=False)
    client.force_login(personas.koordinator)
    html = framed(client.get("/crash/"), 500)
    assert "rahasia internal" not in html
    # Rendered without the context processors: no database read, both ways back offered.
    assert f'href="{reverse("home")}"' in html and f'href="{reverse("desk:home")}"' in html


def test_400_is_framed(error_urls):
    html = framed(Client(raise_request_exception=False).get("/curiga/"), 400)
    assert "detail internal" not in html


def test_503_is_framed_with_retry_after(error_urls):
    response = Client(raise_request_exception=False).get("/db-down/")
    html = framed(response, 503)
    assert response["Retry-After"] and "112" in html


def test_api_keeps_the_json_envelope(error_urls):
    client = Client(raise_request_exception=False)
    for url, status in (("/api/v1/crash/", 500), ("/api/v1/tidak-ada/", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["error"]["code"]


def test_500_without_its_frame_still_says_what_happened(error_urls, settings):
    """A missing static manifest breaks every template using {% static %}:
    the 500 then is a bare page in the same words, not the server's text."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = "/nonexistent-static-root"
    response = Client(raise_request_exception=False).get("/crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Maaf, terjadi kesalahan pada sistem" in html and 'href="/lacak/"' in html
    assert "rahasia internal" not in html
