"""The citizen's pages on a 360 x 740 phone: nothing clipped in the footer, the
form without JavaScript warns about photo size before the file field, axe clean."""

import os

import pytest

from tests.browser.a11y import assert_no_serious_violations
from tests.browser.citizen import PHONE, collect_errors, phone_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SHOTS = "/tmp/h7"

WHOLE = """(sel) => {
  const el = document.querySelector(sel);
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, scroll: el.scrollWidth, client: el.clientWidth,
          page: document.documentElement.scrollWidth};
}"""


@pytest.mark.parametrize("path", ["/", "/lapor/", "/lacak/"])
def test_footer_language_button_is_whole_on_a_phone(browser, live_server, path):
    from playwright.sync_api import expect

    context = phone_context(browser)
    page = context.new_page()
    errors = collect_errors(page)
    page.goto(f"{live_server.url}{path}")
    button = page.locator(".lang-form button")
    expect(button).to_have_text("Ganti")
    box = page.evaluate(WHOLE, ".lang-form button")
    assert box["left"] >= 0 and box["right"] <= PHONE["width"] - 8, box  # inside the page's margin
    assert box["scroll"] <= box["client"], box  # the label is not cut inside the button
    assert box["page"] <= PHONE["width"], box  # and nothing scrolls sideways
    if path == "/lapor/":
        page.locator(".site-footer").scroll_into_view_if_needed()
        page.screenshot(path=f"{SHOTS}/footer-360.png")
        assert_no_serious_violations(page, "/lapor/ on a phone")
    assert not errors, errors
    context.close()


def test_without_javascript_the_photo_advice_comes_before_the_file_field(browser, live_server):
    from playwright.sync_api import expect

    context = phone_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/lapor/")
    advice = page.locator("#foto-tanpa-js")
    expect(advice).to_be_visible()
    expect(advice).to_contain_text("di bawah 1 MB")
    assert advice.bounding_box()["y"] < page.locator("#id_photos").bounding_box()["y"]
    advice.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/lapor-tanpa-js-foto.png")
    context.close()
