"""What an SMS costs. A message in the GSM-7 alphabet fits 160 characters
(153 per part when split); one character outside it switches the whole
message to UCS-2: 70 characters, 67 per part. The Pemda pays per part, so
every SMS the portal sends goes through `sms_text` first: "…", curly quotes,
dashes, emoji and accented letters become their plain GSM-7 equivalents.
WhatsApp messages keep them."""

import re
import unicodedata

# GSM 03.38 basic character set (one septet each).
BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: two septets each (escape + character).
EXTENDED = set("^{}\\[~]|€\f")

SINGLE, MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67

REPLACEMENTS = {
    "…": "...",
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "″": '"',
    "«": '"',
    "»": '"',
    "–": "-",
    "—": "-",
    "‒": "-",
    "―": "-",
    "−": "-",
    "‐": "-",
    "‑": "-",
    "•": "-",
    "·": "-",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\t": " ",
    "×": "x",
    "°": " derajat",
    "²": "2",
    "³": "3",
    "½": "1/2",
    "→": "->",
    "✓": "v",
}


def _plain(char: str) -> str:
    if char in BASIC or char in EXTENDED:
        return char
    if char in REPLACEMENTS:
        return REPLACEMENTS[char]
    # Accented letters lose their accent ("ç" -> "c"); what has no plain form
    # (emoji, other scripts, invisible marks) is dropped.
    decomposed = unicodedata.normalize("NFKD", char)
    plain = "".join(c for c in decomposed if c in BASIC or c in EXTENDED)
    return plain


def sms_text(text: str) -> str:
    """`text` in GSM-7 characters only, without doubled spaces left by what was dropped."""
    converted = "".join(_plain(c) for c in text or "")
    lines = [re.sub(r" {2,}", " ", line).strip() for line in converted.split("\n")]
    return "\n".join(lines).strip()


def is_gsm7(text: str) -> bool:
    return all(c in BASIC or c in EXTENDED for c in text or "")


def segments(text: str) -> int:
    """How many SMS parts `text` is sent as."""
    if not text:
        return 1
    if is_gsm7(text):
        length = sum(2 if c in EXTENDED else 1 for c in text)
        return 1 if length <= SINGLE else -(-length // MULTI)
    # UCS-2 counts UTF-16 code units: an emoji is two.
    length = len(text.encode("utf-16-le")) // 2
    return 1 if length <= UCS2_SINGLE else -(-length // UCS2_MULTI)
