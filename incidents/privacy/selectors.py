"""Finding one reporter's reports by the contact they give when they ask."""

import re

from django.db.models import Q

from incidents.models import Incident

MIN_PHONE_DIGITS = 8


def normalize_phone(raw: str) -> str:
    """Digits only, Indonesian style: '+62 812-3456' and '0812 3456' are the same number."""
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


def reports_of_reporter(*, email: str = "", phone: str = "") -> list[Incident]:
    """Every report whose reporter gave this e-mail address or phone number
    (however the number was written), oldest first."""
    email = (email or "").strip()
    number = normalize_phone(phone)
    if not email and len(number) < MIN_PHONE_DIGITS:
        return []
    condition = Q(reporter_email__iexact=email) if email else Q()
    if len(number) >= MIN_PHONE_DIGITS:
        # Narrow down in the database by the last digits, then compare the whole number.
        condition |= Q(reporter_phone__contains=number[-4:])
    candidates = (
        Incident.objects.filter(condition).select_related("category", "desa", "kecamatan").order_by("created_at", "id")
    )
    return [
        i
        for i in candidates
        if (email and i.reporter_email.strip().lower() == email.lower())
        or (len(number) >= MIN_PHONE_DIGITS and normalize_phone(i.reporter_phone) == number)
    ]
