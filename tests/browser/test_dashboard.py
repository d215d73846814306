"""Asisten I opens the SPM dashboard in a real browser: the five cards show
the hand-computed figures, the period filter works, and the page prints on A4."""

import os
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from incidents.reference.seed import seed_reference
from spm.seed import seed_spm
from tests import factories
from tests.spm.conftest import seed_q1_2026

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def known_data(transactional_db):
    # Transactional tests flush what the data migrations filled.
    seed_reference(apps)
    seed_spm(apps)
    boundaries = settings.WILAYAH_DATA_DIR / "muratara_kecamatan_from_desa.geojson"
    if boundaries.exists():
        call_command("import_boundaries", str(boundaries), stdout=open(os.devnull, "w"))
    personas = factories.make_personas()
    seed_q1_2026(personas)
    return personas


def card(page, code):
    return page.locator(f'article.spm-card[data-service="{code}"]')


def test_pimpinan_reads_the_dashboard(browser, live_server, known_data, screenshot_dir):
    context = browser.new_context(viewport=DESKTOP, locale="id-ID", timezone_id="Asia/Jakarta")
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), lambda route: route.abort())
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/dasbor/?year=2026&quarter=1")
    assert "/masuk/" in page.url
    page.fill("input[name=username]", "asisten1")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/dasbor/"))

    assert page.get_by_test_id("period-label").inner_text() == "Triwulan I 2026"
    expected = {
        "tibum": ("83,3 %", "25", "30"),
        "info-bencana": ("11,4 %", "400", "3.500"),
        "siaga-bencana": ("belum ada sasaran", "0", "0"),
        "evakuasi-bencana": ("0,0 %", "0", "40"),
        "kebakaran": ("40,0 %", "8", "20"),
    }
    for code, (capaian, served, must) in expected.items():
        c = card(page, code)
        assert c.get_by_test_id("capaian").inner_text().replace("\xa0", " ") == capaian, code
        assert c.get_by_test_id("served").inner_text() == served, code
        assert c.get_by_test_id("must-serve").inner_text() == must, code
    # tibum: quality 4/5 = 80 %, index (80 x 83,33 + 20 x 80) / 100 = 82,66
    assert card(page, "tibum").get_by_test_id("index").inner_text().replace("\xa0", " ") == "82,7 %"
    assert "band-kuning" in card(page, "tibum").get_attribute("class")
    assert "band-abu" in card(page, "siaga-bencana").get_attribute("class")
    assert page.locator("svg.chart polyline").count() >= 1
    if (settings.WILAYAH_DATA_DIR / "muratara_kecamatan_from_desa.geojson").exists():
        assert page.locator("svg.choropleth-wide path.kec").count() == 7
    page.screenshot(path=str(screenshot_dir / "dasbor-01-triwulan.png"), full_page=True)

    # Every figure links to the list behind it: the tibum served count opens the desk queue.
    href = card(page, "tibum").get_by_test_id("served").get_attribute("href")
    assert href.startswith("/petugas/?category=ketertiban-umum") and "created_after=2026-01-01" in href

    # Change the period: January 2026 only.
    page.select_option("select[name=quarter]", "")
    page.select_option("select[name=month]", "1")
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url(re.compile(r"month=1"))
    assert page.get_by_test_id("period-label").inner_text() == "Januari 2026"
    assert card(page, "kebakaran").get_by_test_id("capaian").inner_text().replace("\xa0", " ") == "40,0 %"
    # No public-order report in January: a report-based service has no case, not "no target".
    assert card(page, "tibum").get_by_test_id("capaian").inner_text() == "tidak ada kasus"
    # Activity services count from January: 0 of 3.500 in January.
    assert card(page, "info-bencana").get_by_test_id("capaian").inner_text().replace("\xa0", " ") == "0,0 %"
    page.screenshot(path=str(screenshot_dir / "dasbor-02-januari.png"), full_page=True)

    # Back to the quarter, printed on A4.
    page.goto(f"{live_server.url}/dasbor/?year=2026&quarter=1")
    page.emulate_media(media="print")
    assert page.locator("#dasbor-filter").is_hidden()
    page.set_viewport_size({"width": 794, "height": 1123})
    page.screenshot(path=str(screenshot_dir / "dasbor-03-cetak-a4.png"), full_page=True)
    page.pdf(path=str(screenshot_dir / "dasbor-cetak.pdf"), format="A4", print_background=True)
    assert (screenshot_dir / "dasbor-cetak.pdf").stat().st_size > 10_000
    assert not errors, errors
    context.close()


def test_tim_efektif_records_an_activity(browser, live_server, known_data, screenshot_dir, tmp_path):
    from PIL import Image

    photo = tmp_path / "sosialisasi.jpg"
    Image.new("RGB", (64, 48), (30, 120, 60)).save(photo, format="JPEG")
    context = browser.new_context(viewport=DESKTOP, locale="id-ID", timezone_id="Asia/Jakarta")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/masuk/?next=/dasbor/kegiatan/")
    page.fill("input[name=username]", "tim_efektif")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/dasbor/kegiatan/"))
    page.select_option("select[name=service]", "info-bencana")
    page.fill("input[name=date]", "2026-03-20")
    page.select_option("select[name=desa]", factories.DESA_NIBUNG)
    page.select_option("select[name=hazard]", "banjir")
    page.fill("input[name=people_reached]", "250")
    page.fill("textarea[name=description]", "Sosialisasi peta rawan banjir di balai desa")
    page.set_input_files("input[name=evidence]", str(photo))
    page.get_by_role("button", name="Simpan kegiatan").click()
    page.wait_for_load_state("load")
    assert "Kegiatan dicatat." in page.content()
    page.screenshot(path=str(screenshot_dir / "dasbor-04-kegiatan.png"), full_page=True)
    # 400 + 250 of 3.500 = 18,6 %
    page.goto(f"{live_server.url}/dasbor/?year=2026&quarter=1")
    assert card(page, "info-bencana").get_by_test_id("capaian").inner_text().replace("\xa0", " ") == "18,6 %"
    page.goto(f"{live_server.url}/dasbor/sasaran/?year=2026")
    assert page.locator("table tbody tr").count() == 3
    page.screenshot(path=str(screenshot_dir / "dasbor-07-sasaran.png"), full_page=True)
    page.goto(f"{live_server.url}/dasbor/mutu/?service=tibum&year=2026&quarter=1")
    page.screenshot(path=str(screenshot_dir / "dasbor-05-mutu.png"), full_page=True)
    page.goto(f"{live_server.url}/dasbor/?year=2026&quarter=1&kecamatan={factories.RUPIT}&peta=laporan")
    page.screenshot(path=str(screenshot_dir / "dasbor-06-rupit.png"), full_page=True)
    assert not errors, errors
    context.close()
