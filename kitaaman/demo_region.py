"""The demo install's region profile (kitaaman/data/demo_region.json): what the
data migration writes on a fresh database, and what tests put back after a
flush. `manage.py setup_pemda` replaces it with another Pemda's."""

import json
from pathlib import Path

DEMO_REGION_FILE = Path(__file__).resolve().parent / "data" / "demo_region.json"


def demo_region_values() -> dict:
    return json.loads(DEMO_REGION_FILE.read_text(encoding="utf-8"))


def create_demo_profile(apps) -> None:
    """Creates the profile unless one exists (apps: a migration's or the global registry)."""
    RegionProfile = apps.get_model("kitaaman", "RegionProfile")
    if not RegionProfile.objects.exists():
        RegionProfile.objects.create(**demo_region_values())
