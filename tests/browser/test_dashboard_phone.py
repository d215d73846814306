"""Asisten I opens /dasbor/ on a 360 x 740 phone (issue 18): the first screen,
without scrolling, shows the period, the five SPM achievements and the overdue
count; nothing scrolls sideways (the kecamatan table reads as cards); the menu,
downloads and period filter are folded behind a disclosure that works with the
keyboard and without JavaScript; axe finds nothing serious."""

import os
import re

import pytest

from tests import factories
from tests.browser.a11y import assert_no_serious_violations
from tests.browser.test_dashboard import known_data  # noqa: F401 (the hand-computed Q1 2026, a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("known_data")]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PHONE = {"width": 360, "height": 740}
FIRST_SCREEN = (
    "spm_tibum_achievement",
    "spm_info_bencana_achievement",
    "spm_siaga_bencana_achievement",
    "spm_evakuasi_bencana_achievement",
    "spm_kebakaran_achievement",
    "overdue_at_period_end",
)


def phone_page(browser, *, javascript=True):
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        java_script_enabled=javascript,
    )
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), lambda route: route.abort())
    return context, context.new_page()


def sign_in(page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    page.fill("input[name=username]", "asisten1")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/dasbor/"))


def on_first_screen(page, selector) -> list[dict]:
    """The visible elements matching `selector` whose whole box lies in the first 360 x 740 px (page not scrolled)."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).filter((el) => {
            const r = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            return r.width > 0 && r.height > 0 && style.visibility !== "hidden" && el.checkVisibility()
                && r.top >= 0 && r.left >= 0 && r.bottom <= 740 && r.right <= 360;
        }).map((el) => ({text: el.innerText, cls: (el.closest("li") || el).className}))""",
        selector,
    )


def figure_texts(page) -> dict:
    return page.evaluate(
        """() => {
            const out = {};
            document.querySelectorAll("[data-figure]").forEach((el) => {
                const key = el.dataset.figure;
                (out[key] = out[key] || []).push(el.textContent.replace(/\\s+/g, " ").trim());
            });
            return out;
        }"""
    )


def assert_first_screen(page, where):
    assert page.evaluate("window.scrollY") == 0
    for key in FIRST_SCREEN:
        assert on_first_screen(page, f'[data-figure="{key}"]'), f"{key} is not on the first screen ({where})"
    assert on_first_screen(page, '[data-testid="period-label"]'), where
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways: {width} px ({where})"
    # A figure has one value wherever it appears (the summary row and its card).
    for key, texts in figure_texts(page).items():
        assert len(set(texts)) == 1, f"{key} shows {texts} ({where})"


def test_the_first_screen_on_a_phone_shows_the_numbers(browser, live_server, screenshot_dir):
    context, page = phone_page(browser)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # A closed quarter with hand-computed figures (tests/spm/conftest.py).
    sign_in(page, live_server, "/dasbor/?year=2026&quarter=1")
    assert page.get_by_test_id("period-label").inner_text() == "Triwulan I 2026"
    assert_first_screen(page, "Triwulan I 2026")
    shown = {
        key: on_first_screen(page, f'[data-figure="{key}"]')[0]
        for key in ("spm_tibum_achievement", "spm_siaga_bencana_achievement", "spm_kebakaran_achievement")
    }
    assert shown["spm_tibum_achievement"]["text"].replace("\xa0", " ") == "83,3 %"
    assert shown["spm_kebakaran_achievement"]["text"].replace("\xa0", " ") == "40,0 %"
    assert shown["spm_siaga_bencana_achievement"]["text"] == "belum ada sasaran"
    # Each summary row takes its card's band colour.
    assert "band-kuning" in shown["spm_tibum_achievement"]["cls"]
    assert "band-merah" in shown["spm_kebakaran_achievement"]["cls"]
    assert "band-abu" in shown["spm_siaga_bencana_achievement"]["cls"]
    # The menu, downloads and filter are folded away; the big cards come after the numbers.
    assert page.locator("#dasbor-filter").is_hidden()
    assert page.get_by_role("link", name=re.compile("e-SPM T1 2026")).is_hidden()
    page.screenshot(path=str(screenshot_dir / "dasbor-hp-01-layar-pertama.png"))

    # The kecamatan table reads as cards: each value under its column's name, no sideways scrolling.
    table = page.get_by_test_id("kecamatan-table")
    table.scroll_into_view_if_needed()
    assert table.evaluate("t => t.closest('.table-scroll').scrollWidth <= t.closest('.table-scroll').clientWidth")
    first_row = table.locator("tbody tr").first
    reports_cell = first_row.locator("td").first
    assert reports_cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Laporan"'
    label_box, cell_box = first_row.locator("th").bounding_box(), reports_cell.bounding_box()
    assert cell_box["y"] >= label_box["y"] + label_box["height"] - 1  # the kecamatan name heads its card
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "dasbor-hp-02-kecamatan.png"))
    page.screenshot(path=str(screenshot_dir / "dasbor-hp-03-penuh.png"), full_page=True)
    assert_no_serious_violations(page, "dasbor 360 x 740, Triwulan I 2026")

    # The running period (the default): marked provisional, on the first screen too.
    page.goto(f"{live_server.url}/dasbor/")
    assert page.get_by_test_id("provisional").is_visible()
    assert on_first_screen(page, '[data-testid="provisional"]')
    assert_first_screen(page, "periode berjalan")
    page.screenshot(path=str(screenshot_dir / "dasbor-hp-04-berjalan.png"))
    assert_no_serious_violations(page, "dasbor 360 x 740, periode berjalan")
    assert not errors, errors
    context.close()


def test_the_folded_menu_and_filter_work_with_the_keyboard_without_javascript(browser, live_server):
    context, page = phone_page(browser, javascript=False)
    sign_in(page, live_server, "/dasbor/?year=2026&quarter=1")
    assert_first_screen(page, "tanpa JavaScript")
    summary = page.locator("#dasbor-tools > summary")
    assert page.locator("#dasbor-filter").is_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("#dasbor-filter").is_visible()
    assert page.get_by_role("navigation", name="Menu SPM").is_visible()
    # Choose January 2026 with the keyboard and apply.
    page.select_option("select[name=quarter]", "")
    page.select_option("select[name=month]", "1")
    page.get_by_role("button", name="Terapkan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"month=1"))
    assert page.get_by_test_id("period-label").inner_text() == "Januari 2026"
    assert_first_screen(page, "Januari 2026")
    context.close()


def test_a_wide_screen_shows_the_menu_and_filter_open(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID", timezone_id="Asia/Jakarta")
    page = context.new_page()
    sign_in(page, live_server, "/dasbor/?year=2026&quarter=1")
    assert page.locator("#dasbor-filter").is_visible()
    assert page.get_by_role("navigation", name="Menu SPM").is_visible()
    # The summary rows are for a phone; the cards show the same figures.
    assert page.get_by_test_id("ringkasan").is_hidden()
    assert page.locator('article.spm-card [data-figure="spm_tibum_achievement"]').is_visible()
    context.close()
