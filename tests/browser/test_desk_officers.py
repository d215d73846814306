"""The officers' desk in a real browser: the petugas's path after verifying a
report (on a phone), the queue on a phone, the desk map with a filter, and
axe-core on the queue, the report page and the map."""

import os
import re

import pytest
from django.apps import apps
from django.core import mail

from incidents.models import Incident
from incidents.reference.seed import seed_reference
from incidents.workflow.services import incident_assign, incident_transition
from tests import factories
from tests.browser.desk import DESKTOP, PHONE, new_page, serious_violations, sign_in, sign_out, transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def personas(transactional_db):
    # Transactional tests flush what the data migrations filled.
    seed_reference(apps)
    return factories.make_personas()


def test_petugas_after_verification_asks_for_an_assignment_on_a_phone(browser, live_server, personas, screenshot_dir):
    incident = factories.make_incident(
        category="ketertiban-umum", description="Lapak pedagang menutup bahu jalan lintas di depan pasar."
    )
    base = live_server.url
    context, page = new_page(browser, PHONE)
    shot = lambda name: page.screenshot(path=str(screenshot_dir / f"desk-request-{name}.png"), full_page=True)  # noqa: E731

    # The petugas of Rupit verifies the report.
    sign_in(page, base, personas.officer_rupit.username)
    page.goto(f"{base}/petugas/laporan/{incident.pk}/")
    transition(page, "diverifikasi", note="Sudah dicek ke lokasi.", visibility="internal")
    assert page.locator("#incident-status").inner_text() == "Diverifikasi"

    # No dead end: the top of the page says what comes next, and the card says
    # who assigns and offers to ask.
    next_step = page.locator("#langkah-berikutnya")
    assert next_step.is_visible() and next_step.bounding_box()["y"] < PHONE["height"]
    next_step.get_by_role("link", name="Minta penugasan").click()
    card = page.locator("#minta-penugasan")
    card.scroll_into_view_if_needed()
    assert card.is_visible()
    text = card.inner_text()
    assert "minimal satu instansi" in text and "Instansi ditugaskan oleh koordinator" in text
    assert personas.koordinator.username in text
    assert page.locator("form.transition-form").count() == 0
    assert serious_violations(page) == []
    shot("1-petugas-diverifikasi")
    mail.outbox.clear()
    card.locator("select[name=minta-agency]").select_option("satpol-pp")
    card.locator("textarea[name=minta-note]").fill("Perlu penertiban, pedagang menolak pindah.")
    card.get_by_role("button", name="Minta penugasan").click()
    page.wait_for_load_state()
    assert "Permintaan penugasan dikirim ke koordinator" in page.locator(".messages").inner_text()
    assert "Menunggu penugasan" in page.locator("#langkah-berikutnya").inner_text()
    pending = page.locator("#minta-penugasan .request-pending")
    assert "Menunggu penugasan" in pending.inner_text() and "Satpol PP" in pending.inner_text()
    assert page.locator("#minta-penugasan form").count() == 0
    shot("2-petugas-diminta")
    assert [m.to for m in mail.outbox if "Permintaan penugasan" in m.subject] == [["koordinator@example.test"]]
    sign_out(page)

    # The koordinator sees the waiting request in the queue and assigns the suggested agency.
    sign_in(page, base, personas.koordinator.username)
    tab = page.locator(".status-tabs a.tab-request")
    assert tab.locator("strong").inner_text() == "1"
    tab.click()
    page.wait_for_url(re.compile(r"assignment_requested=1"))
    row = page.locator("table.queue tbody tr", has_text=incident.tracking_code)
    assert row.count() == 1 and "Menunggu penugasan" in row.inner_text()
    row.locator("a.code").click()
    page.wait_for_url(re.compile(rf"/petugas/laporan/{incident.pk}/"))
    assert page.locator("#aksi-tugaskan select[name=agency]").input_value() == "satpol-pp"
    assert "Perlu penertiban" in page.locator("#minta-penugasan").inner_text()
    page.locator("#aksi-tugaskan button[type=submit]").click()
    page.wait_for_load_state()
    assert "Satuan Polisi Pamong Praja" in page.locator("#penugasan").inner_text()
    assert page.locator("#minta-penugasan").count() == 0
    sign_out(page)

    # Back on the phone, the petugas can start the handling.
    sign_in(page, base, personas.officer_rupit.username)
    page.goto(f"{base}/petugas/laporan/{incident.pk}/")
    transition(page, "ditangani")
    assert page.locator("#incident-status").inner_text() == "Ditangani"
    shot("3-petugas-ditangani")
    assert Incident.objects.get(pk=incident.pk).assignment_requested_at is None
    assert page.errors == []
    context.close()


def _queue_of(personas, n=12):
    made = []
    for i in range(n):
        incident = factories.make_incident(
            description=f"Laporan uji nomor {i}: air naik di jalan desa.", lat=-2.70 - i * 0.002, lng=102.85
        )
        made.append(incident)
    incident_transition(incident=made[0], actor=personas.koordinator, to="diverifikasi")
    return made


def test_queue_on_a_phone(browser, live_server, personas, screenshot_dir):
    made = _queue_of(personas)
    base = live_server.url
    context, page = new_page(browser, PHONE)
    sign_in(page, base, personas.officer_rupit.username)

    # Filters folded; the first report is on the first screen, as a card.
    assert page.locator("details.filter-fold").get_attribute("open") is None
    assert not page.locator("#queue-filter").is_visible()
    first = page.locator("table.queue tbody tr").first
    box = first.bounding_box()
    assert box["y"] + 60 <= PHONE["height"], box
    assert made[-1].tracking_code in first.inner_text()
    assert first.evaluate("tr => getComputedStyle(tr).display") == "grid"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir / "desk-queue-phone.png"))
    page.screenshot(path=str(screenshot_dir / "desk-queue-phone-full.png"), full_page=True)
    assert serious_violations(page) == []

    # Opening the filters and searching for words still lists.
    page.locator("details.filter-fold > summary").click()
    page.fill("#queue-filter input[name=q]", "nomor 3")
    page.locator("#queue-filter button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("table.queue tbody tr").count() == 1
    # The words and the petugas's default (open reports) the form carried.
    assert page.locator("details.filter-fold .badge-count").inner_text() == "2 aktif"

    # An exact tracking code opens the report (the filters stay open while one is chosen).
    assert page.locator("details.filter-fold").get_attribute("open") is not None
    page.fill("#queue-filter input[name=q]", made[0].tracking_code.lower())
    page.locator("#queue-filter button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/petugas/laporan/{made[0].pk}/$"))
    assert serious_violations(page) == []
    context.close()

    # On a desk too the filters stay folded until the user chooses one.
    context, page = new_page(browser, DESKTOP)
    sign_in(page, base, personas.koordinator.username)
    assert page.locator("details.filter-fold").get_attribute("open") is None
    assert page.locator("table.queue thead").is_visible()
    page.goto(f"{base}/petugas/?category=bencana-banjir")
    assert page.locator("details.filter-fold").get_attribute("open") is not None
    context.close()


def test_desk_map_with_a_filter(browser, live_server, personas, screenshot_dir):
    base = live_server.url
    # A cluster of floods near Muara Rupit, a fire elsewhere, and a Nibung report.
    floods = [
        factories.make_incident(lat=-2.704 + i * 0.0004, lng=102.853 + i * 0.0004, description=f"Banjir {i}")
        for i in range(6)
    ]
    fire = factories.make_incident(category="kebakaran-permukiman", lat=-2.62, lng=102.98)
    nibung = factories.make_incident(desa=factories.DESA_NIBUNG, lat=-2.95, lng=103.05)
    incident_transition(incident=floods[0], actor=personas.koordinator, to="diverifikasi")
    incident_assign(incident=floods[0], actor=personas.koordinator, agency="bpbd")
    incident_transition(incident=floods[0], actor=personas.koordinator, to="ditangani")
    incident_transition(incident=fire, actor=personas.koordinator, to="diverifikasi")

    context, page = new_page(browser, DESKTOP)
    sign_in(page, base, personas.koordinator.username)
    page.goto(f"{base}/petugas/")
    page.locator("#tab-all").click()  # every report, not the koordinator's work
    page.wait_for_url(re.compile(r"status="))
    page.locator("#queue-map-link").click()
    page.wait_for_url(re.compile(r"/petugas/peta/"))
    page.wait_for_selector("#desk-map-status:has-text('laporan di peta')")
    assert page.locator("#desk-map-status").inner_text() == "8 laporan di peta."

    # Filter: banjir in Rupit, through the same (folded) filter form as the queue.
    assert page.locator("details.filter-fold").get_attribute("open") is None
    page.locator("details.filter-fold > summary").click()
    page.select_option("#queue-filter select[name=category]", "bencana-banjir")
    page.select_option("#queue-filter select[name=kecamatan]", factories.RUPIT)
    page.locator("#queue-filter button[type=submit]").click()
    page.wait_for_url(re.compile(r"category=bencana-banjir"))
    page.wait_for_selector("#desk-map-status:has-text('laporan di peta')")
    assert page.locator("#desk-map-status").inner_text() == "6 laporan di peta."
    assert page.locator("#desk-map .desk-cluster").count() >= 1  # the six floods cluster
    shown = page.locator("#desk-map .desk-cluster span").all_inner_texts()
    shown_pins = page.locator("#desk-map .desk-pin").count()
    assert sum(int(n) for n in shown) + shown_pins == 6
    # The cluster takes the colour of its most urgent report (baru).
    assert "desk-cluster-baru" in page.locator("#desk-map .desk-cluster").first.get_attribute("class")
    page.locator("#desk-map").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "desk-map.png"))
    assert serious_violations(page) == []

    # Zoom into the cluster, open a report's popup, and follow it to the report.
    page.locator("#desk-map .desk-cluster").first.click()
    page.wait_for_timeout(800)
    pin = page.locator("#desk-map .desk-pin-ditangani")
    pin.wait_for(state="visible")
    pin.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    page.wait_for_timeout(400)  # the popup fades in
    assert floods[0].tracking_code in popup.inner_text() and "Ditangani" in popup.inner_text()
    page.screenshot(path=str(screenshot_dir / "desk-map-popup.png"))
    popup.get_by_role("link", name="Buka laporan").click()
    page.wait_for_url(re.compile(rf"/petugas/laporan/{floods[0].pk}/$"))
    assert serious_violations(page) == []
    assert page.errors == []
    context.close()

    # The officer of Rupit on a phone: their own reports only, the map fills the screen.
    context, page = new_page(browser, PHONE)
    sign_in(page, base, personas.officer_rupit.username, next_path="/petugas/peta/?status=terbuka")
    page.wait_for_selector("#desk-map-status:has-text('laporan di peta')")
    assert page.locator("#desk-map-status").inner_text() == "7 laporan di peta."
    box = page.locator("#desk-map").bounding_box()
    assert box["width"] >= PHONE["width"] - 40 and box["height"] >= 340
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    content = page.content()
    assert nibung.tracking_code not in content
    page.screenshot(path=str(screenshot_dir / "desk-map-phone.png"), full_page=True)
    assert serious_violations(page) == []
    assert page.errors == []
    context.close()
