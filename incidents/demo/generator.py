"""Synthetic demo and scale data: realistic reports over the last 24 months.

Everything is fictional (names, phone numbers, the "PT ..." companies). The
reports are written in batches with explicit primary keys (COPY on
PostgreSQL, bulk_create elsewhere) so that a million of them fit in minutes;
they therefore bypass the services, and the caller rebuilds the aggregates
afterwards (`rebuild_stats`). Each report still gets what the services would
have written: its events (created, transitions with public notes,
assignments), assignments to agencies, service-level due times, SPM counts,
computed by the services' own rules (priority, deadlines).
"""

import math
import os
import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection

from incidents.demo.content import (
    BASE_WEIGHTS,
    CHANNELS,
    COMPANIES,
    DEMO_PASSWORD,
    DEMO_USERS,
    FIRST_NAMES,
    HOUR_WEIGHTS,
    KECAMATAN_WEIGHT,
    LAST_NAMES,
    OBJECTS,
    PERDA_TOPICS,
    RIVERS,
    SEASON,
    TEMPLATES,
    kecamatan_number,
)
from incidents.demo.story import ReportStories
from incidents.demo.writer import BATCH_SIZE, BatchWriter, keep_updated_at, reset_sequences, write_batch
from incidents.intake.tracking import ALPHABET, LENGTH
from incidents.models import (
    Agency,
    Category,
    Channel,
    Desa,
    Holiday,
    Incident,
    IncidentEvent,
    Kecamatan,
    SlaUnit,
)
from incidents.reference.seed import PLAIN_FOR_SOURCE
from incidents.staff.services import staff_user_create
from incidents.workflow import sla
from incidents.workflow.sla import WIB


def ensure_demo_users(*, reset_passwords=True):
    """The demo staff, one per role. Returns [(username, role, password)]."""

    User = get_user_model()
    logins = []
    codes = list(Kecamatan.objects.offered().values_list("code", flat=True))
    for username, role, kwargs, first, last in DEMO_USERS:
        kwargs = dict(kwargs)
        if "kecamatan_numbers" in kwargs:
            numbers = kwargs.pop("kecamatan_numbers")
            kwargs["kecamatan_codes"] = [c for c in codes if kecamatan_number(c) in numbers][:1] or codes[:1]
        if reset_passwords or not User.objects.filter(username=username).exists():
            staff_user_create(
                username=username,
                role=role,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.kitaaman.invalid",
                **kwargs,
            )
        logins.append((username, role, DEMO_PASSWORD))
    return logins


def _areas_of(user) -> list:
    profile = getattr(user, "staff_profile", None)
    return list(profile.kecamatan.all()) if profile is not None else []


class WorkingDays:
    """sla.deadline with the holidays loaded once and working-day results
    remembered: a million reports would otherwise query the holidays a
    million times."""

    def __init__(self):
        self.holidays = frozenset(Holiday.objects.values_list("date", flat=True))
        self._cache = {}

    def deadline(self, start, amount, unit):
        if unit != SlaUnit.WORKING_DAYS:
            return sla.deadline(start, amount, unit)
        key = (start.astimezone(WIB).date(), amount)
        if key not in self._cache:
            self._cache[key] = sla.deadline(start, amount, unit, self.holidays)
        return self._cache[key]


# The status a report has reached by its age, with weights (per cent) in this order.
TARGET_STATUSES = ("baru", "diverifikasi", "ditangani", "selesai", "ditolak", "duplikat")
# Older than a day: (younger than this many days, weights).
STATUS_WEIGHTS_BY_AGE = (
    (7, (8, 12, 30, 42, 4, 4)),
    (30, (3, 5, 17, 65, 5, 5)),
    (math.inf, (0.7, 1.3, 5, 81, 6, 6)),
)
# Verification and handling take: a fire (lowest, highest) minutes, uniform; a
# disaster (median, spread) minutes and anything else (median, spread) hours, log-normal.
EARLY_DELAYS = {
    "verify": ((1, 10), (30, 0.8), (14, 1.0)),
    "handle": ((0.5, 4), (60, 0.9), (20, 1.0)),
}


@dataclass
class Stats:
    reports: int = 0
    events: int = 0
    assignments: int = 0
    by_status: dict = field(default_factory=dict)


def _tracking_codes(n: int, seen: set) -> list[str]:
    # os.urandom, not the seeded generator: demo data must not make codes predictable.
    space = len(ALPHABET) ** LENGTH
    out = []
    while len(out) < n:
        value = int.from_bytes(os.urandom(8), "big") % space
        chars = []
        for _ in range(LENGTH):
            value, r = divmod(value, len(ALPHABET))
            chars.append(ALPHABET[r])
        code = f"KA-{''.join(chars[:4])}-{''.join(chars[4:])}"
        if code not in seen:
            seen.add(code)
            out.append(code)
    return out


class DemoGenerator(ReportStories):
    def __init__(self, *, seed=None, now=None, months=24):
        self.rng = random.Random(seed)
        self.now = now or datetime.now(tz=WIB)
        self.start = self.now - timedelta(days=int(months * 30.44))
        self.days = WorkingDays()
        self.categories = {c.code: c for c in Category.objects.filter(active=True)}
        if not self.categories:
            raise ValueError("Tidak ada kategori aktif.")
        self.agencies = {a.code: a for a in Agency.objects.filter(active=True)}
        desa = list(Desa.objects.offered().select_related("kecamatan").order_by("code"))
        if not desa:
            raise ValueError("Data desa belum dimuat.")
        self.desa = desa
        weights = [
            (d.population or 1000) ** 0.3
            * self.rng.lognormvariate(0, 0.5)
            * KECAMATAN_WEIGHT.get(kecamatan_number(d.kecamatan_id), 0.8)
            for d in desa
        ]
        self.desa_cum = _cumulative(weights)
        self.month_weights = {}
        for month in range(1, 13):
            codes = list(self.categories)
            w = [BASE_WEIGHTS.get(c, 2) * SEASON.get(c, {}).get(month, 1) for c in codes]
            self.month_weights[month] = (codes, _cumulative(w))
        self.hour_cum = _cumulative(HOUR_WEIGHTS)
        self.users = self._load_users()
        # Reports of an officer's kecamatan are entered by that officer.
        self.officer_of = {k.code: u.username for u in self.users.values() for k in _areas_of(u)}
        self.labels = {u.pk: u.get_full_name() or u.get_username() for u in self.users.values()}
        self.received_notes = {c: f"Laporan diterima melalui {Channel(c).label}." for c in CHANNELS}
        self.seen_codes = set()

    def _load_users(self):

        User = get_user_model()
        return {u.username: u for u in User.objects.filter(username__in=[row[0] for row in DEMO_USERS])}

    # -- sampling helpers --------------------------------------------------------------------------------

    def pick(self, items, cum):
        return items[_bisect(cum, self.rng.random() * cum[-1])]

    def created_times(self, n: int) -> list[datetime]:
        """n report times, oldest first; more recent months a little busier (adoption grows)."""
        rng, span = self.rng, (self.now - self.start).total_seconds()
        days_total = span / 86400
        out = []
        for _ in range(n):
            while True:
                x = rng.random()
                if rng.random() < 0.6 + 0.8 * x:  # density rises linearly over the period
                    break
            day = self.start + timedelta(days=math.floor(x * days_total))
            hour = _bisect(self.hour_cum, rng.random() * self.hour_cum[-1])
            moment = day.astimezone(WIB).replace(
                hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0
            )
            out.append(min(moment, self.now - timedelta(minutes=rng.randrange(1, 120))))
        out.sort()
        return out

    def target_status(self, age_days: float, group: str) -> str:
        r = self.rng.random() * 100
        fast = group in ("kebakaran", "bencana")
        if age_days < 1:
            weights = (35, 20, 30, 12, 1.5, 1.5) if fast else (55, 20, 20, 3, 1.5, 1.5)
        else:
            weights = next(w for days, w in STATUS_WEIGHTS_BY_AGE if age_days < days)
        table = list(zip(TARGET_STATUSES, weights, strict=True))
        total = sum(w for _, w in table)
        r = r * total / 100
        for status, w in table:
            if r < w:
                return status
            r -= w
        return "selesai"

    def delay(self, group, code, stage) -> timedelta:
        """Plausible durations (log-normal) per kind of report and stage."""
        rng = self.rng
        if stage in EARLY_DELAYS:
            fire, disaster, other = EARLY_DELAYS[stage]
            if group == "kebakaran":
                return timedelta(minutes=rng.uniform(*fire))
            if group == "bencana":
                return timedelta(minutes=rng.lognormvariate(math.log(disaster[0]), disaster[1]))
            return timedelta(hours=rng.lognormvariate(math.log(other[0]), other[1]))
        # resolve
        if group == "kebakaran":
            return timedelta(hours=rng.uniform(1, 6))
        if code == "bencana-karhutla":
            return timedelta(days=rng.lognormvariate(math.log(2), 0.7))
        if group == "bencana":
            return timedelta(days=rng.lognormvariate(math.log(3), 0.8))
        if group == "konflik":
            return timedelta(days=rng.lognormvariate(math.log(14), 0.9))
        return timedelta(days=rng.lognormvariate(math.log(3), 0.9))

    # -- content ------------------------------------------------------------------------------------------

    def text(self, category, desa):
        rng = self.rng
        options = TEMPLATES.get(category.code) or [
            (category.name, "Warga {desa} melaporkan kejadian: " + category.name.lower() + ".")
        ]
        title, body = rng.choice(options)
        perda, rule = rng.choice(PERDA_TOPICS)
        values = {
            "desa": f"{'Kelurahan' if desa.jenis == 'kelurahan' else 'Desa'} {desa.name}",
            "sungai": rng.choice(RIVERS),
            "pt": rng.choice(COMPANIES),
            "n": rng.randint(2, 40),
            "tinggi": rng.choice([30, 50, 60, 80, 100, 120]),
            "ha": rng.choice([1, 2, 3, 5, 8, 12, 20, 35]),
            "objek": rng.choice(OBJECTS),
            "perda": perda,
        }
        return title.format(**values), body.format(**values), values, rule

    def details(self, category, values, rule):
        rng, out = self.rng, {}
        for q in category.questions:
            code, qtype = q["code"], q.get("type")
            if code == "perusahaan":
                out[code] = values["pt"]
            elif code == "aturan_dilanggar":
                if rule:
                    out[code] = rule
            elif code == "pihak_terlibat":
                out[code] = (
                    f"Warga {values['desa']} dan {values['pt']}"
                    if category.code == "konflik-perusahaan"
                    else "Dua kelompok warga"
                )
            elif code in ("pokok_masalah", "sumber_konflik"):
                # One draw for both: the demo officer classifies as the resident answered.
                if "sumber_konflik" not in out:
                    out["sumber_konflik"] = (
                        "sumber-daya-alam"
                        if category.code == "konflik-perusahaan"
                        else rng.choice(
                            ["politik-ekonomi-sosbud", "batas-wilayah", "sumber-daya-alam", "politik-ekonomi-sosbud"]
                        )
                    )
                    out["pokok_masalah"] = PLAIN_FOR_SOURCE[out["sumber_konflik"]]
            elif code == "ada_kekerasan":
                out[code] = rng.random() < 0.08
            elif code == "luas_terbakar_ha":
                out[code] = values["ha"]
            elif code == "rumah_terendam":
                out[code] = values["n"]
            elif code in ("meninggal", "hilang", "korban_meninggal"):
                out[code] = 1 if rng.random() < 0.02 else 0
            elif code in ("luka", "korban_luka"):
                out[code] = rng.choice([0, 0, 0, 0, 1, 2])
            elif code == "mengungsi":
                out[code] = rng.choice([0, 0, 0, 5, 12, 30, 60])
            elif code.startswith("rumah_rusak"):
                out[code] = rng.choice([0, 0, 0, 1, 2, 4])
            elif code == "jumlah_bangunan":
                out[code] = rng.choice([1, 1, 1, 1, 2, 3, 5])
            elif code in ("warga_terdampak", "jumlah_orang"):
                out[code] = rng.choice([3, 5, 8, 12, 20, 40, 80, 150])
            elif code == "jenis_gangguan":
                out[code] = rng.choice(
                    ["pelanggaran-perda", "pelanggaran-perda", "gangguan-tibum", "unjuk-rasa", "kerusuhan"]
                )
            elif qtype == "choice" and q.get("choices"):
                out[code] = rng.choice(q["choices"])[0]
            elif qtype == "boolean":
                out[code] = rng.random() < 0.3
            elif qtype == "integer":
                out[code] = rng.choice([0, 1, 2, 3, 5])
            elif q.get("required"):
                out[code] = "-"
        return out

    def must_serve(self, category, details):
        """Residents the SPM service must serve for this report (0-50 m rule, victims, affected)."""
        if category.spm_service == "kebakaran":
            return max(1, details.get("warga_terdampak") or details.get("jumlah_bangunan", 1) * 4)
        if category.spm_service == "tibum":
            return max(1, details.get("warga_terdampak") or 5)
        if category.spm_service:
            victims = (
                sum(details.get(k) or 0 for k in ("luka", "mengungsi", "hilang"))
                + (details.get("rumah_terendam") or 0) * 4
            )
            return max(1, victims)
        return None

    def reporter(self):
        rng = self.rng
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}".strip()
        phone = "08" + str(rng.randrange(10**8, 10 ** rng.choice([9, 10, 11])))
        email = f"{name.split()[0].lower()}{rng.randrange(100, 999)}@contoh.invalid" if rng.random() < 0.3 else ""
        if rng.random() < 0.15:
            return "", "", ""
        return name, phone, email

    # -- one report ---------------------------------------------------------------------------------------

    # -- the run ------------------------------------------------------------------------------------------

    def run(self, n: int, *, batch_size: int = BATCH_SIZE, progress=None) -> Stats:
        stats = Stats()
        times = self.created_times(n)
        next_id = (Incident.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        event_id = IncidentEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        prev_by_category = {}
        # On PostgreSQL the database works on one batch while Python builds the
        # next (two cores busy instead of one). Not inside an outer transaction
        # (tests): a second connection could not see its uncommitted rows.
        writer = (
            BatchWriter(batch_size) if connection.vendor == "postgresql" and not connection.in_atomic_block else None
        )
        try:
            with keep_updated_at():
                for start in range(0, n, batch_size):
                    chunk = times[start : start + batch_size]
                    codes = _tracking_codes(len(chunk), self.seen_codes)
                    incidents, events, assignments = [], [], []
                    for i, created in enumerate(chunk):
                        inc, evs, asg, event_id = self.report(next_id, codes[i], created, prev_by_category, event_id)
                        next_id += 1
                        incidents.append(vars(inc))
                        events.extend(evs)
                        assignments.extend(vars(a) for a in asg)
                        stats.by_status[inc.status] = stats.by_status.get(inc.status, 0) + 1
                    if writer:
                        writer.submit((incidents, events, assignments))
                    else:
                        write_batch(incidents, events, assignments, batch_size)
                    stats.reports += len(incidents)
                    stats.events += len(events)
                    stats.assignments += len(assignments)
                    if progress:
                        progress(stats)
        finally:
            if writer:
                writer.close()
        reset_sequences()
        return stats


def _cumulative(weights):
    total, out = 0.0, []
    for w in weights:
        total += max(w, 0)
        out.append(total)
    return out


def _bisect(cum, x):

    return min(bisect_right(cum, x), len(cum) - 1)
