"""A Tim Efektif member opens the summaries in a real browser, reads the latest
one and downloads its PDF and XLSX."""

import os
import re
from datetime import datetime

import pytest
from django.apps import apps
from openpyxl import load_workbook

from incidents.models import Incident
from incidents.reference.seed import seed_reference
from spm.rollup import rebuild_stats
from spm.summaries.periods import WIB
from spm.summaries.render import XLSX_SHEETS
from spm.summaries.services import summary_generate
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Playwright's sync API keeps an event loop in this thread for the session;
# the tests' own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def summaries(transactional_db):
    # Transactional tests flush what the data migrations filled.
    seed_reference(apps)
    personas = factories.make_personas()
    when = datetime(2026, 11, 12, 10, 0, tzinfo=WIB)
    for category, desa, details in (
        ("bencana-banjir", factories.DESA_RUPIT, {"mengungsi": 85}),
        ("kebakaran-permukiman", factories.DESA_NIBUNG, {"jumlah_bangunan": 2}),
        ("ketertiban-umum", factories.DESA_RUPIT, None),
    ):
        extra = {"details": details} if details else {}
        incident = factories.make_incident(category, desa=desa, **extra)
        Incident.objects.filter(pk=incident.pk).update(created_at=when, reported_at=when)
    rebuild_stats()  # the reports were moved with .update(), past the change hook
    older = summary_generate(period_key="2026-10", now=datetime(2026, 11, 1, 7, 0, tzinfo=WIB))
    latest = summary_generate(period_key="2026-11", now=datetime(2026, 12, 1, 7, 0, tzinfo=WIB))
    return personas, older, latest


def test_tim_efektif_reads_and_downloads_the_latest_summary(browser, live_server, summaries, screenshot_dir):
    _personas, older, latest = summaries
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID", timezone_id="Asia/Jakarta", accept_downloads=True
    )
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), lambda route: route.abort())
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/ringkasan/")
    assert "/masuk/" in page.url
    page.fill("input[name=username]", "tim_efektif")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ringkasan/$"))
    rows = page.locator("table.summary-table tbody tr")
    assert rows.count() == 2
    assert "November 2026" in rows.nth(0).inner_text()  # newest first
    assert "Oktober 2026" in rows.nth(1).inner_text()
    page.screenshot(path=str(screenshot_dir / "ringkasan-01-daftar.png"), full_page=True)

    rows.nth(0).get_by_role("link", name="November 2026").click()
    page.wait_for_url(re.compile(rf"/ringkasan/{latest.pk}/$"))
    assert page.locator("h1").inner_text() == "Ringkasan Kepatuhan SPM Trantibumlinmas — November 2026"
    body = page.locator("main").inner_text()
    assert "Capaian SPM per layanan" in body
    assert "85 warga mengungsi" in body
    assert "Kebakaran permukiman/gedung" in body
    page.screenshot(path=str(screenshot_dir / "ringkasan-02-detail.png"), full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh PDF").click()
    pdf = info.value
    assert pdf.suggested_filename == "ringkasan-monthly-2026-11-r1.pdf"
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh XLSX").click()
    xlsx = info.value
    assert xlsx.suggested_filename == "ringkasan-monthly-2026-11-r1.xlsx"
    saved = screenshot_dir / xlsx.suggested_filename
    xlsx.save_as(saved)
    workbook = load_workbook(saved)
    assert workbook.sheetnames == XLSX_SHEETS

    # On a phone the tables scroll instead of breaking the page.
    phone = context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/ringkasan/{latest.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(screenshot_dir / "ringkasan-03-ponsel.png"), full_page=True)
    assert errors == []
    context.close()


def test_other_staff_cannot_open_the_summaries(browser, live_server, summaries):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/masuk/?next=/ringkasan/")
    page.fill("input[name=username]", "petugas_rupit")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    response = page.goto(f"{live_server.url}/ringkasan/")
    assert response.status == 403
    context.close()
