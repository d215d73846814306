"""A citizen reports a flood from a phone and follows it, with and without JavaScript."""

import os
import re

import pytest
from django.apps import apps
from PIL import Image

from incidents.models import Incident
from incidents.reference.seed import seed_reference
from tests.browser.citizen import phone_context
from tests.factories import DESA_RUPIT, RUPIT, make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Playwright's sync API keeps an event loop in this thread; the ORM calls here are plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def reference_data(transactional_db):
    # Transactional tests flush the tables the data migration filled.
    seed_reference(apps)


@pytest.fixture
def small_photo(tmp_path):
    path = tmp_path / "banjir.jpg"
    Image.new("RGB", (64, 48), (40, 90, 160)).save(path, format="JPEG")
    return path


def shot(page, screenshot_dir, name):
    page.screenshot(path=str(screenshot_dir / f"citizen-{name}.png"), full_page=True)


def assert_no_horizontal_overflow(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"


def test_citizen_reports_a_flood_and_tracks_it(browser, live_server, reference_data, small_photo, screenshot_dir):
    shown = [
        make_incident(category="konflik-perusahaan", desa="16.13.03.2001"),
        make_incident(category="kebakaran-permukiman", desa="16.13.05.1004"),
        make_incident(category="bencana-banjir", desa=DESA_RUPIT),
    ]
    hidden = make_incident(category="bencana-longsor", desa="16.13.02.2001", confidential=True)
    Incident.objects.filter(pk__in=[i.pk for i in [*shown, hidden]]).update(status="diverifikasi")
    from playwright.sync_api import expect  # here, so a laptop without playwright skips instead of erroring

    # The phone's GPS puts the citizen in Muara Rupit.
    context = phone_context(
        browser, geolocation={"latitude": -2.7215, "longitude": 102.8952}, permissions=["geolocation"]
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console", lambda msg: errors.append(msg.text) if msg.type == "error" and "ERR_FAILED" not in msg.text else None
    )

    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("load")
    # Public reports as circles, once the map is asked for; the confidential one is not among them.
    page.get_by_role("button", name="Tampilkan peta").click()
    page.wait_for_selector("#petapublik path.leaflet-interactive")
    assert page.locator("#petapublik path.leaflet-interactive").count() == len(shown)
    shot(page, screenshot_dir, "01-beranda")
    assert_no_horizontal_overflow(page)
    page.get_by_role("link", name="Laporkan", exact=True).click()

    page.wait_for_url("**/lapor/")
    shot(page, screenshot_dir, "02-lapor-kosong")
    assert_no_horizontal_overflow(page)

    page.locator("label[for=cat-bencana-banjir]").click()
    assert page.locator("#qset-bencana-banjir").is_visible()
    assert not page.locator("#qset-konflik-antarwarga").is_visible()
    page.fill("#id_description", "Air Sungai Rupit meluap sejak subuh, sekitar 20 rumah terendam setinggi lutut.")
    page.select_option("#id_kecamatan", RUPIT)
    # The desa list now holds only Rupit's desa.
    assert page.locator("#id_desa optgroup").count() == 1
    page.select_option("#id_desa", DESA_RUPIT)
    page.get_by_role("button", name="Buka peta").click()
    page.wait_for_selector("#peta.leaflet-container")
    page.locator("#peta").click()
    assert page.input_value("#id_lat") != "" and page.input_value("#id_lng") != "", page.inner_text("#peta-status")
    page.get_by_role("button", name="Gunakan lokasi saya").click()
    expect(page.locator("#id_lat")).to_have_value(re.compile(r"^-2\.7215"))
    assert page.input_value("#id_lng").startswith("102.8952")
    page.fill("#id_location_detail", "Dusun II dekat masjid")
    page.fill("#id_d_bencana-banjir_rumah_terendam", "20")
    page.locator("#id_d_bencana-banjir_masih_berlangsung_0").check()
    page.set_input_files("#id_photos", str(small_photo))
    assert "1 foto dipilih" in page.inner_text("#foto-status")
    page.fill("#id_reporter_phone", "0812 3456 7890")
    page.locator("#id_consent").check()
    shot(page, screenshot_dir, "03-lapor-terisi")

    page.click("#kirim")
    page.wait_for_url("**/lapor/terkirim/**")
    code = page.inner_text("#kode-lacak").strip()
    assert re.fullmatch(r"KA-[2-9A-Z]{4}-[2-9A-Z]{5}", code)
    shot(page, screenshot_dir, "04-terkirim")
    assert_no_horizontal_overflow(page)

    incident = Incident.objects.get(tracking_code=code)
    assert incident.desa_id == DESA_RUPIT and incident.lat == pytest.approx(-2.7215)
    assert incident.details["rumah_terendam"] == 20 and incident.details["masih_berlangsung"] is True
    assert incident.photos.count() == 1

    page.goto(f"{live_server.url}/lacak/")
    page.fill("#id_kode", code.lower().replace("-", " "))
    page.get_by_role("button", name="Lacak").click()
    page.wait_for_url(f"**/lacak/{code}/")
    assert page.locator(".track-result .badge").inner_text() == "Baru"
    assert "Laporan diterima melalui Web." in page.inner_text(".timeline")
    assert "0812" not in page.content()
    shot(page, screenshot_dir, "05-lacak")
    assert_no_horizontal_overflow(page)
    assert not errors, errors
    context.close()


def test_citizen_reports_without_javascript(browser, live_server, reference_data, screenshot_dir):
    context = phone_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/lapor/")
    assert not page.locator("#field-peta").is_visible()  # no map without JavaScript
    page.locator("label[for=cat-bencana-banjir]").click()
    page.fill("#id_description", "Banjir di jalan desa, motor tidak bisa lewat.")
    page.select_option("#id_kecamatan", RUPIT)
    page.select_option("#id_desa", DESA_RUPIT)
    page.fill("#id_d_bencana-banjir_rumah_terendam", "3")
    page.locator("#id_consent").check()
    shot(page, screenshot_dir, "06-tanpa-js-terisi")
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_url("**/lapor/terkirim/**")
    code = page.inner_text("#kode-lacak").strip()
    assert not page.locator("#salin-kode").is_visible()  # copying needs JavaScript
    shot(page, screenshot_dir, "07-tanpa-js-terkirim")
    incident = Incident.objects.get(tracking_code=code)
    assert incident.desa_id == DESA_RUPIT and incident.lat is None
    assert incident.details == {"rumah_terendam": 3}

    page.goto(f"{live_server.url}/lacak/?kode={code}")
    assert page.locator(".track-result .badge").inner_text() == "Baru"
    context.close()


def test_refusal_keeps_the_form_without_javascript(browser, live_server, reference_data, screenshot_dir):
    context = phone_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/lapor/")
    page.locator("label[for=cat-konflik-antarwarga]").click()
    page.fill("#id_description", "Keributan antarpemuda dua desa setelah pertandingan bola.")
    page.select_option("#id_kecamatan", RUPIT)
    page.select_option("#id_desa", "16.13.03.2001")  # a desa of Nibung
    page.locator("#id_consent").check()
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_load_state("load")
    assert "Laporan belum terkirim." in page.inner_text(".error-summary")
    assert "tidak berada di kecamatan tersebut" in page.inner_text("#field-desa")
    assert "wajib diisi" in page.inner_text("#qset-konflik-antarwarga")
    assert page.input_value("#id_description").startswith("Keributan antarpemuda")
    shot(page, screenshot_dir, "08-tanpa-js-galat")
    assert Incident.objects.count() == 0
    context.close()
