"""Making a provider's payload storable, whatever it holds.

Both webhooks read their body through `read_body`: it never raises. Text is
cleaned before anything is written (PostgreSQL refuses NUL in text and JSON,
and a lone surrogate cannot be encoded as UTF-8), nesting is capped (deep
JSON raises RecursionError in the parser and again when it is written), and
a body that is not JSON at all comes back as its text, to be stored raw and
flagged for the desk.
"""

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

from django.utils import timezone

REPLACEMENT = "\ufffd"
# NUL and every UTF-16 surrogate: after JSON decoding, a surrogate still in a
# str is a lone one (a valid pair has already become one character).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MAX_DEPTH = 16
TOO_DEEP = "[terlalu dalam]"
MAX_RAW_CHARS = 100_000


def clean_text(value: str) -> str:
    """`value` with NUL and lone surrogates replaced by U+FFFD."""
    return _UNSTORABLE.sub(REPLACEMENT, value)


def clean_json(value, *, depth: int = MAX_DEPTH):
    """A copy of decoded JSON that any database can store: strings (and keys)
    cleaned, containers deeper than `depth` replaced by a marker."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        if depth <= 0:
            return TOO_DEEP
        return {clean_text(str(k)): clean_json(v, depth=depth - 1) for k, v in value.items()}
    if isinstance(value, list):
        if depth <= 0:
            return TOO_DEEP
        return [clean_json(v, depth=depth - 1) for v in value]
    if isinstance(value, float) and value != value:  # NaN: not JSON, refused by PostgreSQL
        return None
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return None
    return value


def read_body(body: bytes) -> tuple[object, str]:
    """(cleaned JSON, "") when the body parses, else ({"body": its text}, why)."""
    try:
        return clean_json(json.loads(body)), ""
    except RecursionError:
        why = "JSON terlalu dalam"
    except ValueError as exc:  # not UTF-8, not JSON
        why = f"bukan JSON: {exc}"[:200]
    text = body.decode("utf-8", errors="replace")[:MAX_RAW_CHARS]
    return {"body": clean_text(text)}, why


def fingerprint(value) -> str:
    """A stable id for something that came without one (so a retried
    delivery of the same unreadable item is stored once)."""
    encoded = json.dumps(value, sort_keys=True, ensure_ascii=True, default=str).encode()
    return "unreadable:" + hashlib.sha256(encoded).hexdigest()


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


def sane_time(value: datetime | None) -> datetime:
    """A provider's timestamp if it is one the database can store and could
    be true (a phone's clock may be off by hours, not by centuries), else now.
    Messages are processed in this order, so a far-off value would jump the queue."""
    now = timezone.now()
    if value is None:
        return now
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return now
    return value if EARLIEST <= value <= now + FUTURE_SLACK else now
