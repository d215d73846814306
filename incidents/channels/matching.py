"""Understanding what a resident types: a category by number, code or word,
and a desa by name, forgiving of spelling and of "desa"/"kel." prefixes."""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from incidents.models import Category, Desa, Kecamatan

# Words a resident puts before a desa's name; they are not part of it.
DESA_PREFIXES = {"desa", "ds", "kel", "kelurahan", "kelurahaan", "lurah", "dusun", "dsn"}
KECAMATAN_MARKERS = ("kecamatan", "kec")
ROMAN = {"1": "i", "2": "ii", "3": "iii", "4": "iv"}
# A name this similar to what was typed is taken as meant...
SURE = 0.86
# ...unless the runner-up is this close behind; then the resident chooses.
MARGIN = 0.06
# Below this a name is not offered at all.
POSSIBLE = 0.72
MAX_CHOICES = 6
# Whole GeoJSON polygons; matching needs names only.
_HEAVY = ("boundary", "kecamatan__boundary")


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.findall(r"[a-z0-9]+", text)


def normalize_name(text: str) -> str:
    """Lower case, no punctuation, no prefix, Arabic numerals as Roman ones
    ("Kel. Karang Dapo 1" -> "karang dapo i")."""
    words = _words(text)
    while words and words[0] in DESA_PREFIXES:
        words = words[1:]
    return " ".join(ROMAN.get(w, w) for w in words)


def active_categories() -> list[Category]:
    """The menu, in the order the web form shows it."""
    return list(Category.objects.filter(active=True).order_by("sort_order", "name"))


def match_category(text: str, categories: list[Category]) -> list[Category]:
    """Categories meant by `text`: its number on the menu, its code, or a word
    of its code or name. Several when the word is shared ("kebakaran")."""
    raw = (text or "").strip().lower()
    if raw.isdecimal():
        index = int(raw) - 1
        return [categories[index]] if 0 <= index < len(categories) else []
    exact = [c for c in categories if c.code == raw]
    if exact:
        return exact
    words = _words(raw)
    if not words:
        return []
    key = " ".join(words)
    found = []
    for category in categories:
        code_words = category.code.split("-")
        name = " ".join(_words(category.name))
        name_words = name.split()
        if key in code_words or key in name_words or key == name or (len(words) > 1 and key in name):
            found.append(category)
    return found


@dataclass
class DesaMatch:
    desa: Desa | None
    choices: list[Desa]


def _split_kecamatan(text: str) -> tuple[str, str]:
    """ "Noman, Kec. Rupit" -> ("Noman", "rupit")."""
    words = _words(text)
    for i, word in enumerate(words):
        if word in KECAMATAN_MARKERS and i > 0:
            return " ".join(words[:i]), " ".join(words[i + 1 :])
    if "," in (text or ""):
        head, _, tail = text.partition(",")
        return head, " ".join(w for w in _words(tail) if w not in KECAMATAN_MARKERS)
    return text, ""


def _score(typed: str, name: str) -> float:
    if typed == name:
        return 1.0
    ratio = SequenceMatcher(None, typed, name).ratio()
    # "rupit" for "Muara Rupit": a whole word of the name typed on its own.
    if typed and typed in name.split():
        ratio = max(ratio, 0.8)
    return ratio


def match_desa(text: str, desa_list=None) -> DesaMatch:
    """The desa meant by `text` within the kabupaten: one when it is clear,
    otherwise the candidates to choose from (possibly none)."""
    typed, kecamatan_text = _split_kecamatan(text)
    typed = normalize_name(typed)
    if not typed:
        return DesaMatch(None, [])
    candidates = (
        list(desa_list) if desa_list is not None else list(Desa.objects.select_related("kecamatan").defer(*_HEAVY))
    )
    if kecamatan_text:
        kec = normalize_name(kecamatan_text)
        narrowed = [d for d in candidates if _score(kec, normalize_name(d.kecamatan.name)) >= SURE]
        candidates = narrowed or candidates
    scored = sorted(
        ((_score(typed, normalize_name(d.name)), d) for d in candidates), key=lambda pair: (-pair[0], pair[1].name)
    )
    if not scored:
        return DesaMatch(None, [])
    best_score, best = scored[0]
    exact = [d for s, d in scored if s == 1.0]
    if len(exact) == 1:
        return DesaMatch(exact[0], [])
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if not exact and best_score >= SURE and best_score - runner_up >= MARGIN:
        return DesaMatch(best, [])
    choices = [d for s, d in scored if s >= POSSIBLE][:MAX_CHOICES]
    return DesaMatch(None, choices)


def kecamatan_list() -> list[Kecamatan]:
    return list(Kecamatan.objects.defer("boundary").order_by("code"))


def desa_of_kecamatan(kecamatan: Kecamatan) -> list[Desa]:
    return list(Desa.objects.filter(kecamatan=kecamatan).select_related("kecamatan").defer(*_HEAVY).order_by("name"))
