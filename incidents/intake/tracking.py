import secrets

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
