"""A report that waited on the phone is delivered: the resident sees it, with its
code, at the top of the screen wherever they are on the page, and on their next
visit when it went with no page open (Background Sync). "Laporan saya" shows each
code's current status (issue 20). A 360 x 740 phone, axe clean."""

import os

import pytest

from incidents.models import Incident
from tests.browser.a11y import assert_no_serious_violations
from tests.browser.citizen import collect_errors, fill_flood_report, phone_context, wait_for_service_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SHOTS = "/tmp/h7"


def in_viewport(page, selector) -> bool:
    return page.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
        " return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }",
        selector,
    )


def queue_a_report_offline(page, live_server):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/lapor/")
    wait_for_service_worker(page)
    page.context.set_offline(True)
    fill_flood_report(page)
    page.click("#kirim")
    expect(page.locator("#antrean-daftar li")).to_have_count(1)


def test_confirmation_is_at_the_top_of_the_screen_after_an_offline_reload(browser, live_server):
    from playwright.sync_api import expect

    os.makedirs(SHOTS, exist_ok=True)
    context = phone_context(browser)
    page = context.new_page()
    errors = collect_errors(page)
    queue_a_report_offline(page, live_server)

    # Mid-form, then a reload with no signal: the page opens at the top, not where the resident was.
    page.locator("#langkah-foto").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 1000
    page.reload(wait_until="load")
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator("#antrean-daftar li")).to_have_count(1)

    # The resident scrolls down again; the signal returns.
    page.locator("#langkah-identitas").scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 1000
    context.set_offline(False)
    banner = page.locator("#kabar-terkirim")
    expect(banner).to_be_visible(timeout=30000)
    code = Incident.objects.get().tracking_code
    expect(banner).to_contain_text(code)
    expect(banner).to_contain_text("sudah terkirim")
    assert in_viewport(page, "#kabar-terkirim"), "the confirmation must be on screen wherever the resident is"
    expect(banner).to_be_focused()
    assert banner.locator("a").get_attribute("href") == f"/lacak/{code}/"
    page.screenshot(path=f"{SHOTS}/confirmation-banner.png")
    assert_no_serious_violations(page, "/lapor/ with the delivery banner")

    banner.get_by_role("button", name="Tutup").click()
    expect(banner).to_be_hidden()
    # Seen once: the next visit does not say it again.
    page.reload(wait_until="load")
    expect(page.locator("#laporan-saya-daftar li")).to_have_count(1)
    page.wait_for_timeout(500)
    expect(banner).to_be_hidden()
    assert Incident.objects.count() == 1
    assert not errors, errors
    context.close()


def test_next_visit_says_a_report_went_by_background_sync_with_its_code_and_status(browser, live_server):
    from playwright.sync_api import expect

    os.makedirs(SHOTS, exist_ok=True)
    context = phone_context(browser)
    page = context.new_page()
    queue_a_report_offline(page, live_server)
    worker = context.service_workers[0]
    keeper = context.new_page()  # the browser stays open; the form's tab is closed
    page.close()

    # The signal returns with no page of the portal open: what the worker's `sync` handler runs.
    context.set_offline(False)
    worker.evaluate("deliverWaiting()")
    incident = Incident.objects.get()
    code = incident.tracking_code
    Incident.objects.filter(pk=incident.pk).update(status="diverifikasi")

    # The next visit (here the tracking page) says so, with the code and its status now.
    page = keeper
    errors = collect_errors(page)
    page.goto(f"{live_server.url}/lacak/")
    banner = page.locator("#kabar-terkirim")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("saat halaman tertutup")
    expect(banner).to_contain_text(code)
    assert in_viewport(page, "#kabar-terkirim")
    mine = page.locator("#laporan-saya-daftar li")
    expect(mine).to_have_count(1)
    expect(mine.first).to_contain_text(code)
    expect(mine.first.locator(".badge")).to_have_text("Diverifikasi")
    page.screenshot(path=f"{SHOTS}/confirmation-next-visit.png", full_page=True)
    assert_no_serious_violations(page, "/lacak/ with Laporan saya")

    # Said once; the status is kept for a visit with no signal.
    page.reload(wait_until="load")
    expect(mine.first.locator(".badge")).to_have_text("Diverifikasi")
    page.wait_for_timeout(300)
    expect(banner).to_be_hidden()
    context.set_offline(True)
    page.goto(f"{live_server.url}/lapor/")
    expect(page.locator("#laporan-saya-daftar li .badge")).to_have_text("Diverifikasi")
    assert Incident.objects.count() == 1
    assert not errors, errors
    context.close()
