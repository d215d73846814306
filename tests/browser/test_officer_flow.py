"""An officer works a citizen's report end to end in a real browser: queue,
verify with a public note, koordinator assigns BPBD, handling, BPBD finishes
its part, the officer closes it with a public resolution note and adds an
internal note; the citizen's tracking page shows the public notes only."""

import os
import re

import pytest
from django.apps import apps

from incidents.models import Incident
from incidents.reference.seed import seed_reference
from tests import factories
from tests.browser.desk import DESKTOP, new_page, sign_in, sign_out, transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PUBLIC_VERIFY = "Laporan sudah kami cek, tim menuju lokasi."
PUBLIC_DONE = "Air sudah surut, warga kembali ke rumah masing-masing."
INTERNAL = "Catatan internal: koordinasi dengan kepala desa soal pompa air."


@pytest.fixture
def known_data(transactional_db):
    # Transactional tests flush what the data migrations filled.
    seed_reference(apps)
    personas = factories.make_personas()
    incident = factories.make_incident(
        description="Air sungai meluap setinggi lutut di Dusun II.", lat=-2.704, lng=102.853
    )
    return personas, incident


def test_officer_flow(browser, live_server, known_data, screenshot_dir):
    personas, incident = known_data
    base = live_server.url
    context, page = new_page(browser, DESKTOP)
    shot = lambda name: page.screenshot(path=str(screenshot_dir / f"officer-{name}.png"), full_page=True)  # noqa: E731

    # 1. The Rupit officer finds the new report in the queue.
    sign_in(page, base, personas.officer_rupit.username)
    row = page.locator("table.queue tbody tr", has_text=incident.tracking_code)
    assert row.count() == 1
    assert "Baru" in row.inner_text()
    shot("1-antrean")
    row.locator("a.code").click()
    page.wait_for_url(re.compile(rf"/petugas/laporan/{incident.pk}/"))
    assert page.locator("#incident-map .leaflet-pane").count() >= 1  # Leaflet ran under the CSP
    assert page.locator("#identity").is_visible()
    shot("2-laporan-baru")

    # 2. Verify with a public note (the choice public/internal is explicit).
    transition(page, "diverifikasi", note=PUBLIC_VERIFY)
    assert page.locator("form.transition-form[data-target=diverifikasi] .errorlist").is_visible()
    shot("3-pilihan-wajib")
    transition(page, "diverifikasi", note=PUBLIC_VERIFY, visibility="publik")
    assert page.locator("#incident-status").inner_text() == "Diverifikasi"
    shot("4-diverifikasi")
    sign_out(page)

    # 3. The koordinator assigns BPBD and starts the handling.
    sign_in(page, base, personas.koordinator.username)
    page.goto(f"{base}/petugas/laporan/{incident.pk}/")
    page.select_option("#aksi-tugaskan select[name=agency]", "bpbd")
    page.fill("#aksi-tugaskan textarea[name=note]", "Mohon tim reaksi cepat BPBD ke lokasi.")
    page.locator("#aksi-tugaskan button[type=submit]").click()
    page.wait_for_load_state()
    assert "Badan Penanggulangan Bencana Daerah" in page.locator("#penugasan").inner_text()
    transition(page, "ditangani")
    assert page.locator("#incident-status").inner_text() == "Ditangani"
    shot("5-ditangani")
    sign_out(page)

    # 4. BPBD sees the report (without the reporter's contact) and finishes its part.
    sign_in(page, base, personas.mitra_bpbd.username)
    row = page.locator("table.queue tbody tr", has_text=incident.tracking_code)
    assert row.count() == 1
    row.locator("a.code").click()
    page.wait_for_url(re.compile(rf"/petugas/laporan/{incident.pk}/"))
    body = page.locator("main").inner_text()
    assert "Siti Aminah" not in body and "081234567890" not in body
    assert page.locator("form.transition-form").count() == 0
    page.fill("form.complete-form textarea", "Evakuasi 12 KK selesai, posko ditutup.")
    page.locator("form.complete-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "Tugas selesai" in page.locator("#penugasan").inner_text()
    shot("6-mitra-selesai")
    sign_out(page)

    # 5. The officer closes it with a public resolution note and adds an internal note.
    sign_in(page, base, personas.officer_rupit.username)
    page.goto(f"{base}/petugas/laporan/{incident.pk}/")
    transition(page, "selesai", note=PUBLIC_DONE, visibility="publik")
    assert page.locator("#incident-status").inner_text() == "Selesai"
    page.fill("#aksi-catatan textarea", INTERNAL)
    page.locator("#aksi-catatan input[type=radio][value=internal]").check()
    page.locator("#aksi-catatan button[type=submit]").click()
    page.wait_for_load_state()
    timeline = page.locator("ol.desk-timeline")
    assert INTERNAL in timeline.locator("li.internal").last.inner_text()
    assert PUBLIC_DONE in timeline.locator("li.public", has_text=PUBLIC_DONE).inner_text()
    shot("7-selesai")

    # The officer exports the queue (built in the background, listed when ready).
    page.goto(f"{base}/petugas/?status=selesai")
    page.locator("form.export-form button[value=csv]").click()
    page.wait_for_url(re.compile(r"/petugas/ekspor/"))
    assert "Siap diunduh" in page.locator("table.exports").inner_text()
    with page.expect_download() as download:
        page.locator("table.exports a", has_text="Unduh").first.click()
    assert download.value.suggested_filename.endswith(".csv")
    shot("7b-ekspor")

    # And enters a phoned-in report for a citizen.
    page.goto(f"{base}/petugas/laporan/baru/")
    page.select_option("select[name=category]", "kebakaran-permukiman")
    assert page.locator(".question-block[data-category=kebakaran-permukiman]").is_visible()
    assert not page.locator(".question-block[data-category=bencana-banjir]").is_visible()
    page.select_option("select[name=kecamatan]", "16.13.01")
    page.select_option("select[name=desa]", factories.DESA_RUPIT)
    page.fill("textarea[name=description]", "Warga menelepon: gudang karet terbakar di belakang pasar.")
    page.fill("input[name=d_kebakaran-permukiman_jumlah_bangunan]", "1")
    page.fill("input[name=reporter_name]", "Pak Darto")
    page.check("input[name=consent]")
    shot("7c-catat-laporan")
    page.locator("#staff-report button[type=submit]").click()
    page.wait_for_url(re.compile(r"/petugas/laporan/\d+/$"))
    assert "Telepon" in page.locator("main").inner_text()
    sign_out(page)

    # 6. The citizen's tracking page: public notes yes, internal note no.
    page.goto(f"{base}/lacak/{incident.tracking_code}/")
    text = page.locator("main").inner_text()
    assert PUBLIC_VERIFY in text and PUBLIC_DONE in text
    assert INTERNAL not in text and "Mohon tim reaksi cepat" not in text and "Evakuasi 12 KK" not in text
    shot("8-lacak-warga")
    assert Incident.objects.get(pk=incident.pk).status == "selesai"
    assert page.errors == []
    context.close()
