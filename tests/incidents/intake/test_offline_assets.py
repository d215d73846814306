"""What the phone keeps for /lapor/: the service worker and the web app manifest."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

from incidents.intake import offline

pytestmark = pytest.mark.django_db


def worker_config(body: str) -> dict:
    match = re.search(r"^var CONFIG = (\{.*\});$", body, re.M)
    assert match, body[:300]
    return json.loads(match.group(1))


def test_service_worker_is_served_from_the_root_with_its_headers(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    # A new version must reach phones at their next visit.
    assert "no-cache" in response["Cache-Control"]
    # The portal's CSP covers the worker too; it needs no inline code or eval.
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-eval" not in csp


def test_service_worker_caches_the_form_and_its_files_only(client):
    config = worker_config(client.get("/sw.js").content.decode())
    assert config["page"] == "/lapor/"
    assert config["api"] == "/api/v1/reports/"
    assert config["queueScript"] in config["precache"]
    assert "/manifest.webmanifest" in config["precache"]
    for url in config["precache"]:
        if url.startswith("/static/"):
            assert finders.find(url[len("/static/") :]), url
    # The form's own page references exactly the files the worker keeps.
    html = client.get("/lapor/").content.decode()
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert url in config["precache"], url
    # Leaflet is kept only once the map has been opened.
    assert not any("leaflet" in url for url in config["precache"])
    assert "/static/leaflet/" in config["runtimePrefixes"]


def test_worker_version_follows_the_content_of_its_files(monkeypatch, tmp_path):
    before = offline.worker_config()["version"]
    changed = tmp_path / "lapor.js"
    changed.write_text("/* a new release */")
    real_find = finders.find
    monkeypatch.setattr(
        offline.finders, "find", lambda name, *a, **kw: str(changed) if name == "js/lapor.js" else real_find(name)
    )
    assert offline.worker_config()["version"] != before


def test_service_worker_only_answers_get(client):
    assert client.post("/sw.js").status_code == 405
    assert client.post("/manifest.webmanifest").status_code == 405


def test_web_manifest_opens_the_report_form(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/lapor/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone" and manifest["lang"] == "id"
    icon = manifest["icons"][0]["src"]
    assert finders.find(icon[len("/static/") :])


def test_report_form_links_the_manifest_and_tells_the_scripts_where_to_send(client):
    html = client.get("/lapor/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    config = json.loads(re.search(r'<script id="lapor-konfig" type="application/json">(.*?)</script>', html).group(1))
    assert config["api"] == "/api/v1/reports/" and config["worker"] == "/sw.js"
    assert config["doneUrl"] == "/lapor/terkirim/KODE/" and config["photoMaxSide"] == 1600
    # Anonymous residents use the queue; the panel texts are there for it.
    assert 'data-offline="1"' in html
    assert "Laporan menunggu dikirim" in html and "Laporan saya" in html


def test_signed_in_staff_keep_the_plain_form(client, personas):
    client.force_login(personas.officer_rupit)
    html = client.get("/lapor/").content.decode()
    assert 'data-offline="1"' not in html


def test_required_questions_are_marked_for_the_browser_check(client):
    html = client.get("/lapor/").content.decode()
    block = html.split('id="field-d_kebakaran-permukiman_jumlah_bangunan"', 1)[1].split(">", 1)[0]
    assert 'data-required data-label="Jumlah bangunan terbakar"' in block
    optional = html.split('id="field-d_kebakaran-permukiman_korban_luka"', 1)[1].split(">", 1)[0]
    assert "data-required" not in optional


def test_pages_rendered_for_a_signed_in_user_are_marked_for_the_worker(client, personas):
    """A shared phone: the worker must be able to tell the officer's /lapor/ from a resident's."""
    config = worker_config(client.get("/sw.js").content.decode())
    header = config["audienceHeader"]
    anonymous = client.get("/lapor/")
    assert anonymous.status_code == 200 and header not in anonymous
    assert "no-store" not in anonymous.get("Cache-Control", "") and "private" not in anonymous.get("Cache-Control", "")

    assert "no-cache" in anonymous["Cache-Control"]
    refused = client.post("/lapor/", {"description": "Banjir"})
    assert refused.status_code == 200 and "no-store" in refused["Cache-Control"]  # what was typed is never kept

    client.force_login(personas.officer_rupit)
    signed_in = client.get("/lapor/")
    assert signed_in.status_code == 200
    assert signed_in[header] == "signed-in"
    assert "no-store" in signed_in["Cache-Control"] and "private" in signed_in["Cache-Control"]
    assert 'action="/keluar/"' in signed_in.content.decode()  # what a resident must never be shown offline


def test_signing_out_clears_the_browsers_cache_but_not_the_waiting_reports(client, personas):
    config = worker_config(client.get("/sw.js").content.decode())
    assert config["logout"] == "/keluar/"  # the request the worker watches to drop its page copies
    client.force_login(personas.officer_rupit)
    response = client.post("/keluar/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'  # never "storage": the queue lives in IndexedDB
    assert "_auth_user_id" not in client.session
