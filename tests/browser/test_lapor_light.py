"""A citizen on a cheap phone and a weak signal (issue 11): /lapor/ under 120 KB
with compressed, hashed static files; the map only on request; photos scaled
down before upload with a progress bar; required questions checked in the
browser; no serious accessibility problem and 44 px tap targets."""

import os
import re

import pytest
from django.utils import timezone

from incidents.models import Incident, IncidentPhoto
from incidents.workflow.services import incident_assign, incident_transition
from tests.browser.citizen import (
    collect_errors,
    fill_flood_report,
    phone_context,
    photo_file,
    record_metric,
    wait_for_service_worker,
)
from tests.browser.production_static import collect_static, production_server
from tests.factories import make_incident, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BUDGET = 120 * 1024
MAP_ASSET = re.compile(r"/static/(leaflet/|js/lapor-peta)")


def shot(page, screenshot_dir, name):
    page.screenshot(path=str(screenshot_dir / f"ringan-{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    return collect_static(tmp_path_factory.mktemp("staticfiles"))


class Transfers:
    """Bytes on the wire (compressed bodies plus headers) of every finished request,
    the page's and its service worker's."""

    def __init__(self, context):
        self.rows = []
        context.on("requestfinished", self._finished)

    def _finished(self, request):
        sizes = request.sizes()
        response = request.response()
        headers = response.headers if response else {}
        self.rows.append(
            {
                "url": request.url,
                "worker": request.service_worker is not None,
                "bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                "encoding": headers.get("content-encoding", ""),
                "cache": headers.get("cache-control", ""),
            }
        )

    def total(self, worker=None):
        return sum(r["bytes"] for r in self.rows if worker is None or r["worker"] == worker)


def test_lapor_weighs_under_120_kb_compressed_with_javascript(browser, static_root, screenshot_dir):
    with production_server(static_root) as base:
        context = phone_context(browser)
        transfers = Transfers(context)
        page = context.new_page()
        page.goto(f"{base}/lapor/", wait_until="load")
        wait_for_service_worker(page)
        page.wait_for_load_state("networkidle")
        page_bytes, worker_bytes = transfers.total(worker=False), transfers.total(worker=True)
        rows = list(transfers.rows)
        assert not any(MAP_ASSET.search(r["url"]) for r in rows), "the map must wait until it is asked for"
        assert page_bytes + worker_bytes < BUDGET, rows

        # Production static files: hashed names, compressed, cached for a year.
        statics = [r for r in rows if "/static/" in r["url"] and not r["worker"]]
        assert {re.sub(r"\.[0-9a-f]{12}\.", ".", r["url"].rsplit("/", 1)[1]) for r in statics} >= {
            "kitaaman.css",
            "antrean.js",
            "laporan-saya.js",
            "lapor.js",
        }
        for row in statics:
            assert re.search(r"\.[0-9a-f]{12}\.\w+$", row["url"]), row
            assert "max-age=315360000" in row["cache"] and "immutable" in row["cache"], row
            if not row["url"].endswith(".svg") or row["encoding"]:
                assert row["encoding"] in ("br", "gzip"), row
        page_html = next(r for r in rows if r["url"].endswith("/lapor/") and not r["worker"])
        assert page_html["encoding"] == "gzip", page_html

        # Opening the map costs Leaflet, once.
        before_map = transfers.total()
        page.get_by_role("button", name="Buka peta").click()
        page.wait_for_selector("#peta.leaflet-container")
        page.wait_for_load_state("networkidle")
        map_bytes = transfers.total() - before_map
        context.close()

        off = phone_context(browser, java_script_enabled=False)
        off_transfers = Transfers(off)
        off_page = off.new_page()
        off_page.goto(f"{base}/lapor/", wait_until="load")
        off_page.wait_for_load_state("networkidle")
        no_js_bytes = off_transfers.total()
        off.close()

    record_metric(
        "lapor-weight",
        {
            "with_js_page_bytes": page_bytes,
            "with_js_service_worker_install_bytes": worker_bytes,
            "with_js_total_bytes": page_bytes + worker_bytes,
            "without_js_bytes": no_js_bytes,
            "map_on_request_bytes_without_tiles": map_bytes,
            "budget_bytes": BUDGET,
            "requests": rows,
        },
    )
    assert no_js_bytes < BUDGET


def test_map_and_leaflet_load_only_when_the_resident_asks(browser, live_server, screenshot_dir):
    from playwright.sync_api import expect

    context = phone_context(browser)
    page = context.new_page()
    errors = collect_errors(page)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/lapor/", wait_until="networkidle")
    assert not [u for u in requested if MAP_ASSET.search(u)]
    assert page.evaluate("() => typeof window.L") == "undefined"
    expect(page.locator("#peta")).to_be_hidden()
    shot(page, screenshot_dir, "01-lapor-tanpa-peta")
    page.evaluate("() => document.getElementById('langkah-lokasi').scrollIntoView()")
    page.screenshot(path=str(screenshot_dir / "ringan-01b-lokasi-tanpa-peta.png"))

    page.get_by_role("button", name="Buka peta").click()
    page.wait_for_selector("#peta.leaflet-container")
    assert [u for u in requested if u.endswith(".js") and "leaflet" in u]
    expect(page.get_by_role("button", name="Buka peta")).to_be_hidden()
    # Leaflet's controls in the page's language.
    expect(page.locator("#peta .leaflet-control-zoom-in")).to_have_attribute("title", "Perbesar")
    expect(page.locator("#peta .leaflet-control-zoom-out")).to_have_attribute("title", "Perkecil")
    # Desa centroids drawn even without tiles; a tap puts the point in the form.
    assert page.locator("#peta path.leaflet-interactive, #peta path").count() > 50
    page.locator("#peta").click()
    assert page.input_value("#id_lat") and page.input_value("#id_lng")
    expect(page.get_by_role("button", name="Hapus titik")).to_be_visible()
    shot(page, screenshot_dir, "02-lapor-dengan-peta")
    page.evaluate("() => document.getElementById('field-peta').scrollIntoView()")
    page.screenshot(path=str(screenshot_dir / "ringan-02b-lokasi-dengan-peta.png"))
    assert not errors, errors
    context.close()


def test_photo_is_scaled_down_on_the_phone_and_upload_shows_progress(browser, live_server, screenshot_dir, tmp_path):
    from playwright.sync_api import expect

    original = photo_file(tmp_path / "banjir-besar.jpg", size=(3000, 2000), quality=92)
    original_bytes = original.stat().st_size
    context = phone_context(browser)
    page = context.new_page()
    uploads = []
    page.on(
        "request", lambda r: uploads.append(len(r.post_data_buffer or b"")) if r.url.endswith("/reports/") else None
    )
    page.goto(f"{live_server.url}/lapor/")
    fill_flood_report(page, photo=original)
    # A slow uplink (1 Mbit/s) so that the progress bar has time to show.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 150, "downloadThroughput": 250_000, "uploadThroughput": 125_000},
    )
    page.click("#kirim")
    page.wait_for_function(
        "() => { const b = document.getElementById('kirim-bar');"
        " return b && !b.closest('[hidden]') && b.value > 0 && b.value < 100; }",
        timeout=30000,
    )
    expect(page.locator("#kirim-teks")).to_contain_text("Mengirim")
    page.locator("#kirim-progres").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "ringan-03-unggah-foto.png"))
    page.wait_for_url("**/lapor/terkirim/**", timeout=60000)

    photo = IncidentPhoto.objects.get()
    assert (photo.width, photo.height) == (1600, 1067), "scaled on the phone (the server alone would keep 2560 px)"
    assert uploads and uploads[0] < original_bytes / 4, (uploads, original_bytes)
    record_metric("lapor-photo", {"original_bytes": original_bytes, "uploaded_request_bytes": uploads[0]})
    context.close()


def test_required_questions_are_checked_in_the_browser_before_sending(browser, live_server, screenshot_dir):
    from playwright.sync_api import expect

    context = phone_context(browser)
    page = context.new_page()
    posted = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    page.goto(f"{live_server.url}/lapor/")
    page.locator("label[for=cat-konflik-antarwarga]").click()
    # Plain words for the resident; the UU 7/2012 classification is not asked here.
    options = page.locator("#id_d_konflik-antarwarga_pokok_masalah option").all_inner_texts()
    assert "Batas desa atau batas wilayah" in options
    assert page.locator("[name='d_konflik-antarwarga_sumber_konflik']").count() == 0
    page.fill("#id_description", "Keributan antarpemuda dua desa setelah pertandingan bola.")
    page.locator("#id_consent").check()
    page.click("#kirim")

    summary = page.locator("#galat-klien")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Apa pokok masalahnya? wajib diisi.")
    expect(summary).to_contain_text("Apakah terjadi kekerasan? wajib diisi.")
    expect(summary).to_contain_text("Pilih desa/kelurahan atau tandai lokasi di peta.")
    expect(page.locator("#field-d_konflik-antarwarga_pokok_masalah .errorlist")).to_contain_text("wajib diisi")
    assert posted == [], "nothing travels until the form is complete"
    shot(page, screenshot_dir, "04-pertanyaan-wajib")

    page.select_option("#id_d_konflik-antarwarga_pokok_masalah", "batas-wilayah")
    page.locator("label[for='id_d_konflik-antarwarga_ada_kekerasan_1']").click()
    page.select_option("#id_kecamatan", "16.13.03")
    page.select_option("#id_desa", "16.13.03.2001")
    page.click("#kirim")
    page.wait_for_url("**/lapor/terkirim/**")
    incident = Incident.objects.get()
    assert incident.details == {"pokok_masalah": "batas-wilayah", "ada_kekerasan": False}
    context.close()


TAP_TARGETS = """() => {
  const selector = 'a[href], button, select, textarea, summary,'
    + ' input:not([type=hidden]):not([type=radio]):not([type=checkbox]),'
    + ' label:has(> input[type=radio]), label:has(> input[type=checkbox])';
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('[aria-hidden=true], .skip-link, .leaflet-control-attribution')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || r.right < 0 || getComputedStyle(el).visibility === 'hidden') continue;
    if (r.width < 44 || r.height < 44) {
      small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 30)}"`
        + ` ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return small;
}"""


@pytest.fixture
def tracked_report(transactional_db):
    personas = make_personas()
    incident = make_incident(category="bencana-banjir")
    incident_transition(
        incident=incident, actor=personas.officer_rupit, to="diverifikasi", note="Sudah dicek.", public=True
    )
    incident_assign(incident=Incident.objects.get(pk=incident.pk), actor=personas.koordinator, agency="bpbd")
    return Incident.objects.get(pk=incident.pk)


def test_citizen_pages_pass_axe_and_have_44px_tap_targets(browser, live_server, tracked_report, screenshot_dir):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    code = tracked_report.tracking_code
    context = phone_context(browser)
    page = context.new_page()
    problems = {}
    for path in ["/", "/lapor/", "/lacak/", f"/lacak/{code}/", f"/lapor/terkirim/{code}/"]:
        page.goto(f"{live_server.url}{path}", wait_until="networkidle")
        violations = axe.run(page).response["violations"]
        serious = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]
        small = page.evaluate(TAP_TARGETS)
        if serious or small:
            problems[path] = {"axe": serious, "small tap targets": small}
    # The tracking page names who has the report and by when the next step is due.
    page.goto(f"{live_server.url}/lacak/{code}/")
    facts = page.inner_text(".track-facts")
    assert "Badan Penanggulangan Bencana Daerah (BPBD)" in facts
    due = timezone.localtime(Incident.objects.get(pk=tracked_report.pk).due_at)
    assert "Target tindak lanjut" in facts and f"{due:%Y} {due:%H.%M} WIB" in facts
    shot(page, screenshot_dir, "05-lacak")
    context.close()
    assert not problems, problems
