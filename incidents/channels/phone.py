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


# Meta's business-scoped user id (BSUID) of a WhatsApp user who hides their
# number behind a username: a country code, a dot, an optional "ENT." for a
# parent id, and up to 128 letters and digits ("ID.13491208655302741918").
BUSINESS_USER_ID = re.compile(r"^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$")
MAX_CONTACT_LENGTH = 140


def business_user_id(raw) -> str:
    """The BSUID as WhatsApp gave it, or "" when `raw` is not one."""
    text = str(raw or "").strip()
    return text if BUSINESS_USER_ID.match(text) else ""


def contact_id(raw) -> str:
    """A sender as stored: a canonical number, else a BSUID, else ""."""
    return normalize_number(raw) or business_user_id(raw)
