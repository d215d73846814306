"""/lapor/ with no signal: the report waits on the phone and is delivered once
when the signal returns (issue 10). A phone, Debian's chromium, the service
worker of the portal, and the public API as the only way in."""

import os
import time

import pytest

from incidents.models import Incident
from tests.browser.citizen import (
    FLOOD,
    collect_errors,
    fill_flood_report,
    phone_context,
    photo_file,
    record_metric,
    wait_for_service_worker,
)
from tests.factories import DESA_RUPIT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def shot(page, screenshot_dir, name):
    page.screenshot(path=str(screenshot_dir / f"offline-{name}.png"), full_page=True)


def test_report_made_offline_is_delivered_once_when_the_signal_returns(browser, live_server, screenshot_dir, tmp_path):
    from playwright.sync_api import expect

    context = phone_context(browser)
    page = context.new_page()
    errors = collect_errors(page)
    page.goto(f"{live_server.url}/lapor/")
    wait_for_service_worker(page)

    context.set_offline(True)
    fill_flood_report(page, photo=photo_file(tmp_path / "banjir.jpg"))
    expect(page.locator("#status-sinyal")).to_be_visible()
    page.click("#kirim")

    waiting = page.locator("#antrean-daftar li")
    expect(waiting).to_have_count(1)
    expect(page.locator("#antrean")).to_be_visible()
    expect(waiting.first).to_contain_text("Banjir")
    expect(waiting.first).to_contain_text("1 foto")
    expect(waiting.first.locator(".antrean-state")).to_have_text("Menunggu sinyal")
    expect(page.locator("#kabar-kirim")).to_contain_text("Belum ada sinyal")
    # The form is empty again, ready for another report.
    assert page.input_value("#id_description") == ""
    assert Incident.objects.count() == 0
    shot(page, screenshot_dir, "01-menunggu")

    # Still no signal: the form opens from the phone, with the waiting report.
    started = time.monotonic()
    page.reload(wait_until="load")
    opened_s = time.monotonic() - started
    timing = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " return {responseEnd: n.responseEnd, domContentLoaded: n.domContentLoadedEventEnd,"
        " load: n.loadEventEnd, transferSize: n.transferSize}; })()"
    )
    expect(page.get_by_role("heading", name="Lapor kejadian")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    expect(waiting).to_have_count(1)
    assert timing["transferSize"] == 0, "the page must come from the phone, not the network"
    record_metric("lapor-offline-open", {"wall_seconds": round(opened_s, 3), **timing})
    shot(page, screenshot_dir, "02-muat-ulang-tanpa-sinyal")

    # The signal returns: the report goes, once, and its code stays on the phone.
    context.set_offline(False)
    mine = page.locator("#laporan-saya-daftar li")
    expect(mine).to_have_count(1, timeout=30000)
    expect(page.locator("#antrean")).to_be_hidden()
    code = page.locator("#laporan-saya-daftar a").inner_text().strip()
    expect(page.locator("#kabar-terkirim")).to_contain_text(code)
    incident = Incident.objects.get()
    assert incident.tracking_code == code
    assert incident.description == FLOOD
    assert incident.desa_id == DESA_RUPIT
    assert incident.details == {"rumah_terendam": 20}
    assert incident.photos.count() == 1
    assert incident.channel == "web"
    shot(page, screenshot_dir, "03-laporan-saya")

    # Nothing goes twice: another visit and another `online` find nothing to send.
    page.reload(wait_until="load")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(1500)
    expect(mine).to_have_count(1)
    assert Incident.objects.count() == 1
    assert page.locator("#laporan-saya-daftar a").get_attribute("href") == f"/lacak/{code}/"
    assert not errors, errors
    context.close()


def test_a_report_the_network_drops_is_kept_and_sent_on_the_next_visit(browser, live_server, screenshot_dir):
    """Online as far as the phone knows, but the upload fails: the report is kept, not lost."""
    from playwright.sync_api import expect

    context = phone_context(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/lapor/")
    wait_for_service_worker(page)
    context.route("**/api/v1/reports/", lambda route: route.abort("connectionreset"))
    fill_flood_report(page)
    page.click("#kirim")
    expect(page.locator("#antrean-daftar li")).to_have_count(1)
    assert Incident.objects.count() == 0
    context.unroute("**/api/v1/reports/")

    # The next visit sends it.
    page.goto(f"{live_server.url}/lapor/")
    expect(page.locator("#laporan-saya-daftar li")).to_have_count(1, timeout=30000)
    expect(page.locator("#antrean")).to_be_hidden()
    assert Incident.objects.count() == 1
    code = Incident.objects.get().tracking_code
    # "Laporan saya" is also on the tracking page.
    page.goto(f"{live_server.url}/lacak/")
    expect(page.locator("#laporan-saya-daftar a")).to_have_text(code)
    context.close()


def test_refused_report_stays_on_the_form_with_the_servers_message(browser, live_server):
    """A report the server refuses is not queued: the resident sees why, next to the field."""
    from playwright.sync_api import expect

    context = phone_context(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/lapor/")
    fill_flood_report(page, rumah_terendam="-3")
    # The browser's own check would stop -3 first; the server is the authority either way.
    page.evaluate("document.getElementById('id_d_bencana-banjir_rumah_terendam').removeAttribute('min')")
    page.click("#kirim")
    expect(page.locator("#galat-klien")).to_be_visible()
    expect(page.locator("#field-d_bencana-banjir_rumah_terendam .errorlist")).to_contain_text("di luar batas")
    expect(page.locator("#antrean")).to_be_hidden()
    assert page.input_value("#id_description") == FLOOD
    assert Incident.objects.count() == 0
    context.close()
