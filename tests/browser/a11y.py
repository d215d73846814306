"""axe-core in the browser tests (axe-playwright-python ships axe.min.js)."""

import pytest

from tests.conftest import missing_service

SERIOUS = ("serious", "critical")


def assert_no_serious_violations(page, where: str = ""):
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        missing_service("needs axe-playwright-python (pip install -r requirements-dev.txt)")
    results = Axe().run(page)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]
    if problems:
        pytest.fail(f"axe-core on {where or page.url}:\n" + "\n".join(problems))
