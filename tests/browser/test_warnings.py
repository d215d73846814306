"""A BPBD officer drafts a flood warning for two desa on a phone, the
koordinator approves it, and the banner appears on the home page; axe-core
finds no serious accessibility problem on the pages involved."""

import os
import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.utils import timezone

from incidents.reference.seed import seed_reference
from spm.warnings.models import Alert, State, Subscriber
from tests import factories
from tests.browser.desk import PHONE, new_page, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
HEADLINE = "Banjir Sungai Rupit, warga bantaran siaga"


@pytest.fixture
def known_data(transactional_db):
    seed_reference(apps)
    personas = factories.make_personas()
    now = timezone.now()
    for desa, address in ((factories.DESA_RUPIT, "+6281200000001"), ("16.13.01.2001", "warga@example.test")):
        Subscriber.objects.create(
            desa_id=desa, channel="email" if "@" in address else "sms", address=address, confirmed_at=now
        )
    return personas


def open_phone(browser):
    return new_page(browser, PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)


def sign_in(page, base, username):
    page.goto(f"{base}/masuk/?next=/petugas/peringatan/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/petugas/peringatan/"))


def serious_violations(page):
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in bad]


def no_horizontal_scroll(page):
    # A phone widens its layout viewport to fit content that is too wide.
    return page.evaluate("document.documentElement.scrollWidth <= 361 && window.innerWidth <= 361")


def test_officer_drafts_another_approves_banner_on_home(browser, live_server, known_data, screenshot_dir):
    personas = known_data
    base = live_server.url
    context, page = open_phone(browser)
    shot = lambda name: page.screenshot(path=str(screenshot_dir / f"peringatan-{name}.png"), full_page=True)  # noqa: E731

    # 1. The BPBD officer opens the warnings from the desk navigation and drafts one.
    sign_in(page, base, personas.mitra_bpbd.username)
    page.goto(f"{base}/petugas/")
    page.locator("nav.desk-nav a", has_text="Peringatan dini").click()
    page.wait_for_url(re.compile(r"/petugas/peringatan/$"))
    page.locator("a.button", has_text="Susun peringatan").click()
    page.wait_for_url(re.compile(r"/petugas/peringatan/baru/"))
    page.select_option("select[name=event]", "banjir")
    page.select_option("select[name=urgency]", "Expected")
    page.select_option("select[name=severity]", "Severe")
    page.select_option("select[name=certainty]", "Likely")
    page.fill("input[name=headline]", HEADLINE)
    page.fill(
        "textarea[name=description]", "Debit Sungai Rupit naik 1,5 m dalam 6 jam; air diperkirakan masuk permukiman."
    )
    page.fill("textarea[name=instruction]", "Pindahkan barang berharga ke tempat tinggi dan siapkan tas siaga.")
    expires = timezone.localtime() + timedelta(hours=18)
    page.fill("input[name=expires]", expires.strftime("%Y-%m-%dT%H:%M"))
    rupit = page.locator(".area-kec", has_text="Seluruh Kecamatan Rupit")
    rupit.locator("summary").click()
    rupit.get_by_label("Muara Rupit").check()
    rupit.get_by_label("Tanjung Beringin").check()
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    shot("1-draf-form")
    page.locator("form.warning-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/petugas/peringatan/\d+/$"))
    alert = Alert.objects.get()
    assert alert.state == State.DRAFT and sorted(a.code for a in alert.areas.all()) == [
        factories.DESA_RUPIT,
        "16.13.01.2001",
    ]
    # The preview: map of the two desa, the CAP document (valid), the SMS.
    assert page.locator("#peta-peringatan-wrap .leaflet-pane").count() >= 1
    assert page.locator("path.leaflet-interactive").count() == 2
    assert page.locator("[data-testid=cap-valid]").is_visible()
    assert "PERINGATAN BPBD MURATARA: " + HEADLINE in page.locator("[data-testid=sms]").inner_text()
    assert page.locator("[data-testid=publish]").count() == 0
    assert no_horizontal_scroll(page)
    assert serious_violations(page) == []
    shot("2-pratinjau")
    sign_out(page)

    # 2. The koordinator approves and publishes it.
    sign_in(page, base, personas.koordinator.username)
    page.locator("table.warnings-table a", has_text=HEADLINE).click()
    page.wait_for_url(re.compile(rf"/petugas/peringatan/{alert.pk}/$"))
    page.locator("[data-testid=publish]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=alert-state]").inner_text() == "Terbit"
    assert page.locator("[data-testid=sent]").inner_text() == "2"
    assert no_horizontal_scroll(page)
    shot("3-terbit")
    sign_out(page)

    # 3. A resident on a phone sees the banner on the home page.
    context.clear_cookies()
    page.goto(f"{base}/")
    banner = page.locator("section.warning-banner")
    assert banner.is_visible()
    assert HEADLINE in banner.inner_text() and "Muara Rupit, Tanjung Beringin" in banner.inner_text()
    box = banner.bounding_box()
    assert box["y"] < PHONE["height"]  # above the fold
    assert no_horizontal_scroll(page)
    assert serious_violations(page) == []
    page.screenshot(path=str(screenshot_dir / "peringatan-4-beranda.png"))
    banner.locator("a", has_text=HEADLINE).click()
    page.wait_for_url(re.compile(rf"/peringatan/{alert.pk}/$"))
    assert page.locator("path.leaflet-interactive").count() == 2
    assert serious_violations(page) == []
    assert no_horizontal_scroll(page)
    shot("5-detail-publik")
    assert page.errors == []
    context.close()
