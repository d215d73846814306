"""Cells of every spreadsheet the portal writes (desk export, e-SPM, summaries).

Text comes from citizens and staff, so two things are done to it and never to
numbers: characters that XLSX cannot hold (control characters such as BEL,
which openpyxl refuses with IllegalCharacterError and which would fail the
whole export) are removed, and text that a spreadsheet program would run as a
formula gets a leading apostrophe (OWASP "CSV injection"). A number is data,
so -2.4 stays -2.4.

A CSV file is read with whatever separator the spreadsheet program expects:
Indonesian Excel splits on `;`, so an unquoted "dusun 2;=cmd|..." would become
two cells, the second a formula. Quoting the cell is not enough: a file written
with "," and opened with ";" is not read as quoted at all (a quote in the middle
of a field is a plain character), so the ";" inside the cell still splits it.
So every CSV the portal writes goes through `csv_writer`, which quotes every
cell and, inside a text cell, puts the apostrophe after any separator (",",
";", tab, line break) that is followed by a formula character: whatever the
reader splits on, each piece it makes starts as text.
"""

import csv
import re
from datetime import date, datetime
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A separator some reader may split on, then quotes, then a formula character.
SPLIT_FORMULA_RE = re.compile(r'([,;\t\r\n])(?="*[=+\-@\t\r])')


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
    return SPLIT_FORMULA_RE.sub(r"\1'", guard_text(str(value)))


class CsvWriter:
    """csv.writer for exports: every cell quoted (QUOTE_ALL) and passed through
    csv_cell, so neither a separator nor a formula prefix can reach a reader."""

    def __init__(self, fh):
        self._writer = csv.writer(fh, quoting=csv.QUOTE_ALL)

    def writerow(self, values) -> None:
        self._writer.writerow([csv_cell(v) for v in values])


def csv_writer(fh) -> CsvWriter:
    """The one way the portal writes CSV (desk export, e-SPM)."""
    return CsvWriter(fh)
