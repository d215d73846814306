"""Evidence files (photos or PDF) for activities, quality checks and milestones.

Photos go through the same intake as report photos (decoded fully and
re-encoded as JPEG). A PDF is recognised by its content, not its name, and
refused when it carries JavaScript or an embedded file. Files are stored
under a server-generated name (see models.evidence_upload_to)."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from incidents.intake.photos import clean_photo

# Active content has no place in an evidence document.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia)\b")


@dataclass
class CleanEvidence:
    file: ContentFile
    content_type: str


def max_evidence_bytes() -> int:
    return getattr(settings, "MAX_EVIDENCE_BYTES", settings.MAX_PHOTO_BYTES)


def clean_evidence(upload) -> CleanEvidence:
    name = getattr(upload, "name", "berkas")
    if upload.size > max_evidence_bytes():
        raise ValidationError(
            _("Berkas %(name)s terlalu besar (maksimal %(mb)s MB).")
            % {"name": name, "mb": max_evidence_bytes() // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.lstrip()[:5] == b"%PDF-":
        raw = upload.read()
        if b"%%EOF" not in raw[-2048:]:
            raise ValidationError(_("Berkas %(name)s bukan PDF yang utuh.") % {"name": name}, code="invalid_pdf")
        if PDF_ACTIVE.search(raw):
            raise ValidationError(
                _("Berkas %(name)s berisi skrip atau lampiran tersembunyi; simpan ulang sebagai PDF biasa.")
                % {"name": name},
                code="active_pdf",
            )
        return CleanEvidence(file=ContentFile(raw, name="bukti.pdf"), content_type="application/pdf")
    try:
        photo = clean_photo(upload)
    except ValidationError:
        raise ValidationError(
            _("Berkas %(name)s harus berupa foto (JPEG, PNG, WebP) atau PDF yang utuh.") % {"name": name},
            code="bad_format",
        )
    return CleanEvidence(file=ContentFile(photo.image.read(), name="bukti.jpg"), content_type="image/jpeg")
