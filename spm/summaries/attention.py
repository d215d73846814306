""" "Perlu perhatian": what a leader reads first in a summary, computed from
the summary's own figures (spm/figures.py) when it is generated and stored
with them, so the page, the PDF and the e-mail list the same items.

Each item says what happened and who should act. Texts are stored in the
portal's language; numbers come from the stored figures only.
"""

from datetime import date

from django.utils.translation import gettext as _

from spm.figures import fmt_date_long
from spm.formatting import fmt_int, fmt_number, fmt_pct
from spm.models import Milestone, Service

TARGET = 100.0
LAGGING_PER_SERVICE = 3


def _item(kind: str, text: str, who: str) -> dict:
    return {"kind": kind, "text": text, "who": who}


def _figure(figures: dict, key: str):
    return next((f["value"] for f in figures.get("figures", []) if f["key"] == key), None)


def _service_items(figures: dict, leads: dict) -> list[dict]:
    items = []
    for s in figures.get("services", []):
        who = leads.get(s["code"], "")
        change = s.get("change")
        if change:
            verb = _("naik") if change > 0 else _("turun")
            items.append(
                _item(
                    "membaik" if change > 0 else "memburuk",
                    _("Capaian %(name)s %(verb)s %(n)s poin menjadi %(p)s (%(how)s).")
                    % {
                        "name": s["name"],
                        "verb": verb,
                        "n": fmt_number(abs(change)),
                        "p": fmt_pct(s["capaian"]),
                        "how": s.get("change_reason") or _("dibanding periode sebelumnya"),
                    },
                    who,
                )
            )
        if s.get("capaian") is not None and s["capaian"] < TARGET:
            items.append(
                _item(
                    "di_bawah_sasaran",
                    _("%(name)s di bawah sasaran SPM 100 %%: %(p)s (%(served)s dari %(must)s).")
                    % {
                        "name": s["name"],
                        "p": fmt_pct(s["capaian"]),
                        "served": fmt_int(s["served"]),
                        "must": fmt_int(s["must_serve"]),
                    },
                    who,
                )
            )
        fire_share = _figure(figures, "fire_on_time_share")
        if s["code"] == "kebakaran" and s.get("quality") == 100 and fire_share is not None and fire_share < TARGET:
            items.append(
                _item(
                    "periksa_mutu",
                    _(
                        "Mutu kebakaran dinilai 100 %% padahal hanya %(p)s laporan kebakaran tiba dalam standar "
                        "waktu tanggap: periksa penilaian mutu."
                    )
                    % {"p": fmt_pct(fire_share)},
                    _("Tim Efektif bersama Damkar"),
                )
            )
        if s.get("capped"):
            items.append(
                _item(
                    "periksa_data",
                    _("%(name)s tercatat di atas 100 %%: periksa data kehadiran kegiatan.") % {"name": s["name"]},
                    _("Tim Efektif"),
                )
            )
    return items


def _kecamatan_items(figures: dict, leads: dict, names: dict) -> list[dict]:
    items = []
    for code, name in names.items():
        lagging = []
        for row in figures.get("by_kecamatan", []):
            cell = (row.get("services") or {}).get(code)
            if cell and cell.get("capaian") is not None and cell["capaian"] < TARGET:
                lagging.append((cell["capaian"], row["name"]))
        lagging.sort()
        if lagging:
            listed = ", ".join(f"{kec} {fmt_pct(p)}" for p, kec in lagging[:LAGGING_PER_SERVICE])
            items.append(
                _item(
                    "kecamatan_tertinggal",
                    _("%(name)s: kecamatan terendah %(list)s.") % {"name": name, "list": listed},
                    _("%(lead)s bersama camat") % {"lead": leads.get(code, "")},
                )
            )
    return items


def overdue_when(figures: dict) -> str:
    """ "saat ini" for a running period, else "per 30 September 2026"."""
    info = figures.get("period_info") or {}
    if info.get("provisional", True):
        return _("saat ini")
    return _("per %(d)s") % {"d": fmt_date_long(date.fromisoformat(info["end"]))}


def _overdue_items(figures: dict) -> list[dict]:
    overdue = figures.get("overdue", {})
    when = overdue_when(figures)
    items = []
    for group in overdue.get("groups", []):
        items.append(
            _item(
                "terlambat",
                _("%(n)s laporan melewati batas waktu %(when)s, terlama %(days)s hari.")
                % {"n": fmt_int(group["count"]), "when": when, "days": fmt_number(group["oldest_days"])},
                group["responsible"],
            )
        )
    return items


def late_milestones(*, on: date) -> list[dict]:
    qs = Milestone.objects.filter(due_date__lt=on).exclude(status=Milestone.State.SELESAI).order_by("due_date")
    return [
        _item(
            "tonggak_terlambat",
            _("Tonggak rencana aksi “%(title)s” terlambat sejak %(date)s.")
            % {"title": m.title, "date": fmt_date_long(m.due_date)},
            m.owner,
        )
        for m in qs
    ]


def attention_items(figures: dict, *, period_end: date, gaps: list | None = None) -> list[dict]:
    services = Service.objects.all()
    leads = {s.code: s.lead_agency for s in services}
    names = {s.code: s.display_short_name for s in services}
    items = [*_service_items(figures, leads), *_kecamatan_items(figures, leads, names), *_overdue_items(figures)]
    items += late_milestones(on=period_end)
    corrections = figures.get("corrections", {})
    if corrections.get("count"):
        items.append(
            _item(
                "koreksi",
                _(
                    "%(n)s laporan periode sebelumnya baru dimasukkan: angka periode itu berubah (koreksi periode "
                    "sebelumnya)."
                )
                % {"n": corrections["count"]},
                _("Tim Efektif"),
            )
        )
    for gap in gaps or []:
        items.append(_item("data", str(gap.message), str(gap.who)))
    return items
