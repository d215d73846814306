"""On a 360×740 phone: the koordinator lands on the desk with the drafts awaiting
their approval, the warnings list says what each draft waits for (to them, to
a petugas, to the author) before a folded filter, and the cancel form offers
the listed reasons; axe-core finds no serious problem on any of these."""

import os
import re

import pytest
from django.apps import apps

from incidents.reference.seed import seed_reference
from spm.warnings import services
from tests import factories
from tests.browser.desk import DESKTOP, PHONE, new_page, sign_in, sign_out
from tests.browser.test_warnings import no_horizontal_scroll, serious_violations
from tests.spm.warnings.conftest import flood

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def warnings_data(transactional_db):
    seed_reference(apps)
    personas = factories.make_personas()
    live = services.alert_create(actor=personas.mitra_bpbd, **flood(headline="Banjir Sungai Rupit, warga siaga"))
    services.alert_publish(actor=personas.koordinator, alert_id=live.pk)
    waiting = services.alert_create(
        actor=personas.mitra_bpbd, **flood(headline="Longsor di jalan Rupit–Noman", event="tanah-longsor")
    )
    return personas, live, waiting


def phone(browser):
    return new_page(browser, PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)


def test_the_warnings_list_on_a_phone_for_each_viewer(browser, live_server, warnings_data, screenshot_dir):
    personas, live, waiting = warnings_data
    base = live_server.url
    context, page = phone(browser)
    shot = lambda name: page.screenshot(path=str(screenshot_dir / f"persetujuan-{name}.png"))  # noqa: E731

    # The koordinator lands on the desk: the draft awaiting them is in the first screen.
    sign_in(page, base, personas.koordinator.username)
    block = page.locator("[data-testid=awaiting-approval]")
    assert block.is_visible() and "Longsor di jalan Rupit–Noman" in block.inner_text()
    assert block.bounding_box()["y"] < PHONE["height"]
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    shot("1-beranda-koordinator")

    # The list: the draft says it waits for them, no "Hanya baca", the filter folded below the list.
    page.goto(f"{base}/petugas/peringatan/")
    rows = page.locator("table.warnings-table tbody tr")
    assert rows.count() == 2
    first = rows.first
    assert "Longsor di jalan Rupit–Noman" in first.inner_text()
    assert first.locator("[data-testid=viewer-state]").inner_text() == "Menunggu persetujuan Anda"
    assert first.bounding_box()["y"] + first.bounding_box()["height"] < PHONE["height"]
    assert page.get_by_text("Hanya baca").count() == 0
    fold = page.locator("#saringan-peringatan")
    assert fold.get_attribute("open") is None
    table_box = page.locator("table.warnings-table").bounding_box()
    assert fold.bounding_box()["y"] >= table_box["y"] + table_box["height"]
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    shot("2-daftar-koordinator")
    page.screenshot(path=str(screenshot_dir / "persetujuan-2b-daftar-koordinator-penuh.png"), full_page=True)
    fold.locator("summary").click()
    assert page.locator("#f-status").is_visible()
    assert serious_violations(page) == []
    sign_out(page)

    # A petugas reads only: the draft waits for others, and the page says read-only.
    sign_in(page, base, personas.officer_rupit.username, next_path="/petugas/peringatan/")
    first = page.locator("table.warnings-table tbody tr").first
    assert first.locator("[data-testid=viewer-state]").inner_text() == "Menunggu persetujuan orang lain"
    assert page.get_by_text("Hanya baca").count() == 1
    assert page.locator("[data-testid=awaiting-approval]").count() == 0
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    shot("3-daftar-petugas")
    sign_out(page)

    # The author: their own draft, and the cancel form of the published warning with the listed reasons.
    sign_in(page, base, personas.mitra_bpbd.username, next_path="/petugas/peringatan/")
    first = page.locator("table.warnings-table tbody tr").first
    assert first.locator("[data-testid=viewer-state]").inner_text() == "Draf Anda, menunggu persetujuan orang lain"
    assert serious_violations(page) == []
    shot("4-daftar-penyusun")
    page.goto(f"{base}/petugas/peringatan/{live.pk}/")
    form = page.locator("form.cancel-form")
    assert form.get_by_label("Ancaman telah berlalu").count() == 1
    form.get_by_label("Ancaman telah berlalu").check()
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    form.scroll_into_view_if_needed()
    shot("5-formulir-pembatalan")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/petugas/peringatan/\d+/$"))
    assert page.locator("[data-testid=alert-state]").inner_text() == "Terbit"
    assert page.errors == []
    context.close()


def test_the_warnings_list_on_a_laptop(browser, live_server, warnings_data, screenshot_dir):
    personas, _live, _waiting = warnings_data
    context, page = new_page(browser, DESKTOP)
    sign_in(page, live_server.url, personas.tim_efektif.username, next_path="/petugas/peringatan/")
    first = page.locator("table.warnings-table tbody tr").first
    assert first.locator("[data-testid=viewer-state]").inner_text() == "Menunggu persetujuan Anda"
    assert first.bounding_box()["y"] < 400
    assert serious_violations(page) == []
    page.screenshot(path=str(screenshot_dir / "persetujuan-6-daftar-laptop.png"))
    assert page.errors == []
    context.close()
