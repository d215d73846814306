"""The characters a warning's text may hold.

A warning travels as XML (CAP, Atom), SMS and e-mail. XML 1.0 cannot carry
most control characters, a lone surrogate cannot be encoded as UTF-8, and
PostgreSQL refuses NUL: such text must be refused where it is typed, not fail
later when the warning is published. One validator, used by the draft and
cancel forms, the API serializers and the model's fields (so `full_clean`
refuses it too).

Refused: C0 controls except tab, line feed and carriage return (a browser
sends a textarea's line breaks as CR LF), DEL, C1 controls, noncharacters
(U+FDD0..U+FDEF and the last two code points of every plane, U+FFFE and U+FFFF
among them) and surrogates.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_CONTROLS = frozenset("\t\n\r")


def is_forbidden(char: str) -> bool:
    code = ord(char)
    if code < 0x20:
        return char not in ALLOWED_CONTROLS
    if 0x7F <= code <= 0x9F:  # DEL and the C1 controls
        return True
    if 0xD800 <= code <= 0xDFFF:  # a surrogate on its own (valid text never holds one)
        return True
    if 0xFDD0 <= code <= 0xFDEF:
        return True
    return (code & 0xFFFE) == 0xFFFE  # U+FFFE, U+FFFF, U+1FFFE, … U+10FFFF


def forbidden_characters(value) -> list[str]:
    """The distinct forbidden characters of `value`, in order of appearance, as U+XXXX."""
    if not isinstance(value, str):
        return []
    seen = []
    for char in value:
        if is_forbidden(char):
            name = f"U+{ord(char):04X}"
            if name not in seen:
                seen.append(name)
    return seen


def validate_warning_text(value) -> None:
    found = forbidden_characters(value)
    if found:
        raise ValidationError(
            _(
                "Teks ini memuat karakter kontrol atau karakter tak sah (%(chars)s) yang tidak dapat dikirim "
                "sebagai peringatan. Hapus karakter itu (biasanya terbawa saat menyalin teks) lalu simpan lagi."
            )
            % {"chars": ", ".join(found[:5])},
            code="forbidden_character",
        )
