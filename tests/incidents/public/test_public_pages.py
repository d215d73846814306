"""Citizen pages: who gets what (the citizen has no login), and what never shows."""

import pytest
from django.urls import reverse

from incidents.models import Incident, IncidentEvent, Kecamatan, Status

pytestmark = pytest.mark.django_db

IDENTITY = ("Siti Aminah", "081234567890", "siti@example.test")


@pytest.mark.parametrize("name", ["home", "report", "track"])
def test_citizen_pages_answer_200_without_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("name", ["home", "report", "track"])
def test_citizen_pages_answer_200_for_staff_too(client, personas, name):
    client.force_login(personas.officer_nibung)
    assert client.get(reverse(name)).status_code == 200


def test_home_explains_links_and_counts_this_month(client, make_incident):
    make_incident(category="bencana-banjir")
    make_incident(category="bencana-banjir", confidential=True)
    html = client.get("/").content.decode()
    assert 'href="/lapor/"' in html and "Laporkan" in html
    assert 'data-geojson-url="/api/v1/reports/public.geojson"' in html
    assert "112" in html and "113" in html
    banjir = html.split("<span>Banjir</span>", 1)[1][:40]
    assert "<strong>2</strong>" in banjir
    assert "2 laporan diterima" in html
    for text in IDENTITY:
        assert text not in html


def test_report_form_works_without_javascript(client):
    html = client.get("/lapor/").content.decode()
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    # Plain select lists: every kecamatan, every desa grouped by kecamatan.
    assert html.count("<optgroup") == Kecamatan.objects.count() == 7
    assert 'name="kecamatan"' in html and 'name="desa"' in html
    assert 'name="client_uuid"' in html and 'class="hp-field"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html and "multiple" in html
    # All categories' questions are rendered server-side.
    assert 'id="qset-bencana-banjir"' in html and 'id="qset-konflik-antarwarga"' in html
    assert "UU No. 27 Tahun 2022" in html
    assert "Gunakan lokasi saya" in html
    # The map script (loaded when the map is opened) is the minified leaflet, served by the portal.
    assert "/static/leaflet/leaflet.js" in html and "leaflet-src.js" not in html


def test_each_render_gets_its_own_client_uuid(client):
    import re

    pattern = re.compile(r'name="client_uuid" value="([0-9a-f-]{36})"')
    first = pattern.search(client.get("/lapor/").content.decode()).group(1)
    second = pattern.search(client.get("/lapor/").content.decode()).group(1)
    assert first != second


@pytest.mark.parametrize("path", ["/", "/lapor/"])
def test_inline_scripts_carry_the_csp_nonce(client, path):
    response = client.get(path)
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0] if "'nonce-" in csp else None
    for chunk in html.split("<script")[1:]:
        head = chunk.split(">", 1)[0]
        assert "src=" in head or (nonce and f'nonce="{nonce}"' in head) or 'type="application/json"' in head, head


def test_report_form_runs_no_inline_script(client):
    # The phone keeps /lapor/ (with its CSP header) for use without signal: only files and data blocks.
    html = client.get("/lapor/").content.decode()
    for chunk in html.split("<script")[1:]:
        head = chunk.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head, head


def test_done_page_needs_a_real_tracking_code(client, make_incident):
    incident = make_incident()
    assert client.get(reverse("report_done", args=[incident.tracking_code])).status_code == 200
    assert client.get(reverse("report_done", args=["KA-2222-22222"])).status_code == 404
    assert client.get("/lapor/terkirim/%3Cscript%3E/").status_code == 404


def test_done_page_never_shows_identity(client, make_incident):
    incident = make_incident()
    html = client.get(reverse("report_done", args=[incident.tracking_code])).content.decode()
    assert incident.tracking_code in html
    for text in IDENTITY:
        assert text not in html


def test_track_by_code_shows_status_and_public_timeline(client, make_incident):
    incident = make_incident()
    response = client.get(reverse("track_code", args=[incident.tracking_code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "status-baru" in html and ">Baru<" in html
    assert "Banjir" in html and "Muara Rupit" in html and "Rupit" in html
    assert "Laporan diterima melalui Web." in html
    assert " WIB" in html


def test_track_never_shows_identity_or_internal_notes(client, make_incident):
    incident = make_incident(anonymous=False)
    IncidentEvent.objects.create(
        incident=incident, kind="note", note="Catatan internal: pelapor kerabat kepala desa", public=False
    )
    IncidentEvent.objects.create(incident=incident, kind="note", note="Tim BPBD menuju lokasi.", public=True)
    html = client.get(reverse("track_code", args=[incident.tracking_code])).content.decode()
    assert "Tim BPBD menuju lokasi." in html
    assert "Catatan internal" not in html
    for text in (*IDENTITY, incident.description):
        assert text not in html


def test_track_form_is_tolerant_of_case_and_spaces(client, make_incident):
    incident = make_incident()
    typed = " " + incident.tracking_code.lower().replace("-", " ") + " "
    response = client.get("/lacak/", {"kode": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("track_code", args=[incident.tracking_code])
    sloppy = client.get(reverse("track_code", args=[incident.tracking_code.lower()]))
    assert sloppy.status_code == 302


@pytest.mark.parametrize("code", ["KA-2222-22222", "salah", "<script>alert(1)</script>", "x" * 39, "' OR 1=1 --"])
def test_wrong_code_gets_a_clear_not_found(client, code):
    response = client.get("/lacak/", {"kode": code}, follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Kode lacak tidak ditemukan." in html
    assert "<script>alert(1)</script>" not in html


def test_duplicate_shows_the_originals_status_not_its_code(client, make_incident):
    original = make_incident()
    duplicate = make_incident()
    Incident.objects.filter(pk=duplicate.pk).update(status=Status.DUPLIKAT, duplicate_of=original)
    html = client.get(reverse("track_code", args=[duplicate.tracking_code])).content.decode()
    assert "status-duplikat" in html and "digabungkan dengan laporan lain" in html
    assert original.tracking_code not in html


def test_not_duplicate_has_no_merge_note(client, make_incident):
    incident = make_incident()
    html = client.get(reverse("track_code", args=[incident.tracking_code])).content.decode()
    assert "digabungkan dengan laporan lain" not in html


def test_report_form_in_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/lapor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Houses flooded" in html and "Flood" in html


def test_point_is_kept_when_the_form_comes_back_with_an_error(client):
    from incidents.models import Desa

    desa = Desa.objects.get(code="16.13.01.1007")
    data = {"category": "bencana-banjir", "description": "Banjir.", "lat": str(desa.lat), "lng": str(desa.lng)}
    html = client.post("/lapor/", data).content.decode()  # no consent
    assert f'name="lat" value="{desa.lat}"' in html and f'name="lng" value="{desa.lng}"' in html
    assert Incident.objects.count() == 0
