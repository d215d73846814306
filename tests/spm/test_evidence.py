"""Evidence uploads: photos re-encoded, plain PDFs kept, anything else refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from spm.evidence import clean_evidence

PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def test_plain_pdf_is_kept():
    clean = clean_evidence(SimpleUploadedFile("sk.pdf", PDF))
    assert clean.content_type == "application/pdf" and clean.file.read() == PDF


@pytest.mark.parametrize(
    "content",
    [
        PDF.replace(b"/Type /Catalog", b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        PDF.replace(b"/Type /Catalog", b"/Names << /EmbeddedFiles 2 0 R >>"),
        PDF[:-7],  # truncated, no %%EOF
        b"<?php system($_GET['c']); ?>",
        b"MZ\x90\x00" + b"\x00" * 100,
    ],
)
def test_active_broken_or_foreign_files_are_refused(content):
    with pytest.raises(ValidationError):
        clean_evidence(SimpleUploadedFile("bukti.pdf", content))


def test_photo_is_reencoded_without_exif(settings):
    out = io.BytesIO()
    Image.new("RGB", (50, 40), (0, 120, 0)).save(out, format="PNG")
    clean = clean_evidence(SimpleUploadedFile("foto.png", out.getvalue()))
    assert clean.content_type == "image/jpeg"
    assert Image.open(clean.file).format == "JPEG"


def test_size_limit(settings):
    settings.MAX_PHOTO_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        clean_evidence(SimpleUploadedFile("besar.pdf", PDF * 10))
    assert "terlalu besar" in str(exc.value)
