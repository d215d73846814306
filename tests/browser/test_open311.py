"""A partner application reports over real HTTP through Open311 (with a photo
its own server hosts); the officer finds it in the browser, sees which
application sent it and the photo; the citizen's tracking page knows it."""

import json
import os
import re
import urllib.request
from urllib.parse import urlencode

import pytest
from django.apps import apps

from incidents.models import Incident
from incidents.open311.services import open311_key_create
from incidents.reference.seed import seed_reference
from tests import factories
from tests.browser.desk import DESKTOP, new_page, sign_in
from tests.incidents.open311.conftest import image_server  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def known_data(transactional_db):
    seed_reference(apps)
    personas = factories.make_personas()
    _key, raw = open311_key_create(application_name="Pusat Komando Sumsel")
    return personas, raw


def test_open311_report_on_the_desk_and_lacak(browser, live_server, known_data, image_server, screenshot_dir):  # noqa: F811
    personas, raw = known_data
    base = live_server.url
    body = urlencode(
        {
            "api_key": raw,
            "service_code": "bencana-karhutla",
            "lat": "-2.7105",
            "long": "102.8702",
            "description": "Asap tebal dari lahan gambut di belakang sekolah.",
            "attribute[luas_terbakar_ha]": "3",
            "media_url": f"{image_server.url}/foto.jpg",
        }
    ).encode()
    request = urllib.request.Request(f"{base}/open311/v2/requests.json", data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=20) as response:
        assert response.status == 201
        (row,) = json.loads(response.read())
    code = row["service_request_id"]
    incident = Incident.objects.get(tracking_code=code)

    context, page = new_page(browser, DESKTOP)
    sign_in(page, base, personas.officer_rupit.username)
    queue_row = page.locator("table.queue tbody tr", has_text=code)
    assert queue_row.count() == 1
    page.goto(f"{base}/petugas/laporan/{incident.pk}/")
    assert page.locator("#partner-application").inner_text() == "Pusat Komando Sumsel"
    assert "Aplikasi mitra (Open311)" in page.content()
    thumbnail = page.locator(".photo-grid img")
    assert thumbnail.count() == 1
    thumbnail.scroll_into_view_if_needed()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth") > 0
    page.screenshot(path=str(screenshot_dir / "open311-desk-detail.png"), full_page=True)
    assert page.errors == []

    citizen, track = new_page(browser, DESKTOP)
    track.goto(f"{base}/lacak/{code}/")
    assert code in track.content() and "Kebakaran hutan dan lahan" in track.content()
    track.screenshot(path=str(screenshot_dir / "open311-lacak.png"), full_page=True)
    citizen.close()
    context.close()


def test_admin_issues_a_key_in_the_browser(browser, live_server, known_data, screenshot_dir):
    personas, _raw = known_data
    base = live_server.url
    context, page = new_page(browser, DESKTOP)
    page.goto(f"{base}/admin/login/?next=/admin/incidents/partnerapplication/")
    page.fill("input[name=username]", personas.admin.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/incidents/partnerapplication/"))
    page.locator("tr", has_text="Pusat Komando Sumsel").locator("input.action-select").check()
    page.select_option("select[name=action]", "issue_key")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    key = page.locator("code.open311-key").inner_text()
    assert re.fullmatch(r"ka311_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", key)
    page.screenshot(path=str(screenshot_dir / "open311-admin-key.png"), full_page=True)
    page.goto(f"{base}/admin/incidents/partnerapplication/")
    assert key not in page.content()
    context.close()
