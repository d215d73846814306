"""The officer's phone (360×740): the report page with its actions in the
first screen and readable facts, the desk map over slow 3G, the queue's
default for each role, and the error pages in the portal's frame. axe-core
on each."""

import os
import shutil
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from incidents.demo.generator import DemoGenerator, ensure_demo_users
from incidents.reference.seed import seed_reference
from incidents.workflow.services import incident_transition
from tests import factories
from tests.browser.desk import DESKTOP, PHONE, new_page, serious_violations, sign_in
from tests.browser.production_static import NOT_NEEDED, production_server, production_settings
from tests.figures import record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SHOTS = Path(os.environ.get("KITAAMAN_SHOTS", "/tmp/h6"))
DESA_BATU_GAJAH = "16.13.01.2003"


@pytest.fixture
def personas(transactional_db):
    # Transactional tests flush what the data migrations filled.
    seed_reference(apps)
    return factories.make_personas()


def shot(page, screenshot_dir, name, full_page=False):
    path = screenshot_dir / f"desk-phone-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


# JavaScript run in the page: each fact value's width against the widest word
# in it (a value squeezed to two or three letters a line is narrower).
NARROW_FACTS = """() => {
  const canvas = document.createElement('canvas').getContext('2d');
  const out = [];
  document.querySelectorAll('.facts dd').forEach(dd => {
    const style = getComputedStyle(dd);
    canvas.font = style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
    const words = dd.innerText.split(/\\s+/).filter(Boolean);
    const widest = Math.max(0, ...words.map(w => canvas.measureText(w).width));
    const width = dd.getBoundingClientRect().width;
    if (width + 1 < widest) out.push({text: dd.innerText.slice(0, 40), width, widest});
  });
  return out;
}"""


def test_report_page_on_a_phone_puts_the_actions_first_and_keeps_facts_readable(
    browser, live_server, personas, screenshot_dir
):
    # A conflict report: its answers have long labels ("Apakah ada kekerasan...").
    incident = factories.make_incident(
        category="konflik-perusahaan",
        desa=DESA_BATU_GAJAH,
        description="Warga menutup jalan kebun karena sengketa batas lahan plasma dengan perusahaan.",
        location_detail="Dusun II, dekat jembatan gantung dan masjid Al-Ikhlas",
    )
    context, page = new_page(browser, PHONE)
    sign_in(page, live_server.url, personas.officer_rupit.username)
    page.goto(f"{live_server.url}/petugas/laporan/{incident.pk}/")
    shot(page, screenshot_dir, "report-first-screen")
    shot(page, screenshot_dir, "report-full", full_page=True)

    # The first action the petugas may take is inside the first screen.
    first = page.locator("#action-bar a, #action-bar button").first
    assert first.is_visible()
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    assert "Verifikasi" in first.inner_text()
    # No fact value narrower than its longest word.
    assert page.evaluate(NARROW_FACTS) == []
    # The action leads to its form.
    first.click()
    form = page.locator("form.transition-form[data-target=diverifikasi]")
    form.wait_for(state="visible")
    assert serious_violations(page) == []
    assert page.errors == []
    context.close()


def test_report_page_on_a_laptop_keeps_two_columns(browser, live_server, personas, screenshot_dir):
    incident = factories.make_incident(desa=DESA_BATU_GAJAH)
    context, page = new_page(browser, DESKTOP)
    sign_in(page, live_server.url, personas.koordinator.username)
    page.goto(f"{live_server.url}/petugas/laporan/{incident.pk}/")
    shot(page, screenshot_dir, "report-laptop")
    main, side = page.locator(".desk-main").bounding_box(), page.locator(".desk-side").bounding_box()
    assert side["x"] > main["x"] + main["width"] - 1 and abs(side["y"] - main["y"]) < 2
    more = page.locator(".desk-more").bounding_box()
    assert more["x"] == main["x"] and more["y"] > main["y"]
    assert page.locator("#action-bar a").first.bounding_box()["y"] < DESKTOP["height"]
    assert serious_violations(page) == []
    context.close()


def slow_3g(context, page):
    """400 ms latency, 50 KB/s down, CPU four times slower (Chrome DevTools Protocol)."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": 50 * 1024, "uploadThroughput": 50 * 1024},
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    return cdp


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Production static files, with what the desk map's page loads (leaflet.draw's i18n too)."""
    root = tmp_path_factory.mktemp("staticfiles")
    with production_settings(root):
        ignore = [pattern for pattern in NOT_NEEDED if pattern != "draw"]
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=ignore)
    return root


def test_desk_map_default_view_shows_markers_within_5_s_on_slow_3g(browser, personas, static_root, screenshot_dir):
    ensure_demo_users(reset_passwords=False)
    DemoGenerator(seed=11, months=6).run(2050)
    with production_server(static_root) as base:
        context, page = new_page(browser, PHONE)
        sign_in(page, base, personas.officer_rupit.username)
        slow_3g(context, page)
        started = time.monotonic()
        page.goto(f"{base}/petugas/peta/", wait_until="commit")
        page.wait_for_selector("#desk-map .leaflet-marker-icon", timeout=30_000)
        seconds = time.monotonic() - started
        page.wait_for_load_state("load")
        # Bytes on the wire (compressed bodies and headers), as the browser counted them.
        wire = page.evaluate(
            """() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                 .map(e => [e.name, e.transferSize, e.decodedBodySize])"""
        )
        layer = next((sent, plain) for url, sent, plain in wire if "laporan.geojson" in url)
        total = sum(sent for _url, sent, _plain in wire)
        status = page.locator("#desk-map-status").inner_text()
        summary = (
            f"desk map on slow 3G (petugas, default view): markers after {seconds:.1f} s; "
            f"layer {layer[0]:,} B on the wire ({layer[1]:,} B plain), page and assets {total:,} B; {status}"
        )
        record(summary)
        print("\n" + summary)
        shot(page, screenshot_dir, "map-slow-3g")
        assert seconds < 5, seconds
        # The default is the open work: no cap to speak of.
        assert "Hanya" not in status and "laporan di peta" in status
        assert page.locator("#work-note").is_visible()
        assert serious_violations(page) == []
        context.close()

        # "Semua" for the koordinator: the cap is reached, and said.
        context, page = new_page(browser, PHONE)
        sign_in(page, base, personas.koordinator.username)
        slow_3g(context, page)
        started = time.monotonic()
        page.goto(f"{base}/petugas/peta/?status=", wait_until="commit")
        page.wait_for_selector("#desk-map .leaflet-marker-icon", timeout=60_000)
        seconds = time.monotonic() - started
        page.wait_for_function("document.getElementById('desk-map-status').textContent.includes('Hanya')")
        sent = page.evaluate(
            "() => performance.getEntriesByType('resource').filter(e => e.name.includes('laporan.geojson'))"
            ".map(e => e.transferSize)[0]"
        )
        summary = (
            f"desk map on slow 3G (koordinator, Semua, 2,000 cap): markers after {seconds:.1f} s; layer {sent:,} B"
        )
        record(summary)
        print(summary)
        assert sent < 100_000
        assert "Hanya 2.000 laporan terbaru" in page.locator("#desk-map-status").inner_text()
        shot(page, screenshot_dir, "map-slow-3g-semua")
        context.close()


def test_queue_opens_on_each_roles_work_on_a_phone(browser, live_server, personas, screenshot_dir):
    new = factories.make_incident()
    closed = factories.make_incident()
    incident_transition(incident=closed, actor=personas.koordinator, to="ditolak", note="Bukan kejadian.")
    for who in ("koordinator", "officer_rupit"):
        context, page = new_page(browser, PHONE)
        sign_in(page, live_server.url, getattr(personas, who).username)
        note = page.locator("#work-note")
        assert note.is_visible() and note.bounding_box()["y"] < PHONE["height"]
        listed = page.locator("table.queue tbody").inner_text()
        assert new.tracking_code in listed and closed.tracking_code not in listed
        assert page.locator("#filter-fold").get_attribute("open") is None
        shot(page, screenshot_dir, f"queue-{who}")
        assert serious_violations(page) == []
        page.locator("#tab-all").click()
        page.wait_for_load_state()
        assert closed.tracking_code in page.locator("table.queue tbody").inner_text()
        context.close()


@pytest.fixture
def crash_route(settings):
    # The error-page tests' URLconf: the portal's routes plus /crash/ (a RuntimeError).
    settings.ROOT_URLCONF = "tests.kitaaman.test_error_pages"


@pytest.mark.parametrize(
    "case",
    ["403-petugas-dasbor", "404-petugas-nibung-rupit", "404-peringatan", "500-crash"],
)
def test_error_pages_keep_the_frame_and_lead_back(browser, live_server, personas, crash_route, screenshot_dir, case):
    rupit = factories.make_incident()
    base = live_server.url
    context, page = new_page(browser, PHONE)
    if case == "403-petugas-dasbor":
        sign_in(page, base, personas.officer_rupit.username)
        response = page.goto(f"{base}/dasbor/")
        status, back = 403, "/petugas/"
        assert "Halaman ini hanya untuk pimpinan" in page.locator("main").inner_text()
    elif case == "404-petugas-nibung-rupit":
        sign_in(page, base, personas.officer_nibung.username)
        response = page.goto(f"{base}/petugas/laporan/{rupit.pk}/")
        status, back = 404, "/petugas/"
        assert rupit.tracking_code not in page.content()
    elif case == "404-peringatan":
        response = page.goto(f"{base}/peringatan/987654/")
        status, back = 404, "/"
        assert page.get_by_role("link", name="Lacak laporan").first.is_visible()
    else:
        response = page.goto(f"{base}/crash/")
        status, back = 500, "/"
    assert response.status == status
    assert page.locator("header.site-header").is_visible()
    assert page.locator("h1").is_visible()
    for text in ("Not Found", "Forbidden", "Server Error", "Bad Request"):
        assert text not in page.locator("body").inner_text()
    shot(page, screenshot_dir, f"error-{case}")
    assert serious_violations(page) == []
    link = page.locator("#error-back")
    assert link.bounding_box()["y"] < PHONE["height"]
    link.click()
    page.wait_for_load_state()
    assert page.url == f"{base}{back}", page.url
    context.close()
