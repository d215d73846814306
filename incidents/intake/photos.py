"""Photo intake: recognise by content, decode fully, re-encode.

Pillow's verify() accepts truncated files and files with a script appended,
so every photo is fully decoded and written anew (which also drops EXIF and
GPS). Only JPEG, PNG and WebP are accepted; decompression bombs are refused.
"""

import io
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
        with Image.open(io.BytesIO(raw)) as probe:
            fmt = probe.format
        if fmt not in ALLOWED_FORMATS:
            raise ValidationError(_("Foto %(name)s bukan JPEG, PNG, atau WebP.") % {"name": name}, code="bad_format")
        with Image.open(io.BytesIO(raw)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            if img.mode not in ("RGB", "RGBA"):
                img = img.convert("RGBA" if "A" in img.getbands() or img.mode == "P" else "RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
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


def _encode(img) -> bytes:
    if img.mode == "RGBA":
        background = Image.new("RGB", img.size, (255, 255, 255))
        background.paste(img, mask=img.split()[-1])
        img = background
    out = io.BytesIO()
    # A fresh JPEG carries no EXIF/GPS unless given; none is given.
    img.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()
