"""The home page map on a phone: loaded only when asked for, markers from the
compact public layer, popups and controls in Bahasa Indonesia, the approximate
place of a conflict said so."""

import os

import pytest
from django.apps import apps
from django.utils import timezone

from incidents.models import Incident
from incidents.reference.seed import seed_reference
from tests.browser.a11y import assert_no_serious_violations
from tests.browser.citizen import collect_errors, phone_context
from tests.factories import DESA_NIBUNG, make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


@pytest.fixture
def reference_data(transactional_db):
    seed_reference(apps)


def test_home_map_draws_public_reports_with_indonesian_popups(browser, live_server, reference_data, screenshot_dir):
    flood = make_incident(category="bencana-banjir", desa="16.13.01.2010", lat=-2.70011, lng=102.90022)
    conflict = make_incident(category="konflik-antarwarga", desa=DESA_NIBUNG)
    hidden = make_incident(category="bencana-banjir", confidential=True)
    Incident.objects.filter(pk__in=[flood.pk, conflict.pk, hidden.pk]).update(status="diverifikasi")
    from playwright.sync_api import expect  # here, so a laptop without playwright skips instead of erroring

    context = phone_context(browser)
    page = context.new_page()
    errors = collect_errors(page)
    layers = []
    page.on("response", lambda r: layers.append(r) if "public.geojson" in r.url else None)

    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    # Nothing of the map before the visitor asks for it: no Leaflet, no tiles, no layer.
    assert not [u for u in requested if "leaflet" in u or "public.geojson" in u or "tile" in u], requested
    expect(page.locator("#petapublik")).to_be_hidden()
    page.screenshot(path="/tmp/h7/home-before-map.png", full_page=True)
    assert_no_serious_violations(page, "/ before the map is opened")

    page.get_by_role("button", name="Tampilkan peta").click()
    page.wait_for_selector("#petapublik path.leaflet-interactive")
    # Leaflet's controls speak the page's language.
    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", "Perbesar")
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", "Perkecil")
    expect(page.get_by_role("button", name="Tampilkan peta")).to_be_hidden()
    page.screenshot(path="/tmp/h7/home-after-map.png", full_page=True)
    assert_no_serious_violations(page, "/ with the map open")
    markers = page.locator("#petapublik path.leaflet-interactive")
    assert markers.count() == 2  # the confidential report is not drawn
    assert layers and layers[0].status == 200 and layers[0].headers.get("content-encoding") == "gzip"

    colours = {markers.nth(i).get_attribute("fill") for i in range(2)}
    assert colours == {"#1d4ed8", "#b42318"}  # bencana blue, konflik red
    page.locator('#petapublik path.leaflet-interactive[fill="#1d4ed8"]').click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Banjir" in text and "Lawang Agung, Rupit" in text and "Diverifikasi" in text
    assert "perkiraan" not in text
    today = timezone.localdate()
    assert f"{today.day} {MONTHS[today.month - 1]} {today.year}" in text  # the day received, in Indonesian
    page.screenshot(path=str(screenshot_dir / "home-map-popup.png"))

    page.locator(".leaflet-popup-close-button").click()
    popup.wait_for(state="detached")
    page.locator('#petapublik path.leaflet-interactive[fill="#b42318"]').click(force=True)
    expect(popup).to_contain_text("Lokasi perkiraan (titik tengah desa)")
    assert "Konflik antarwarga" in popup.inner_text() and "Nibung" in popup.inner_text()
    page.screenshot(path=str(screenshot_dir / "home-map-conflict.png"))
    assert not errors, errors
    context.close()
