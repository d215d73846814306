"""The legal basis a programme document cites and who signs it, written once
for the summary page and its PDF.

A summary stores what was in force when it was generated (document_record,
kept in its figures): the SK Tim Efektif in force on the period's last day and
the active signatories. The page and the PDF of one revision then cite the
same SK and the same names; recording a new SK or signatory shows up in the
next revision. The wording is looked up when shown, so an English reader gets
English citations from the same record.
"""

from datetime import date

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitaaman import region

from .decree import Signatory, TeamDecree
from .formatting import fmt_date_long, fmt_nip
from .selectors import current_decree, signatories

# Cited in full, in this order: the SPM itself, how it is applied, and the
# technical standard of the Trantibum sub-affair.
REGULATIONS = (
    gettext_lazy("Peraturan Pemerintah Nomor 2 Tahun 2018 tentang Standar Pelayanan Minimal"),
    gettext_lazy("Peraturan Menteri Dalam Negeri Nomor 59 Tahun 2021 tentang Penerapan Standar Pelayanan Minimal"),
    gettext_lazy(
        "Peraturan Menteri Dalam Negeri Nomor 121 Tahun 2018 tentang Standar Teknis Mutu Barang dan/atau Jasa, "
        "Standar Jumlah dan Kualitas Personel/Sumber Daya Manusia, dan Petunjuk Teknis tentang Tata Cara "
        "Pemenuhan Standar Pelayanan Minimal pada Sub-Urusan Ketenteraman dan Ketertiban Umum"
    ),
)
ROLES = (Signatory.Role.PREPARED, Signatory.Role.APPROVED)


def document_record(*, on: date) -> dict:
    """What a document generated now cites and who signs it, as plain data
    (stored with a summary's figures)."""
    decree = current_decree(on=on)
    people = signatories()
    return {
        "decree": (
            {"number": decree.number, "title": decree.title, "signed_on": decree.signed_on.isoformat()}
            if decree
            else None
        ),
        "signatories": {
            role: ({"name": p.name, "position": p.position, "nip": p.nip} if (p := people.get(role)) else None)
            for role in ROLES
        },
    }


# The head of region's titles the portal knows, in the reader's language.
HEAD_TITLES = {"Bupati": gettext_lazy("Bupati"), "Wali Kota": gettext_lazy("Wali Kota")}


def head_title_localized(title: str) -> str:
    return str(HEAD_TITLES.get(title, title))


def decree_citation(decree: dict | None) -> str:
    if not decree:
        return _("SK Tim Efektif belum dicatat (isi di admin: %(where)s).") % {
            "where": capfirst(TeamDecree._meta.verbose_name_plural)
        }
    profile = region.current()
    return _("Keputusan %(head)s %(region)s Nomor %(number)s tanggal %(date)s tentang %(title)s") % {
        "head": head_title_localized(profile.head_title),
        "region": profile.name,
        "number": decree["number"],
        "date": fmt_date_long(date.fromisoformat(decree["signed_on"])),
        "title": decree["title"],
    }


def legal_basis(record: dict) -> list[str]:
    """The regulations, then the SK Tim Efektif (or a line saying it is not recorded)."""
    return [str(text) for text in REGULATIONS] + [decree_citation(record.get("decree"))]


def signature_blocks(record: dict) -> list[dict]:
    """Prepared by, then approved by: heading, position, name and NIP, or
    where in the admin to fill in a missing role."""
    blocks = []
    for role in ROLES:
        person = (record.get("signatories") or {}).get(role)
        block = {"role": role.value, "heading": str(role.label), "position": "", "name": "", "nip": "", "missing": ""}
        if person:
            block["position"] = person["position"]
            block["name"] = person["name"]
            block["nip"] = _("NIP %(nip)s") % {"nip": fmt_nip(person["nip"])} if person.get("nip") else ""
        else:
            block["missing"] = _("belum ditetapkan (isi di admin: %(where)s)") % {
                "where": capfirst(Signatory._meta.verbose_name_plural)
            }
        blocks.append(block)
    return blocks
