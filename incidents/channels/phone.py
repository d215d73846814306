"""Phone numbers in one form. The SMS gateway reports "+62812…", WhatsApp
"62812…", a koordinator types "0812-…": all become "+62812…", so a block, a
STOP or a conversation applies to the person whatever the channel."""

import re

COUNTRY = "62"


def normalize_number(raw) -> str:
    """The canonical "+<digits>" form, or "" when `raw` is not a phone number."""
    text = str(raw or "").strip()
    if not text:
        return ""
    plus = text.startswith("+")
    digits = re.sub(r"\D", "", text)
    if not digits or re.search(r"[^\d\s()+.\-]", text):
        return ""
    if plus:
        number = digits
    elif digits.startswith("00"):
        number = digits[2:]
    elif digits.startswith("0"):
        number = COUNTRY + digits[1:]
    else:
        number = digits
    if not 8 <= len(number) <= 15:
        return ""
    return "+" + number


def whatsapp_id(number: str) -> str:
    """WhatsApp addresses a number without the plus."""
    return number.lstrip("+")
