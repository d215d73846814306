"""How SPM figures are written for people: the dashboard, its charts and map,
the summaries (page, PDF, e-mail) all format through these functions.

One rounding rule: half up, on the decimal value (99,65 -> 99,7), then the
active language's separators (Indonesian "1.234,5", English "1,234.5").
Django's number_format truncates extra decimals and Python's format rounds
half to even on the binary float, so neither is used on a raw figure; two
parts of one page that used one each showed 99,6 % and 99,7 % for the same
kecamatan.
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils.formats import get_format, number_format
from django.utils.translation import get_language, gettext_noop, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext as _

WIB = ZoneInfo("Asia/Jakarta")
DASH = "–"
NBSP = "\xa0"

MONTHS = [
    gettext_noop("Januari"),
    gettext_noop("Februari"),
    gettext_noop("Maret"),
    gettext_noop("April"),
    gettext_noop("Mei"),
    gettext_noop("Juni"),
    gettext_noop("Juli"),
    gettext_noop("Agustus"),
    gettext_noop("September"),
    gettext_noop("Oktober"),
    gettext_noop("November"),
    gettext_noop("Desember"),
]
# Abbreviations as Indonesian writes them (Agu, Okt, Des); English by the catalogue.
MONTHS_SHORT = [
    pgettext_lazy("bulan singkat", "Jan"),
    pgettext_lazy("bulan singkat", "Feb"),
    pgettext_lazy("bulan singkat", "Mar"),
    pgettext_lazy("bulan singkat", "Apr"),
    pgettext_lazy("bulan singkat", "Mei"),
    pgettext_lazy("bulan singkat", "Jun"),
    pgettext_lazy("bulan singkat", "Jul"),
    pgettext_lazy("bulan singkat", "Agu"),
    pgettext_lazy("bulan singkat", "Sep"),
    pgettext_lazy("bulan singkat", "Okt"),
    pgettext_lazy("bulan singkat", "Nov"),
    pgettext_lazy("bulan singkat", "Des"),
]


def month_name(month: int) -> str:
    return _(MONTHS[month - 1])


def month_short(month: int) -> str:
    return str(MONTHS_SHORT[month - 1])


def rounded(value, digits: int = 1) -> Decimal | None:
    """The one rounding rule: half up on the decimal value."""
    if value is None:
        return None
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


# {language: {",": thousands separator, ".": decimal separator}} for the
# languages that group digits by three (both of the portal's); None for any
# other, which Django's number_format writes.
_SEPARATORS: dict = {}
# Beyond this, Django's number_format writes the number (a float would not
# hold every digit).
_FAST_LIMIT = 10**15


def _separators(lang):
    try:
        return _SEPARATORS[lang]
    except KeyError:
        pass
    table = None
    if get_format("NUMBER_GROUPING", lang, use_l10n=True) == 3:
        table = str.maketrans(
            {
                ",": get_format("THOUSAND_SEPARATOR", lang, use_l10n=True),
                ".": get_format("DECIMAL_SEPARATOR", lang, use_l10n=True),
            }
        )
    _SEPARATORS[lang] = table
    return table


def _grouped(value, digits: int) -> str:
    """number_format(value, digits, force_grouping=True) for an int or a
    Decimal already rounded to `digits` places: the same text, written by
    Python's format with the language's separators."""
    table = _separators(get_language())
    if table is None or not -_FAST_LIMIT < value < _FAST_LIMIT:
        return number_format(value, digits, force_grouping=True)
    if not value:
        value = 0  # number_format writes -0,0 as 0,0
    if digits == 0 and isinstance(value, int):
        return f"{value:,}".translate(table)
    return f"{value:,.{digits}f}".translate(table)


def fmt_number(value, digits: int = 1) -> str:
    if value is None:
        return DASH
    return _grouped(rounded(value, digits), digits)


def fmt_int(value) -> str:
    if value is None:
        return DASH
    return _grouped(int(value), 0)


def fmt_pct(value, digits: int = 1) -> str:
    if value is None:
        return DASH
    return f"{fmt_number(value, digits)}{NBSP}%"


def fmt_points(value) -> str:
    """A change in percentage points, without its sign (the arrow shows it)."""
    return DASH if value is None else fmt_number(abs(value), 1)


def fmt_duration(hours) -> str:
    """A span in the largest units people use: "4 hari 5 jam", "4 jam 18 menit", "35 menit"."""
    if hours is None:
        return DASH
    minutes = round(float(hours) * 60)
    if minutes < 60:
        return ngettext("%(n)s menit", "%(n)s menit", minutes) % {"n": minutes}
    if minutes < 24 * 60:
        h, m = divmod(minutes, 60)
        parts = [ngettext("%(n)s jam", "%(n)s jam", h) % {"n": h}]
        if m:
            parts.append(ngettext("%(n)s menit", "%(n)s menit", m) % {"n": m})
        return " ".join(parts)
    days, h = divmod(round(float(hours)), 24)
    parts = [ngettext("%(n)s hari", "%(n)s hari", days) % {"n": fmt_int(days)}]
    if h:
        parts.append(ngettext("%(n)s jam", "%(n)s jam", h) % {"n": h})
    return " ".join(parts)


def fmt_minutes(minutes) -> str:
    """Fire response times stay in minutes with a decimal: 15,4 is not on time."""
    if minutes is None:
        return DASH
    return pgettext("durasi", "%(n)s menit") % {"n": fmt_number(minutes, 1)}


def fmt_date(value) -> str:
    """27 Nov 2026"""
    return f"{value.day} {month_short(value.month)} {value.year}"


def fmt_date_long(value: date) -> str:
    """30 September 2026: dates in documents are written out."""
    return f"{value.day} {month_name(value.month)} {value.year}"


def _local(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(WIB)


def fmt_datetime_long(value) -> str:
    """5 Desember 2026 14.05 WIB, from a datetime or its ISO text: a document's dates written out."""
    if not value:
        return ""
    local = _local(value)
    return f"{fmt_date_long(local)} {local:%H.%M} WIB"


def fmt_nip(nip: str) -> str:
    """A NIP as it is printed under a signature: 19700101 199503 1 001 (birth
    date, month of appointment, sex, serial)."""
    if len(nip) != 18:
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def fmt_datetime(value) -> str:
    """27 Nov 2026 14.05 WIB, from a datetime or its ISO text."""
    if not value:
        return ""
    local = _local(value)
    return f"{fmt_date(local)} {local:%H.%M} WIB"
