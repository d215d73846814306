"""The officer's phone (360×740): the report page with its actions in the
first screen and readable facts, the desk map over slow 3G, the queue's
default for each role, and the error pages in the portal's frame. axe-core
on each."""

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django.apps import apps

from incidents.reference.seed import seed_reference
from incidents.workflow.services import incident_transition
from tests import factories
from tests.browser.desk import PHONE, new_page, serious_violations, sign_in

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
    incident = factories.make_incident(
        desa=DESA_BATU_GAJAH,
        description="Air sungai meluap sejak subuh dan masuk ke rumah warga di RT 03, jalan desa tergenang.",
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
