"""The GeoReport v2 structures: discovery, service, service definition and
service request, built from the portal's data (rendered by render.py)."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from incidents.links import tracking_url
from incidents.models import Category, Incident
from incidents.public.selectors import note_for_reader, public_point
from kitaaman import region
from kitaaman.localized import choice_label, localized

from .render import WIB, w3c_datetime
from .selectors import QUESTION_DATATYPES, open311_status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Date of the last change to what these endpoints answer (bump with the code).
CHANGESET = "2026-11-30T00:00:00+07:00"


def discovery(base_url: str) -> dict:
    return {
        "changeset": CHANGESET,
        "contact": region.open311_contact(),
        "key_service": _(
            "Aplikasi mitra didaftarkan oleh admin KITA AMAN; kunci API (api_key) diberikan kepada aplikasi "
            "yang terdaftar. Hubungi %(contact)s."
        )
        % {"contact": region.open311_contact()},
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base_url}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def _keywords(category: Category) -> str:
    words = [category.get_group_display(), category.hazard, category.name_en]
    if category.dibi_code:
        words.append(f"DIBI {category.dibi_code}")
    return ", ".join(str(w) for w in words if w)


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.citizen_questions()),
        # The tracking code is answered at once: no token round trip.
        "type": "realtime",
        "keywords": _keywords(category),
        "group": str(category.get_group_display()),
    }


def _datatype_description(question: dict) -> str:
    kind = question.get("type", "text")
    if kind == "integer":
        return _("Bilangan bulat %(min)s sampai %(max)s.") % {
            "min": question.get("min", 0),
            "max": question.get("max", 10**7),
        }
    if kind == "boolean":
        return _("true (ya) atau false (tidak).")
    if kind == "choice":
        return _("Salah satu key dari values.")
    return _("Teks, paling banyak 1.000 karakter.")


def _values(question: dict) -> list[dict]:
    kind = question.get("type", "text")
    if kind == "boolean":
        return [{"key": "true", "name": _("Ya")}, {"key": "false", "name": _("Tidak")}]
    if kind == "choice":
        return [{"key": str(c[0]), "name": choice_label(c)} for c in question.get("choices", [])]
    return []


def attribute(question: dict, order: int) -> dict:
    return {
        "variable": True,
        "code": question["code"],
        "datatype": QUESTION_DATATYPES.get(question.get("type", "text"), "string"),
        "required": bool(question.get("required")),
        "datatype_description": _datatype_description(question),
        "order": order,
        "description": localized(question, "label") or question["code"],
        "values": _values(question),
    }


def service_definition(category: Category) -> dict:
    # What a resident answers; the officer's own questions (e.g. the legal classification) stay on the desk.
    questions = [q for q in category.citizen_questions() if isinstance(q, dict) and q.get("code")]
    return {
        "service_code": category.code,
        "attributes": [attribute(q, i) for i, q in enumerate(questions, start=1)],
    }


def address(incident: Incident) -> str:
    return _("%(desa)s, Kecamatan %(kecamatan)s, %(region)s") % {
        "region": region.current().official_name,
        "desa": incident.desa.name,
        "kecamatan": incident.kecamatan.name,
    }


def service_request(incident: Incident, point=None) -> dict:
    """One public request (from selectors.public_requests); `point` from
    public_points when a whole page is shaped at once."""
    lat, lng, _approximate = point or public_point(incident)
    note = getattr(incident, "o311_status_notes", None)
    return {
        "service_request_id": incident.tracking_code,
        "status": open311_status(incident.status),
        "status_notes": note_for_reader(note) if note else None,
        "service_name": incident.category.name,
        "service_code": incident.category.code,
        "description": _("%(category)s di %(desa)s, Kecamatan %(kecamatan)s")
        % {"category": incident.category.name, "desa": incident.desa.name, "kecamatan": incident.kecamatan.name},
        "agency_responsible": getattr(incident, "o311_agency", None),
        "service_notice": None,
        "requested_datetime": w3c_datetime(incident.created_at),
        "updated_datetime": w3c_datetime(incident.updated_at),
        "expected_datetime": w3c_datetime(incident.due_at),
        "address": address(incident),
        "address_id": incident.desa.code,
        "zipcode": None,
        "lat": round(lat, 5),
        "long": round(lng, 5),
        # Photos are served only through access-checked pages.
        "media_url": None,
    }


def partner_request(incident: Incident) -> dict:
    """A request as the partner application that submitted it reads it back:
    the public shape, with the description it sent itself (the public shape
    builds one from the category and the desa, since others' free text may
    name people)."""
    return service_request(incident) | {"description": incident.description}


def service_notice(incident: Incident) -> str:
    notice = _("Laporan diterima dengan kode lacak %(code)s. Pantau perkembangannya di %(url)s.") % {
        "code": incident.tracking_code,
        "url": tracking_url(incident.tracking_code),
    }
    if incident.is_open and incident.verify_due_at is not None:
        deadline = date_format(timezone.localtime(incident.verify_due_at, WIB), "j F Y H.i")
        notice += " " + _("Petugas memeriksanya paling lambat %(when)s WIB.") % {"when": deadline}
    return notice
