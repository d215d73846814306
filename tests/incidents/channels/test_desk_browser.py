"""In a real browser: a report made by SMS over the live server's webhook,
found with the queue's channel filter, its conversation read on the report
page, and the sender blocked by the koordinator."""

import json
import os
import re

import httpx
import pytest

from incidents.channels.models import BlockedNumber
from incidents.models import Incident
from tests import factories
from tests.incidents.channels.helpers import SENDER, sign_sms, sms_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def send_sms(base, text):
    body = json.dumps(sms_event(text)).encode()
    headers = {k[len("HTTP_") :].replace("_", "-"): v for k, v in sign_sms(body).items()}
    response = httpx.post(
        f"{base}/channels/sms/android/", content=body, headers={"Content-Type": "application/json", **headers}
    )
    assert response.status_code == 200, response.text


def test_koordinator_reads_the_conversation_and_blocks_the_sender(
    browser, live_server, channel_settings, provider, screenshot_dir
):
    personas = factories.make_personas()
    factories.make_incident(description="Laporan dari web tentang banjir di jalan desa.")
    base = live_server.url
    for text in ("LAPOR", "3", "ds muara rupit", "Air sungai meluap setinggi lutut sejak subuh.", "YA"):
        send_sms(base, text)
    incident = Incident.objects.get(channel="sms")
    assert len(provider.sms_texts()) == 5

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID", timezone_id="Asia/Jakarta")
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{base}/petugas/")
    page.fill("input[name=username]", personas.koordinator.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/petugas/"))

    page.locator("details.filter-fold > summary").click()  # folded until a filter is chosen
    page.select_option("select[name=channel]", "sms")
    page.locator("#queue-filter button[type=submit]").first.click()
    page.wait_for_load_state()
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 1 and incident.tracking_code in rows.first.inner_text()
    page.screenshot(path=str(screenshot_dir / "channels-queue-filter.png"), full_page=True)

    rows.first.locator("a.code").click()
    page.wait_for_load_state()
    conversation = page.locator("#percakapan")
    assert conversation.is_visible()
    lines = conversation.locator("li")
    assert lines.count() == 10  # five messages in, five answers out
    assert "Air sungai meluap" in conversation.inner_text() and SENDER in conversation.inner_text()
    page.screenshot(path=str(screenshot_dir / "channels-conversation.png"), full_page=True)

    conversation.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert BlockedNumber.objects.filter(number=SENDER).exists()
    assert "Diblokir" in page.locator("#percakapan").inner_text()
    page.goto(f"{base}/petugas/nomor-diblokir/")
    assert SENDER in page.locator("table").inner_text()
    page.screenshot(path=str(screenshot_dir / "channels-blocked.png"), full_page=True)
    context.close()
