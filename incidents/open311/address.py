"""`address_string` / `address_id` to a desa of the kabupaten.

Partner apps send what their user typed: a Kemendagri code with or without
dots ("pp.kk.cc.dddd" or the same digits without them), or a name with a prefix, other case,
Arabic instead of Roman numerals, or a small typo ("desa karang dapo 1",
"Kel. Muara Rupit", "Muara Rupit, Rupit"). An exact match on the cleaned name
wins; otherwise one clearly closest name. Ambiguity is an error that lists the
candidates, never a guess between them.
"""

import difflib
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from incidents.models import Desa
from kitaaman import region

PREFIXES = ("desa", "ds", "kelurahan", "kel", "kecamatan", "kec", "kabupaten", "kab")
ROMAN = {"1": "i", "2": "ii", "3": "iii", "4": "iv", "5": "v", "6": "vi", "7": "vii", "8": "viii", "9": "ix"}
CODE = re.compile(r"^16\.?13\.?0\d\.?\d{4}$")
# Close enough to be a typo of one name ("Muara Rupitt"), far from a different name.
CUTOFF = 0.85
MAX_LENGTH = 200


def normalise(name: str) -> str:
    words = re.sub(r"[^0-9a-z]+", " ", (name or "").lower()).split()
    while words and words[0] in PREFIXES:
        words = words[1:]
    return " ".join(ROMAN.get(w, w) for w in words)


def _code(text: str) -> str | None:
    compact = text.replace(" ", "")
    if not CODE.match(compact):
        return None
    digits = compact.replace(".", "")
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


def desa_from_address(text: str) -> Desa:
    """The desa the text names. ValidationError (Bahasa Indonesia) when none or several."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Alamat kosong."))
    if len(text) > MAX_LENGTH:
        raise ValidationError(_("Alamat terlalu panjang (maksimal 200 karakter)."))
    code = _code(text)
    if code is not None:
        desa = Desa.objects.offered().select_related("kecamatan").filter(code=code).first()
        if desa is None:
            raise ValidationError(_("Kode desa/kelurahan %(code)s tidak dikenal.") % {"code": code})
        return desa
    # "Desa, Kecamatan": the part after a comma may narrow the kecamatan.
    parts = [p for p in (normalise(p) for p in text.split(",")) if p]
    if not parts:
        raise ValidationError(_("Alamat tidak berisi nama desa/kelurahan."))
    wanted, hints = parts[0], parts[1:]
    every = list(
        Desa.objects.offered().select_related("kecamatan").only("code", "name", "kecamatan__code", "kecamatan__name")
    )
    pool = every
    for hint in hints:
        narrowed = [d for d in pool if normalise(d.kecamatan.name) == hint]
        if narrowed:
            pool = narrowed
            break
    by_name = {}
    for desa in pool:
        by_name.setdefault(normalise(desa.name), []).append(desa)
    exact = by_name.get(wanted, [])
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise _ambiguous(exact)
    close = difflib.get_close_matches(wanted, list(by_name), n=3, cutoff=CUTOFF)
    if len(close) == 1 or (close and _clearly_best(wanted, close)):
        matches = by_name[close[0]]
        if len(matches) == 1:
            return matches[0]
        raise _ambiguous(matches)
    if close:
        raise _ambiguous([d for name in close for d in by_name[name]])
    raise ValidationError(
        _("Desa/kelurahan “%(text)s” tidak ditemukan di %(region)s.")
        % {"text": text[:80], "region": region.current().official_name}
    )


def _clearly_best(wanted: str, close: list[str]) -> bool:
    ratios = [difflib.SequenceMatcher(None, wanted, name).ratio() for name in close]
    return ratios[0] - ratios[1] >= 0.05


def _ambiguous(candidates) -> ValidationError:
    names = ", ".join(f"{d.name} ({d.code}, Kec. {d.kecamatan.name})" for d in candidates[:5])
    return ValidationError(
        _("Alamat cocok dengan lebih dari satu desa/kelurahan: %(names)s. Kirim kode desa.") % {"names": names}
    )
