"""When it happened, as a villager writes it by SMS: "tadi pagi", "kemarin
sore", "semalam", "2 jam lalu", "jam 3 sore", "5/12 14.00", "05-12-2026".

A part of the day stands for a time in it (pagi 07.00, siang 12.00, sore
16.00, malam 20.00, subuh 05.00): the desk sees an approximate time rather
than none, as on the web form where the resident picks one. A day without a
year is this year's, or last year's when that would be in the future; a time
without a day is today's, or yesterday's. Anything in the future or not
understood is None.
"""

import re
from datetime import datetime, timedelta

from django.utils import timezone

from incidents.channels import matching

PARTS = {"subuh": 5, "pagi": 7, "siang": 12, "sore": 16, "petang": 18, "malam": 20}
NOW_WORDS = {"barusan", "sekarang", "baru", "saat", "ini", "sedang", "masih"}
AGO = {"lalu", "yang", "yg", "tadi", "sebelumnya"}
DATE = re.compile(r"\b(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2,4}))?\b")
CLOCK = re.compile(r"\b(?:jam|pukul|pkl)?\s*(\d{1,2})(?:[.:](\d{2}))?\b")
# Some minutes of slack: the phone's clock and the portal's differ.
FUTURE_SLACK = timedelta(minutes=5)


def _at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _hour_of_part(hour: int, part: str | None) -> int:
    """ "jam 3 sore" -> 15, "jam 8 malam" -> 20, "jam 12 siang" -> 12."""
    if part in ("siang", "sore", "petang", "malam") and hour < 12 and not (part == "siang" and hour >= 10):
        return hour + 12
    return hour


def parse_when(text: str, now: datetime) -> datetime | None:
    local_now = timezone.localtime(now)
    words = matching.meaningful_words(text)
    if not words:
        return None
    found = _relative(words, local_now) or _written(text, words, local_now)
    if found is None or found > local_now + FUTURE_SLACK:
        return None
    return min(found, local_now)


def _part(words: list[str]) -> str | None:
    return next((w for w in words if w in PARTS), None)


def _relative(words: list[str], now: datetime) -> datetime | None:
    joined = " ".join(words)
    if set(words) <= NOW_WORDS | {"tadi", "saja", "aja"} and ("tadi" not in words or len(words) == 1):
        # "barusan", "baru saja", "sekarang", "masih berlangsung", "tadi".
        return now
    match = re.search(r"\b(\d+|[a-z]+) (jam|menit|hari) (?:yang )?(?:lalu|yg lalu)\b", joined)
    if match:
        amount = int(match.group(1)) if match.group(1).isdecimal() else matching.NUMBER_WORDS.get(match.group(1))
        if amount is None:
            return None
        unit = {"jam": "hours", "menit": "minutes", "hari": "days"}[match.group(2)]
        return now - timedelta(**{unit: amount})
    part = _part(words)
    clock = _clock(words)
    if "semalam" in words or joined.startswith("tadi malam") and now.hour < 18:
        return _at(now - timedelta(days=1), *(clock or (21, 0)))
    day = None
    if "lusa" in words and "kemarin" in words:
        day = now - timedelta(days=2)
    elif "kemarin" in words or "kemaren" in words or "kmrn" in words or "kmarin" in words:
        day = now - timedelta(days=1)
    elif "tadi" in words or "ini" in words or "hari" in words:
        day = now
    if day is None:
        return None
    found = _at(day, _hour_of_part(clock[0], part), clock[1]) if clock else _at(day, PARTS.get(part, 12))
    # "tadi pagi" said at six: this morning, so far.
    return min(found, now) if day is now else found


def _clock(words: list[str]) -> tuple[int, int] | None:
    """ "jam 3", "pukul 14 30" (meaningful_words splits "14.30")."""
    for i, word in enumerate(words):
        if word in ("jam", "pukul", "pkl") and i + 1 < len(words) and words[i + 1].isdecimal():
            hour = int(words[i + 1])
            minute = int(words[i + 2]) if i + 2 < len(words) and words[i + 2].isdecimal() else 0
            if hour < 24 and minute < 60:
                return hour, minute
    return None


def _written(text: str, words: list[str], now: datetime) -> datetime | None:
    """A date ("5/12", "05-12-2026") and/or a clock time ("14.00", "jam 9 pagi")."""
    rest = text.lower()
    day = now
    date = DATE.search(rest)
    if date:
        d, m, y = int(date.group(1)), int(date.group(2)), date.group(3)
        year = now.year if y is None else (2000 + int(y) if len(y) == 2 else int(y))
        try:
            day = now.replace(year=year, month=m, day=d)
        except ValueError:
            return None
        if y is None and _at(day, 0) > now:
            day = day.replace(year=year - 1)
        rest = rest[: date.start()] + " " + rest[date.end() :]
    clock = CLOCK.search(rest)
    part = _part(words)
    if clock and clock.group(0).strip():
        hour, minute = int(clock.group(1)), int(clock.group(2) or 0)
        if hour > 23 or minute > 59:
            return None
        found = _at(day, _hour_of_part(hour, part), minute)
        if date is None and found > now + FUTURE_SLACK:
            found -= timedelta(days=1)
        return found
    if date is not None:
        found = _at(day, PARTS.get(part, 12))
        # "5/12" written on the fifth: that day, so far.
        return min(found, now) if found.date() == now.date() else found
    return None
