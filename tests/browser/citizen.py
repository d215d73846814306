"""Helpers for the browser tests of the citizen pages: a phone, a filled-in report."""

import json
import re

from django.conf import settings
from PIL import Image

from tests.factories import DESA_RUPIT, RUPIT

PHONE = {"width": 360, "height": 740}
FLOOD = "Air Sungai Rupit meluap sejak subuh, sekitar 20 rumah terendam setinggi lutut."


def phone_context(browser, **kwargs):
    context = browser.new_context(viewport=PHONE, locale="id-ID", timezone_id="Asia/Jakarta", **kwargs)
    # No network here: refuse tile requests at once instead of waiting for them.
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), lambda route: route.abort())
    return context


def collect_errors(page):
    """Script errors and console errors of the page (a refused tile is not one)."""
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "ERR_FAILED" not in msg.text and "ERR_INTERNET_DISCONNECTED" not in msg.text
            else None
        ),
    )
    return errors


def photo_file(path, size=(64, 48), quality=90):
    """A JPEG with a phone photo's kind of detail (3000 x 2000 weighs about 3.5 MB)."""
    base = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (base, Image.effect_noise(size, 30), base.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    image.save(path, format="JPEG", quality=quality)
    return path


def wait_for_service_worker(page):
    """The worker installed, cached the form, and controls the page."""
    page.wait_for_function(
        "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=20000
    )


def fill_flood_report(page, photo=None, rumah_terendam="20"):
    page.locator("label[for=cat-bencana-banjir]").click()
    page.fill("#id_description", FLOOD)
    page.select_option("#id_kecamatan", RUPIT)
    page.select_option("#id_desa", DESA_RUPIT)
    page.fill("#id_d_bencana-banjir_rumah_terendam", rumah_terendam)
    if photo is not None:
        page.set_input_files("#id_photos", str(photo))
    page.locator("#id_consent").check()


def record_metric(name, values):
    """Figures a test measured, kept under test-artifacts/metrics/ for the record."""
    path = settings.BASE_DIR / "test-artifacts" / "metrics"
    path.mkdir(parents=True, exist_ok=True)
    (path / f"{name}.json").write_text(json.dumps(values, indent=2))
