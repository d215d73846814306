"""`manage.py bench_photos` measures what it says: each worst case at its cap
is accepted and its peak memory reported; one just over each cap is refused."""

import io
import json

from django.core.management import call_command


def test_bench_photos_at_small_caps(settings):
    settings.MAX_PHOTO_PIXELS_FULL_DECODE = 1_000_000
    out = io.StringIO()
    call_command("bench_photos", megapixels=2, json=True, stdout=out)
    report = json.loads(out.getvalue())
    results = report["results"]
    at_cap = [r for r in results if r["megapixels"] <= (2 if r["case"] == "jpeg-camera" else 1)]
    over_cap = [r for r in results if r not in at_cap]
    assert {r["case"] for r in at_cap} == {"png-rgba", "png-16bit", "webp-rgba", "jpeg-progressive-444", "jpeg-camera"}
    assert all(r["accepted"] and r["peak_mb"] >= 0 and r["seconds"] > 0 for r in at_cap)
    assert len(over_cap) == 2 and not any(r["accepted"] for r in over_cap)
    assert report["worst"]["case"] in {r["case"] for r in at_cap}
