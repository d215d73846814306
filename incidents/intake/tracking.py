import re
import secrets

from incidents.models import Incident

# Alphabet without 0/O, 1/I/L and U: unambiguous when read aloud or typed from
# a phone screen. 30 symbols, 9 of them = 44 random bits, shown as KA-XXXX-XXXXX.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 9


def new_tracking_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"KA-{body[:4]}-{body[4:]}"


def normalize_tracking_code(raw: str) -> str:
    """Accept lower case, spaces and missing dashes from a citizen's typing."""
    cleaned = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    if cleaned.startswith("KA"):
        cleaned = cleaned[2:]
    if len(cleaned) != LENGTH:
        return ""
    return f"KA-{cleaned[:4]}-{cleaned[4:]}"


def looks_like_tracking_code(text: str) -> str:
    """The normalised code when `text` can only be a tracking code (so a
    nine-letter word such as "kebakaran" still searches the text)."""
    raw = (text or "").strip().upper()
    if not re.fullmatch(r"(KA[\s-]*)?[A-Z0-9]{4}[\s-]*[A-Z0-9]{5}", raw):
        return ""
    code = normalize_tracking_code(raw)
    if not code or any(ch not in ALPHABET for ch in code[3:].replace("-", "")):
        return ""
    if not raw.startswith("KA") and "-" not in raw:
        return ""
    return code


def incident_by_tracking_code(raw_code: str) -> Incident | None:
    """The report a citizen's typed code names (its place and category
    loaded), or None."""
    code = normalize_tracking_code(raw_code)
    if not code:
        return None
    return Incident.objects.select_related("category", "desa", "kecamatan").filter(tracking_code=code).first()
