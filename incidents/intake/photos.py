"""Photo intake: recognise by content, decode fully, re-encode.

Pillow's verify() accepts truncated files and files with a script appended,
so every photo is fully decoded and written anew (which also drops EXIF, GPS
and comment segments). Only JPEG, PNG and WebP are accepted.

Memory: a few KB of PNG can declare 144 megapixels, which decode to over a
gigabyte in a web worker; Pillow's own bomb guard only refuses past ~179 MP.
So the declared size is checked before anything is decoded: a baseline JPEG
(what cameras write) up to MAX_PHOTO_PIXELS, decoded at a reduced scale
(libjpeg's DCT scaling via Image.draft); PNG, WebP and progressive JPEG, which
can only be decoded at full size, up to MAX_PHOTO_PIXELS_FULL_DECODE. `manage.py
bench_photos` measures the peak memory of the worst photo accepted.
"""

import io
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

ALLOWED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
MAX_SIDE = 2560
THUMB_SIDE = 320


@dataclass
class CleanPhoto:
    image: ContentFile
    thumbnail: ContentFile
    content_type: str
    size: int


def clean_photo(upload) -> CleanPhoto:
    name = getattr(upload, "name", "foto")
    if upload.size > settings.MAX_PHOTO_BYTES:
        raise ValidationError(
            _("Foto %(name)s terlalu besar (maksimal %(mb)s MB).")
            % {"name": name, "mb": settings.MAX_PHOTO_BYTES // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    raw = upload.read()
    try:
        with Image.open(io.BytesIO(raw)) as img:
            if img.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Foto %(name)s bukan JPEG, PNG, atau WebP.") % {"name": name}, code="bad_format"
                )
            _check_pixels(img, name)
            if img.format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale while the long side stays at
                # least MAX_SIDE: the full-size pixels are never held in memory.
                img.draft("RGB", _draft_size(img.size))
            img.load()
            # Shrink first (in place), then turn and convert the small image.
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            img = ImageOps.exif_transpose(img)
            if img.mode not in ("RGB", "RGBA"):
                img = img.convert("RGBA" if "A" in img.getbands() or img.mode == "P" else "RGB")
            main = _encode(img)
            thumb_img = img.copy()
            thumb_img.thumbnail((THUMB_SIDE, THUMB_SIDE))
            thumb = _encode(thumb_img)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(_("Foto %(name)s terlalu besar dimensinya.") % {"name": name}, code="bomb")
    except Exception:
        raise ValidationError(
            _("Berkas %(name)s bukan foto yang utuh atau tidak dapat dibaca.") % {"name": name}, code="invalid_image"
        )
    return CleanPhoto(
        image=ContentFile(main, name="foto.jpg"),
        thumbnail=ContentFile(thumb, name="thumb.jpg"),
        content_type="image/jpeg",
        size=len(main),
    )


def max_photo_pixels() -> int:
    """For a baseline JPEG (a camera's), decoded at a reduced scale."""
    return getattr(settings, "MAX_PHOTO_PIXELS", 40_000_000)


def max_full_decode_pixels() -> int:
    """For what must be decoded at full size: PNG, WebP and progressive JPEG
    (libjpeg holds every coefficient of a progressive file whatever the scale)."""
    return min(getattr(settings, "MAX_PHOTO_PIXELS_FULL_DECODE", 16_000_000), max_photo_pixels())


def pixel_limit(img) -> int:
    progressive = img.info.get("progressive") or img.info.get("progression")
    return max_photo_pixels() if img.format == "JPEG" and not progressive else max_full_decode_pixels()


def _draft_size(size: tuple[int, int]) -> tuple[int, int]:
    """The stored size, same aspect: draft() keeps the result at least this large."""
    width, height = size
    ratio = min(1.0, MAX_SIDE / max(width, height))
    return max(1, math.ceil(width * ratio)), max(1, math.ceil(height * ratio))


def _check_pixels(img, name) -> None:
    """Refuse by the declared size, before a single pixel is decoded."""
    width, height = img.size
    limit = pixel_limit(img)
    if width * height > limit:
        raise ValidationError(
            _(
                "Foto %(name)s terlalu besar dimensinya (%(mp)s megapiksel; paling besar %(max)s megapiksel). "
                "Kirim foto dengan resolusi kamera yang lebih kecil."
            )
            % {"name": name, "mp": round(width * height / 1_000_000, 1), "max": limit // 1_000_000},
            code="too_many_pixels",
        )


def _encode(img) -> bytes:
    if img.mode == "RGBA":
        background = Image.new("RGB", img.size, (255, 255, 255))
        background.paste(img, mask=img.split()[-1])
        img = background
    out = io.BytesIO()
    # A fresh JPEG carries no EXIF/GPS unless given, but Pillow copies a
    # decoded JPEG's comment segment (which may hold markup) unless told not to.
    img.info.pop("comment", None)
    img.save(out, format="JPEG", quality=82, optimize=True, comment=b"")
    return out.getvalue()
