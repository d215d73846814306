"""/lapor/ on a phone an officer has signed in and out of (issue 22): the service
worker never keeps the officer's copy of the form, drops its copies when the
officer signs out, and a resident's report typed offline afterwards is queued and
delivered once."""

import os
import re
import time

import pytest

from incidents.models import Incident
from tests.browser.citizen import collect_errors, fill_flood_report, phone_context, wait_for_service_worker
from tests.factories import PASSWORD, make_incident, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

KEPT_FORM = "caches.match('/lapor/', {ignoreVary: true}).then(r => r ? r.text() : '')"


def kept_form(page) -> str:
    return page.evaluate(KEPT_FORM)


def wait_for_kept_form(page, condition, timeout_s=20):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        html = kept_form(page)
        if condition(html):
            return html
        page.wait_for_timeout(200)
    raise AssertionError("the worker kept no such copy of the form")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


def test_officers_form_is_never_kept_and_a_resident_can_queue_offline_after_sign_out(
    browser, live_server, screenshot_dir
):
    from playwright.sync_api import expect

    make_personas()
    context = phone_context(browser)
    page = context.new_page()
    errors = collect_errors(page)

    # A resident opened the form once: the phone keeps it.
    page.goto(f"{live_server.url}/lapor/")
    wait_for_service_worker(page)
    residents_copy = wait_for_kept_form(page, bool)
    assert 'data-offline="1"' in residents_copy
    # The worker's rule, on answers of the portal: the anonymous form may be kept, an answer
    # marked private (the tracking API) may not, whatever else it carries.
    worker = context.service_workers[0]
    code = make_incident().tracking_code
    assert worker.evaluate("fetch('/lapor/').then(keepable)") is True
    assert worker.evaluate(f"fetch('/api/v1/reports/track/{code}/').then(r => r.ok && keepable(r))") is False
    assert worker.evaluate("keepable(new Response('x', {headers: {'Cache-Control': 'no-store'}}))") is False

    # An officer signs in on the same phone and opens the form twice (the worker answers the second).
    page.goto(f"{live_server.url}/masuk/")
    page.fill("#id_username", "petugas_rupit")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/petugas/"))
    for _ in range(2):
        page.goto(f"{live_server.url}/lapor/")
        expect(page.locator("form[action='/keluar/'] button")).to_be_visible()
    page.wait_for_timeout(500)  # give the worker the time it would take to store a copy
    kept = kept_form(page)
    assert "/keluar/" not in kept and 'data-offline="1"' in kept, "the officer's page must never be kept"

    # Signing out: the worker drops the copy and keeps a fresh anonymous one.
    page.click("form[action='/keluar/'] button")
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Masuk petugas")).to_be_visible()
    old = csrf_token(residents_copy)
    kept = wait_for_kept_form(page, lambda html: bool(html) and old not in html)
    assert "/keluar/" not in kept and 'data-offline="1"' in kept

    # No signal: a resident opens the form from the phone and reports.
    context.set_offline(True)
    page.goto(f"{live_server.url}/lapor/")
    expect(page.get_by_role("heading", name="Lapor kejadian")).to_be_visible()
    expect(page.locator("form[action='/keluar/']")).to_have_count(0)
    expect(page.get_by_role("link", name="Masuk petugas")).to_be_visible()
    assert page.get_attribute("#form-lapor", "data-offline") == "1"
    fill_flood_report(page)
    page.click("#kirim")
    expect(page.locator("#antrean-daftar li")).to_have_count(1)
    expect(page.locator("#kabar-kirim")).to_contain_text("Belum ada sinyal")
    page.screenshot(path="/tmp/h7/shared-phone-queued.png", full_page=True)
    assert Incident.objects.count() == 1  # only the one made above

    # The signal returns: delivered once, as a resident's report (nobody signed in entered it).
    context.set_offline(False)
    expect(page.locator("#laporan-saya-daftar li")).to_have_count(1, timeout=30000)
    expect(page.locator("#antrean")).to_be_hidden()
    incident = Incident.objects.exclude(tracking_code=code).get()
    assert incident.channel == "web" and incident.created_by is None
    page.reload()
    page.wait_for_timeout(1000)
    assert Incident.objects.count() == 2
    assert not errors, errors
    context.close()
