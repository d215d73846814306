"""Is there active content in a PDF? Looked for in the names of its dictionaries.

A PDF name may spell any byte as #xx, so `/J#61vaScript` is `/JavaScript` to
every reader: names are decoded before they are compared. Dictionaries may
also sit inside compressed object streams (`/Type /ObjStm`), so those are
inflated (within a budget) and read the same way; an object stream that
cannot be read (another filter, or more than the budget) is refused rather
than trusted. Page content and images are never inflated: actions and
attachments cannot live there.
"""

import re
import zlib

ACTIVE_NAMES = frozenset(
    {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"XFA", b"ImportData"}
)
# Legitimate object streams hold a few hundred KB; the budget is for all of them together.
OBJECT_STREAM_BUDGET = 16 * 1024 * 1024

_NAME = re.compile(rb"/([^\x00\t\n\x0c\r /<>\[\]()%{}]*)")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
# From an object's start to the first `stream` keyword after it: the stream's dictionary.
_STREAM = re.compile(rb"\bobj\b(.{0,4096}?)\bstream\r?\n", re.S)

ACTIVE, UNREADABLE = "active", "unreadable"


def names(data: bytes) -> set[bytes]:
    """Every name in `data`, with #xx escapes decoded."""
    return {_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), m.group(1)) for m in _NAME.finditer(data)}


def _object_streams(raw: bytes):
    for match in _STREAM.finditer(raw):
        header = names(match.group(1))
        if b"ObjStm" not in header:
            continue
        start = match.end()
        end = raw.find(b"endstream", start)
        yield header, raw[start : end if end >= 0 else len(raw)]


def pdf_problem(raw: bytes) -> str | None:
    """ACTIVE when the PDF carries scripts, launch actions or attachments;
    UNREADABLE when part of it cannot be inspected; None when it is plain."""
    if names(raw) & ACTIVE_NAMES:
        return ACTIVE
    budget = OBJECT_STREAM_BUDGET
    for header, body in _object_streams(raw):
        filters = header & {b"FlateDecode", b"Fl", b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85",
                            b"LZWDecode", b"LZW", b"RunLengthDecode", b"RL", b"Crypt", b"DCTDecode", b"JPXDecode"}  # fmt: skip
        if filters - {b"FlateDecode", b"Fl"}:
            return UNREADABLE
        if filters:
            inflater = zlib.decompressobj()
            try:
                body = inflater.decompress(body, budget + 1)
            except zlib.error:
                return UNREADABLE
        budget -= len(body)
        if budget < 0:
            return UNREADABLE
        if names(body) & ACTIVE_NAMES:
            return ACTIVE
    return None
