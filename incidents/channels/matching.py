"""Understanding what a resident types: a category by number, code, word,
common synonym or a word one letter off; a desa by name, forgiving of
spelling, of "desa"/"kel." prefixes, of number words ("pauh satu") and of a
dusun/RT or landmark written after it; yes, no and "don't know" the way
people write them ("ya pak", "iya.", "tidak ada")."""

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from incidents.models import Category, Desa, Kecamatan

# Words a resident puts before a desa's name; they are not part of it.
DESA_PREFIXES = {"desa", "ds", "kel", "kelurahan", "kelurahaan", "lurah", "dusun", "dsn"}
KECAMATAN_MARKERS = ("kecamatan", "kec")
ROMAN = {"1": "i", "2": "ii", "3": "iii", "4": "iv", "satu": "i", "dua": "ii", "tiga": "iii", "empat": "iv"}
# Words after the desa's name that start a dusun, RT or landmark ("Noman dusun 2").
PLACE_MARKERS = {"dusun", "dsn", "rt", "rw", "lorong", "lr", "gang", "gg", "jalan", "jl", "dekat", "depan", "belakang"}
# Politeness and filler around an answer: "banjir pak", "ya bu", "tolong".
FILLERS = {"pak", "bu", "bapak", "ibu", "bang", "mas", "mbak", "kak", "dek", "om", "tolong", "mohon", "nya", "sih"}
YES = {"ya", "y", "iya", "iye", "yes", "ok", "oke", "okey", "kirim", "benar", "betul", "setuju", "yup"}
NO = {"tidak", "tdk", "t", "no", "enggak", "engga", "nggak", "gak", "ga", "gk", "bukan", "belum"}
DONT_KNOW = {"tidak tahu", "tdk tahu", "tidak tau", "tdk tau", "gak tahu", "gak tau", "ga tau", "entah", "tidak ada"}
NUMBER_WORDS = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7,
    "delapan": 8, "sembilan": 9, "sepuluh": 10, "sebelas": 11, "seratus": 100,
}  # fmt: skip
# Words of several category names that say nothing about which one is meant.
SHARED_WORDS = {"dan", "dengan", "atau", "warga", "alam", "bencana", "lainnya", "umum", "pelanggaran"}
# Words residents use for a category that are not in its name, by category code.
SYNONYMS = {
    "bencana-banjir": {"bandang", "banjir", "rob", "genangan", "terendam", "luapan"},
    "bencana-longsor": {"longsor", "longsoran", "amblas", "ambles"},
    "bencana-karhutla": {"karhutla", "hutan", "lahan", "api", "terbakar", "asap"},
    "kebakaran-permukiman": {"rumah", "gedung", "toko", "ruko", "api", "terbakar"},
    "bencana-puting-beliung": {"angin", "puting", "beliung", "badai", "topan", "lesus"},
    "bencana-kekeringan": {"kemarau", "kering", "kekeringan"},
    "bencana-gempa": {"gempa", "lindu"},
    "konflik-perusahaan": {"perusahaan", "pt", "sawit", "plasma", "sengketa", "konflik"},
    "konflik-antarwarga": {"tawuran", "bentrok", "berkelahi", "perkelahian", "sengketa", "konflik"},
    "ketertiban-umum": {"ketertiban", "tibum", "perda", "demo", "unjuk", "kerusuhan", "keributan", "mabuk", "judi"},
}
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


def one_edit(a: str, b: str) -> bool:
    """`a` and `b` differ by at most one letter added, dropped, changed or two swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _word_matches(word: str, vocabulary: set[str]) -> bool:
    # Short words must be exact: "pt" is one letter from "api".
    return word in vocabulary or (len(word) >= 5 and any(len(v) >= 5 and one_edit(word, v) for v in vocabulary))


def meaningful_words(text: str) -> list[str]:
    return [w for w in _words(text) if w not in FILLERS]


def match_category(text: str, categories: list[Category]) -> list[Category]:
    """Categories meant by `text`: its number on the menu, its code, or words
    of its code, name or synonyms, one letter off allowed ("banjr"). Several
    when the words fit several ("kebakaran", "konflik")."""
    raw = (text or "").strip().lower()
    words = meaningful_words(raw)
    number = parse_number(raw)
    if number is not None:
        return [categories[number - 1]] if 0 < number <= len(categories) else []
    exact = [c for c in categories if c.code == raw]
    if exact:
        return exact
    if not words:
        return []
    key = " ".join(words)
    by_name = [c for c in categories if key == " ".join(_words(c.name))]
    if by_name:
        return by_name
    found = None
    for word in words:
        fits = {c.pk for c in categories if _word_matches(word, _vocabulary(c))}
        if fits:
            # Words that point different ways ("rumah terendam"): the resident chooses among all.
            found = fits if found is None else (found & fits or found | fits)
    return [c for c in categories if found and c.pk in found]


def _vocabulary(category: Category) -> set[str]:
    words = set(category.code.split("-")) | set(_words(category.name)) | SYNONYMS.get(category.code, set())
    return words - SHARED_WORDS


def parse_number(text: str) -> int | None:
    """ "3", "3.", "tiga" -> 3; anything else None. isdecimal(), not isdigit(): "²" is no number."""
    words = meaningful_words(text)
    if len(words) != 1:
        return None
    word = words[0]
    if word.isdecimal() and (text or "").strip().rstrip(".").replace(".", "").isdecimal():
        return int(word)
    return NUMBER_WORDS.get(word)


def is_yes(text: str) -> bool:
    words = meaningful_words(text)
    return bool(words) and words[0] in YES and all(w in YES for w in words)


def is_no(text: str) -> bool:
    words = meaningful_words(text)
    return bool(words) and words[0] in NO and len(words) <= 2 and " ".join(words) not in DONT_KNOW - {"tidak ada"}


def is_dont_know(text: str) -> bool:
    return " ".join(meaningful_words(text)) in DONT_KNOW


def match_choice(text: str, choices: list) -> int | None:
    """The index of the choice meant by its number or by words of its label ("tanah kebun")."""
    number = parse_number(text)
    if number is not None:
        return number - 1 if 0 < number <= len(choices) else None
    words = meaningful_words(text)
    if not words:
        return None
    fits = [
        i
        for i, choice in enumerate(choices)
        if all(_word_matches(w, set(_words(str(choice[1]))) | {str(choice[0])}) for w in words)
    ]
    if len(fits) == 1:
        return fits[0]
    if is_dont_know(text):
        return next((i for i, c in enumerate(choices) if "tidak tahu" in str(c[1]).lower()), None)
    return None


def split_landmark(text: str) -> tuple[str, str]:
    """ "Noman dusun 2 dekat masjid" -> ("Noman", "dusun 2 dekat masjid")."""
    raw = (text or "").split()
    for i, word in enumerate(raw):
        if i > 0 and "".join(_words(word)) in PLACE_MARKERS:
            return " ".join(raw[:i]).rstrip(",. "), " ".join(raw[i:])
    return text, ""


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
        list(desa_list)
        if desa_list is not None
        else list(Desa.objects.offered().select_related("kecamatan").defer(*_HEAVY))
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
    return list(Kecamatan.objects.offered().defer("boundary").order_by("code"))


def desa_of_kecamatan(kecamatan: Kecamatan) -> list[Desa]:
    return list(
        Desa.objects.offered().filter(kecamatan=kecamatan).select_related("kecamatan").defer(*_HEAVY).order_by("name")
    )
