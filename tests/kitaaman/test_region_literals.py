"""No code or template names the demo region: its names live in the region
profile (kitaaman.RegionProfile), set by a data migration and setup_pemda."""

from pathlib import Path

from django.conf import settings

from tests.region_helpers import DEMO_REGION

ROOT = Path(settings.BASE_DIR)
SOURCE_DIRS = ("incidents", "spm", "kitaaman", "templates", "static/js")
SUFFIXES = {".py", ".html", ".txt", ".js", ".xml"}
# Data, not code: migrations and fixtures load the demo region, the demo
# generators write plausible demo reports about it, locale is translations.
EXCLUDED_PARTS = {"migrations", "fixtures", "locale", "tests", "demo", "data", "__pycache__"}
EXCLUDED_FILES = {"spm/demo.py"}


def source_files():
    for top in SOURCE_DIRS:
        for path in (ROOT / top).rglob("*"):
            rel = path.relative_to(ROOT)
            if not path.is_file() or path.suffix not in SUFFIXES:
                continue
            if EXCLUDED_PARTS & set(rel.parts) or rel.as_posix() in EXCLUDED_FILES:
                continue
            yield rel, path


def test_the_walk_reads_the_places_that_named_the_region_before():
    files = {rel.as_posix() for rel, _ in source_files()}
    for expected in (
        "templates/base.html",
        "incidents/channels/texts.py",
        "spm/warnings/delivery.py",
        "spm/export.py",
        "kitaaman/settings.py",
    ):
        assert expected in files


def test_no_code_or_template_names_the_demo_region():
    found = []
    for rel, path in source_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if DEMO_REGION.search(line):
                found.append(f"{rel}:{number}: {line.strip()[:100]}")
    assert found == []
