"""Cells of every spreadsheet the portal writes (desk export, e-SPM, summaries).

Text comes from citizens and staff, so two things are done to it and never to
numbers: characters that XLSX cannot hold (control characters such as BEL,
which openpyxl refuses with IllegalCharacterError and which would fail the
whole export) are removed, and text that a spreadsheet program would run as a
formula gets a leading apostrophe (OWASP "CSV injection"). A number is data,
so -2.4 stays -2.4.
"""

from datetime import date, datetime
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def clean_text(text: str) -> str:
    """Without the control characters XLSX cannot store (tab and newlines stay)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def guard_text(text: str) -> str:
    text = clean_text(text)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def xlsx_cell(value):
    """A value for openpyxl: text guarded and cleaned, anything else unchanged."""
    if isinstance(value, str):
        return guard_text(value)
    return value


def csv_cell(value) -> str:
    """A value for csv.writer: everything becomes text, so numbers and dates
    are formatted before the guard could mistake a minus sign for a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bool, int, float, Decimal)):
        return str(value)
    return guard_text(str(value))
