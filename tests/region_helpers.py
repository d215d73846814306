"""Setting the portal up for Kota Lubuk Linggau (16.73) from the reference
files in ../shared/data/wilayah (read by path, never copied)."""

import io
import re

from django.conf import settings
from django.core.management import call_command

from tests.conftest import missing_service

LUBUK_LINGGAU = "16.73"
# Kelurahan Air Kuti, Kecamatan Lubuk Linggau Timur I.
KEC_TIMUR_I = "16.73.01"
KEL_AIR_KUTI = "16.73.01.1001"
# The demo region's names, as a reader would search for them.
DEMO_REGION = re.compile(r"muratara|musi rawas|16\.13", re.IGNORECASE)


def wilayah_dir():
    folder = settings.WILAYAH_DATA_DIR
    for name in ("indonesia_kabupaten_kota.csv", "lubuklinggau_wilayah.csv", "lubuklinggau_desa.geojson"):
        if not (folder / name).is_file():
            missing_service(f"reference wilayah files not found in {folder} (set WILAYAH_DATA_DIR)")
    return folder


def setup_lubuk_linggau(**options) -> str:
    folder = wilayah_dir()
    options.setdefault("wilayah", str(folder / "lubuklinggau_wilayah.csv"))
    options.setdefault("boundaries", str(folder / "lubuklinggau_desa.geojson"))
    out = io.StringIO()
    call_command("setup_pemda", LUBUK_LINGGAU, stdout=out, **options)
    return out.getvalue()


def demo_words(text: str) -> list[str]:
    return DEMO_REGION.findall(text)
