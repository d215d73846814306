"""Asisten I on the demo data of `make run`: lands on the dashboard after
signing in, reads it on a 360 px phone without sideways scrolling and with
labels of a readable size, and axe-core finds no serious or critical problem
on the dashboard, the summaries list and a summary."""

import os
import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.management import call_command

from incidents.demo.content import DEMO_PASSWORD
from spm.summaries.models import Summary
from tests.browser.a11y import assert_no_serious_violations
from tests.conftest import missing_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def demo(transactional_db):
    """What `make run` loads: boundaries, demo reports and users, the SPM demo data and summaries."""
    wilayah = settings.WILAYAH_DATA_DIR
    for name in ("muratara_desa.geojson", "muratara_kecamatan_from_desa.geojson"):
        if not (wilayah / name).is_file():
            missing_service(f"reference boundaries not found at {wilayah / name} (set WILAYAH_DATA_DIR)")
        call_command("import_boundaries", str(wilayah / name), verbosity=0)
    quiet = open(os.devnull, "w")
    call_command("seed_demo", reports=250, seed=2026, stdout=quiet)
    call_command("seed_spm_demo", seed=2026, stdout=quiet)
    return Summary.objects.get(kind="monthly")


def sign_in(browser, live_server, viewport, username="asisten1"):
    context = browser.new_context(viewport=viewport, locale="id-ID", timezone_id="Asia/Jakarta")
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{live_server.url}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return context, page


def test_pimpinan_lands_on_the_dashboard_and_reads_it_on_a_phone(browser, live_server, demo, screenshot_dir):
    context, page = sign_in(browser, live_server, PHONE)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # No `next`: the role decides where Asisten I lands.
    assert page.url == f"{live_server.url}/dasbor/"
    page.reload()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    # Every card has a figure: targets for all five services, quality assessed, population shown.
    assert page.locator("article.spm-card").count() == 5
    for card in page.locator("article.spm-card").all():
        assert "%" in card.get_by_test_id("capaian").inner_text()
        assert "%" in card.get_by_test_id("quality").inner_text()
    assert "data demo" in page.get_by_test_id("population-source").inner_text()
    # The compact chart and map are the ones shown, and their labels are at least 10 px on screen.
    assert page.locator("svg.chart-compact").is_visible() and not page.locator("svg.chart-wide").is_visible()
    assert page.locator("svg.choropleth-compact").is_visible()
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.chart-compact text, svg.choropleth-compact text')]
            .map(t => t.getBoundingClientRect().height).filter(h => h > 0))"""
    )
    assert smallest >= 10, f"smallest chart/map label is {smallest:.1f} px tall"
    page.screenshot(path=str(screenshot_dir / "dasbor-ponsel-360.png"), full_page=True)
    page.screenshot(path=str(screenshot_dir / "dasbor-ponsel-360-layar1.png"))
    assert not errors, errors
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_problem_on_the_leaders_pages(browser, live_server, demo, viewport):
    context, page = sign_in(browser, live_server, viewport)
    for url in ("/dasbor/", "/dasbor/?peta=laporan", "/ringkasan/", f"/ringkasan/{demo.pk}/"):
        page.goto(live_server.url + url)
        assert_no_serious_violations(page, url)
    context.close()


def test_the_summary_pdf_shows_the_chart(demo, screenshot_dir):
    if not shutil.which("pdftoppm"):
        missing_service("needs pdftoppm (apt-get install poppler-utils)")
    pdf = screenshot_dir / "ringkasan-bulanan.pdf"
    pdf.write_bytes(demo.pdf.read())
    prefix = screenshot_dir / "ringkasan-pdf-halaman"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "4", str(pdf), str(prefix)], check=True, timeout=60
    )
    pages = sorted(screenshot_dir.glob("ringkasan-pdf-halaman*.png"))
    assert len(pages) >= 2
    # Page 1 leads with what needs a decision; the chart and the map follow.
    first = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
    assert "Perlu perhatian" in first
    text = subprocess.run(["pdftotext", "-l", "4", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
    assert "Tren capaian bulanan" in text and "Laporan per 1.000 penduduk per kecamatan" in text
