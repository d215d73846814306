"""Helpers for the browser tests of the officers' desk: contexts, sign-in, axe-core."""

import re

from tests import factories

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def new_page(browser, viewport, **options):
    """A page in a fresh context (`options` as for browser.new_context); anything
    off the live server (tiles) is refused at once."""
    context = browser.new_context(viewport=viewport, locale="id-ID", timezone_id="Asia/Jakarta", **options)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost).*"), lambda route: route.abort())
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return context, page


def sign_in(page, base, username, next_path="/petugas/"):
    page.goto(f"{base}{next_path}")
    assert "/masuk/" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/petugas/"))


def sign_out(page):
    page.locator("header form button[type=submit]").click()
    page.wait_for_load_state()


def transition(page, target, note=None, visibility=None):
    form = page.locator(f"form.transition-form[data-target={target}]")
    if note:
        form.locator("textarea").fill(note)
    if visibility:
        form.locator(f"input[type=radio][value={visibility}]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def serious_violations(page):
    """axe-core's serious and critical findings on the page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in ("serious", "critical"):
            targets = [node.get("html", "")[:160] for node in violation["nodes"][:5]]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return found
