"""Peak memory and time of the photo intake for the worst photos it accepts.

    python manage.py bench_photos               # at MAX_PHOTO_PIXELS
    python manage.py bench_photos --megapixels 50 --json

Each case is a photo of exactly the largest accepted size (width x height at
its pixel cap: MAX_PHOTO_PIXELS for a camera JPEG, MAX_PHOTO_PIXELS_FULL_DECODE
for the rest; file under MAX_PHOTO_BYTES), in the formats and encodings that
cost the decoder most: PNG with an alpha channel, 16-bit PNG, WebP with alpha,
progressive JPEG without chroma subsampling (libjpeg keeps every coefficient
of a progressive file) and an ordinary camera JPEG. Every case runs
`clean_photo` in a fresh Python process and reports the growth of that
process's peak resident memory (VmHWM, reset just before the call; getrusage
ru_maxrss where /proc is missing): Pillow allocates image memory outside
Python's allocator, so tracemalloc would not see it. Cases
just over the caps are also run, to show they are refused before decoding.
"""

import io
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

from incidents.intake.photos import max_full_decode_pixels, max_photo_pixels

CHILD = r"""
import io, json, os, resource, sys, time
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from incidents.intake.photos import clean_photo

def status_kb(field):
    try:
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None

def peak_kb():
    # VmHWM is this process's own peak; ru_maxrss would also count what a
    # forked parent held before exec.
    kb = status_kb("VmHWM")
    return kb if kb is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

def current_kb():
    kb = status_kb("VmRSS")
    return kb if kb is not None else peak_kb()

raw = open(sys.argv[1], "rb").read()
upload = SimpleUploadedFile("bench", raw)
try:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # reset the peak to the current size
except OSError:
    pass
before = current_kb()
started = time.perf_counter()
try:
    clean_photo(upload)
    accepted = True
except ValidationError:
    accepted = False
seconds = time.perf_counter() - started
after = peak_kb()
print(json.dumps({"accepted": accepted, "seconds": seconds, "peak_mb": max(0, after - before) / 1024}))
"""


def _size(megapixels: float) -> tuple[int, int]:
    """A 4:3 frame of (at most) `megapixels`."""
    pixels = int(megapixels * 1_000_000)
    width = int(math.sqrt(pixels * 4 / 3))
    return width, pixels // width


def _picture(mode: str, size: tuple[int, int]) -> Image.Image:
    """Flat colour with a few shapes: compresses well (the file stays under the
    byte limit, as an attacker's would) and still needs every pixel decoded."""
    fill = {"RGBA": (30, 90, 160, 200), "RGB": (30, 90, 160), "I;16": 2000, "L": 90}[mode]
    img = Image.new(mode, size, fill)
    draw = ImageDraw.Draw(img)
    w, h = size
    for i in range(12):
        box = (i * w // 13, i * h // 15, i * w // 13 + w // 10, i * h // 15 + h // 12)
        draw.rectangle(box, fill={"RGBA": (200, 60, 20, 255), "RGB": (200, 60, 20), "I;16": 60000, "L": 250}[mode])
    return img


def _encode(kind: str, size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    if kind == "png-rgba":
        _picture("RGBA", size).save(out, format="PNG", optimize=False, compress_level=9)
    elif kind == "png-16bit":
        _picture("I;16", size).save(out, format="PNG", compress_level=9)
    elif kind == "webp-rgba":
        _picture("RGBA", size).save(out, format="WEBP", quality=30, method=0)
    elif kind == "jpeg-progressive-444":
        _picture("RGB", size).save(out, format="JPEG", quality=40, progressive=True, subsampling=0)
    elif kind == "jpeg-camera":
        _picture("RGB", size).save(out, format="JPEG", quality=85)
    return out.getvalue()


KINDS = ("png-rgba", "png-16bit", "webp-rgba", "jpeg-progressive-444", "jpeg-camera")


class Command(BaseCommand):
    help = "Ukur memori puncak dan waktu penerimaan foto terburuk yang masih diterima."

    def add_arguments(self, parser):
        parser.add_argument("--megapixels", type=float, default=None, help="Bawaan: MAX_PHOTO_PIXELS.")
        parser.add_argument("--json", action="store_true", help="Keluaran JSON.")

    def handle(self, *args, megapixels, json: bool = False, **options):
        cap = megapixels or max_photo_pixels() / 1_000_000
        full = min(max_full_decode_pixels() / 1_000_000, cap)
        results = []
        with tempfile.TemporaryDirectory() as tmp:
            # Each kind at its own limit, and one of each family just past it.
            cases = [(kind, _size(cap if kind == "jpeg-camera" else full)) for kind in KINDS]
            cases += [("jpeg-camera", _size(cap * 1.2)), ("png-rgba", _size(full * 1.2))]
            for kind, size in cases:
                raw = _encode(kind, size)
                path = Path(tmp) / "photo"
                path.write_bytes(raw)
                outcome = self._measure(path, cap, full)
                results.append(
                    {
                        "case": kind,
                        "width": size[0],
                        "height": size[1],
                        "megapixels": round(size[0] * size[1] / 1_000_000, 1),
                        "file_kb": round(len(raw) / 1024),
                        "under_byte_limit": len(raw) <= settings.MAX_PHOTO_BYTES,
                        **outcome,
                    }
                )
        accepted = [r for r in results if r["accepted"]]
        worst = max(accepted, key=lambda r: r["peak_mb"]) if accepted else None
        if json:
            self.stdout.write(
                self._dumps({"cap_megapixels": cap, "full_decode_megapixels": full, "results": results, "worst": worst})
            )
            return
        self.stdout.write(
            f"Batas: JPEG kamera {cap:g} MP, PNG/WebP/JPEG progresif {full:g} MP, "
            f"{settings.MAX_PHOTO_BYTES // (1024 * 1024)} MB per berkas"
        )
        for r in results:
            verdict = "diterima" if r["accepted"] else "ditolak"
            self.stdout.write(
                f"{r['case']:<22} {r['width']}x{r['height']} ({r['megapixels']} MP, {r['file_kb']} KB) "
                f"{verdict:<9} puncak +{r['peak_mb']:.0f} MB, {r['seconds']:.2f} s"
            )
        if worst:
            self.stdout.write(f"Terburuk yang diterima: {worst['case']}, +{worst['peak_mb']:.0f} MB")

    @staticmethod
    def _dumps(value) -> str:
        return json.dumps(value, indent=2)

    def _measure(self, path: Path, cap: float, full: float) -> dict:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "kitaaman.settings"),
            "MAX_PHOTO_PIXELS": str(int(cap * 1_000_000)),
            "MAX_PHOTO_PIXELS_FULL_DECODE": str(int(full * 1_000_000)),
            # A measurement, not a size check: the byte limit is reported beside it.
            "MAX_PHOTO_BYTES": str(1 << 30),
        }
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])
