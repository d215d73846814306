"""People reached by the warnings, for the SPM service *informasi rawan
bencana* (spm/calculations.py adds these to the activities of the month).

Counted: published warnings and updates (state other than draft, msgType
Alert or Update; cancellations only lower an alarm), in the month (WIB) they
were published, per kecamatan covered. WarningSettings.spm_reach decides:

- "pengiriman" (default): each message delivered to a subscriber is one
  person reached, in the kecamatan of the desa the subscriber chose;
- "penduduk": the population of the areas warned, each desa (or a whole
  kecamatan) once per year, in the month it was first warned.

Each row names its warning, so the dashboard figure can be traced back to
the warnings behind it (the staff list filtered by year and kecamatan).
"""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import ExtractMonth, ExtractYear

from incidents.models import Desa, Kecamatan
from kitaaman.models import OutboundMessage
from spm import statements

from .models import Alert, AlertArea, AlertRecipient, MsgType, State, WarningSettings

WIB = ZoneInfo("Asia/Jakarta")
COUNTED_TYPES = (MsgType.ALERT, MsgType.UPDATE)


@dataclass(frozen=True)
class ReachRow:
    alert_id: int
    year: int
    month: int
    kecamatan: str
    people: int


def _counted_alerts(years):
    return (
        Alert.objects.filter(sent__isnull=False, msg_type__in=COUNTED_TYPES)
        .exclude(state=State.DRAFT)
        .annotate(y=ExtractYear("sent", tzinfo=WIB), m=ExtractMonth("sent", tzinfo=WIB))
        .filter(y__in=list(years))
    )


def _delivered_rows(*, years, kecamatan=None):
    """(alert, year, month, kecamatan, messages delivered) of the counted warnings."""
    sent = OutboundMessage.objects.filter(
        message_id=OuterRef("alert__delivery_id"), recipient=OuterRef("recipient"), state="sent"
    )
    qs = AlertRecipient.objects.filter(alert__in=_counted_alerts(years)).filter(Exists(sent))
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    rows = qs.annotate(y=ExtractYear("alert__sent", tzinfo=WIB), m=ExtractMonth("alert__sent", tzinfo=WIB))
    return rows.values_list("alert_id", "y", "m", "kecamatan_id").annotate(n=Count("id")).order_by()


def _delivered(years, kecamatan) -> list[ReachRow]:
    values = {"years": list(years)}
    if kecamatan:
        values["kecamatan"] = kecamatan
    return [
        ReachRow(alert_id, int(y), int(m), kec, int(n))
        for alert_id, y, m, kec, n in statements.rows(("warnings-reach", bool(kecamatan)), _delivered_rows, **values)
    ]


def _population(years, kecamatan) -> list[ReachRow]:
    """Each area once per year: a whole kecamatan counts its population (or its
    desa's when it has none) and covers its desa; a desa counts its own."""
    kec_pop = dict(Kecamatan.objects.values_list("code", "population"))
    desa_rows = list(Desa.objects.values_list("code", "kecamatan_id", "population"))
    desa_pop = {code: pop or 0 for code, _k, pop in desa_rows}
    desa_of = {}
    for code, kec, _pop in desa_rows:
        desa_of.setdefault(kec, []).append(code)
    alerts = _counted_alerts(years).order_by("sent", "id").values("id", "y", "m")
    areas = {}
    for alert_id, kec, desa, desa_kec in AlertArea.objects.filter(alert_id__in=[a["id"] for a in alerts]).values_list(
        "alert_id", "kecamatan_id", "desa_id", "desa__kecamatan_id"
    ):
        areas.setdefault(alert_id, []).append((kec, desa, desa_kec))
    rows, seen = [], set()  # seen: (year, desa code) already counted
    for alert in alerts:
        per_kec = {}
        for kec, desa, desa_kec in areas.get(alert["id"], []):
            if kec:
                fresh = [d for d in desa_of.get(kec, []) if (alert["y"], d) not in seen]
                if fresh and kec_pop.get(kec) and len(fresh) == len(desa_of.get(kec, [])):
                    people = kec_pop[kec]
                else:
                    people = sum(desa_pop[d] for d in fresh)
                seen.update((alert["y"], d) for d in fresh)
                per_kec[kec] = per_kec.get(kec, 0) + people
            elif (alert["y"], desa) not in seen:
                seen.add((alert["y"], desa))
                per_kec[desa_kec] = per_kec.get(desa_kec, 0) + desa_pop.get(desa, 0)
        for kec, people in per_kec.items():
            if people and (not kecamatan or kec == kecamatan):
                rows.append(ReachRow(alert["id"], alert["y"], alert["m"], kec, people))
    return rows


def reach_rows(*, years, kecamatan: str | None = None) -> list[ReachRow]:
    years = sorted({int(y) for y in years})
    if WarningSettings.get().spm_reach == WarningSettings.Reach.POPULATION:
        return _population(years, kecamatan)
    return _delivered(years, kecamatan)


def reach_by_month(*, years, kecamatan: str | None = None) -> dict[tuple[int, int, str], int]:
    """{(year, month, kecamatan code): people reached}."""
    out = {}
    for r in reach_rows(years=years, kecamatan=kecamatan):
        key = (r.year, r.month, r.kecamatan)
        out[key] = out.get(key, 0) + r.people
    return out


def reach_by_alert(*, year: int, until: date | None = None, kecamatan: str | None = None) -> dict[int, dict]:
    """{alert id: {kecamatan code: people}} for the year up to `until`'s month:
    the warnings behind one dashboard figure."""
    last_month = until.month if until else 12
    out = {}
    for r in reach_rows(years=[year], kecamatan=kecamatan):
        if r.month <= last_month:
            out.setdefault(r.alert_id, {})
            out[r.alert_id][r.kecamatan] = out[r.alert_id].get(r.kecamatan, 0) + r.people
    return out
