"""Evidence PDFs: active content hidden behind PDF name escapes (#xx) or
inside a compressed object stream is found and refused like plain /JavaScript."""

import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from spm.evidence import clean_evidence

PDF = b"%PDF-1.5\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def with_catalog(entry: bytes) -> bytes:
    return PDF.replace(b"/Type /Catalog", b"/Type /Catalog " + entry)


def with_object_stream(body: bytes) -> bytes:
    packed = zlib.compress(body)
    stream = (
        b"2 0 obj <</Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
        + str(len(packed)).encode()
        + b">>\nstream\n"
        + packed
        + b"\nendstream\nendobj\n"
    )
    return PDF.replace(b"trailer", stream + b"trailer")


@pytest.mark.parametrize(
    "content",
    [
        with_catalog(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        with_catalog(b"/OpenAction << /S /#4A#61#76#61#53#63#72#69#70#74 /#4A#53 (x) >>"),
        with_catalog(b"/AA << /O << /S /#4Caunch /F (cmd.exe) >> >>"),
        with_catalog(b"/Names << /Embedded#46iles 2 0 R >>"),
        with_object_stream(b"3 0 << /S /JavaScript /JS (app.alert(1)) >>"),
        with_object_stream(b"3 0 << /S /J#61vaScript /JS (x) >>"),
    ],
    ids=["hex-a", "all-hex", "launch", "embedded-files", "object-stream", "object-stream-hex"],
)
def test_hidden_active_content_is_refused(content):
    with pytest.raises(ValidationError) as exc:
        clean_evidence(SimpleUploadedFile("bukti.pdf", content))
    assert "skrip atau lampiran" in str(exc.value)


def test_harmless_names_and_streams_are_kept():
    content = with_object_stream(b"3 0 << /Type /Font /BaseFont /Helvetica#2DBold >>")
    content = content.replace(b"/Type /Catalog", b"/Type /Catalog /Lang (id-ID) /Title (JavaScript dasar)")
    clean = clean_evidence(SimpleUploadedFile("sk.pdf", content))
    assert clean.content_type == "application/pdf" and clean.file.read() == content


def test_an_object_stream_that_cannot_be_inspected_is_refused():
    hidden = with_object_stream(b"3 0 << /S /JavaScript >>").replace(b"/FlateDecode", b"/LZWDecode")
    with pytest.raises(ValidationError):
        clean_evidence(SimpleUploadedFile("lzw.pdf", hidden))


def test_page_content_streams_are_not_inflated():
    # A page drawn with Flate content (what every PDF has) is left alone, however large.
    content = zlib.compress(b"q 1 0 0 1 0 0 cm Q\n" * 200_000)
    page = b"4 0 obj <</Filter /FlateDecode /Length 9>>\nstream\n" + content + b"\nendstream\nendobj\n"
    pdf = PDF.replace(b"trailer", page + b"trailer")
    assert clean_evidence(SimpleUploadedFile("halaman.pdf", pdf)).content_type == "application/pdf"


def test_a_stream_that_inflates_beyond_reason_is_refused():
    bomb = with_object_stream(b" " * (60 * 1024 * 1024))
    assert len(bomb) < 200_000
    with pytest.raises(ValidationError):
        clean_evidence(SimpleUploadedFile("bom.pdf", bomb))
