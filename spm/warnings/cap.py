"""CAP 1.2 documents of our warnings, and validation against the OASIS schema
shipped in schema/CAP-v1.2.xsd.

A draft is previewed as status "Draft" with the current time as `sent`; the
published document (status "Actual") is rendered once at publishing and
stored on the alert.
"""

import functools
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import xmlschema
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from kitaaman import region

from .geometry import AreaShape, area_shape, cap_circle, cap_polygon, shape_geojson
from .models import EVENT_DIBI, Alert, EventType, MsgType, WarningSettings

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "CAP-v1.2.xsd"
WIB = ZoneInfo("Asia/Jakarta")
GEOCODE_NAME = "KEMENDAGRI"
EVENT_CODE_NAME = "KITAAMAN"
DIBI_CODE_NAME = "DIBI-BNPB"
# The profile our messages follow: CAP consumers may key handling on it.


@functools.cache
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA_PATH))


def validation_errors(document) -> list[str]:
    """Messages of every schema violation of a CAP document (bytes, str or an
    ElementTree element); empty when it is valid. A document that is not even
    well-formed XML (a draft holding a control character, saved before such
    text was refused) is one error, not an exception."""
    try:
        return [f"{err.path}: {err.reason}" for err in schema().iter_errors(document)]
    except ET.ParseError as exc:  # xmlschema's XMLResourceParseError is one too
        return [f"XML: {exc}"]


def cap_datetime(value: datetime) -> str:
    """CAP wants an explicit offset and no fractions: 2026-11-29T14:05:00+07:00."""
    return timezone.localtime(value, WIB).replace(microsecond=0).isoformat()


def reference_of(alert: Alert) -> str:
    """CAP `references` entry: sender,identifier,sent."""
    return f"{region.cap_sender()},{alert.identifier},{cap_datetime(alert.sent)}"


def public_url(alert: Alert) -> str:
    return f"{settings.SITE_URL}{reverse('warnings:public_detail', args=[alert.pk])}"


def cap_url(identifier: str) -> str:
    return f"{settings.SITE_URL}{reverse('warnings:cap_xml', args=[identifier])}"


@dataclass(frozen=True)
class Area:
    name: str
    code: str
    kecamatan_code: str
    shape: AreaShape


def alert_areas(alert: Alert) -> list[Area]:
    """The alert's areas with their shapes (boundaries or centroid + radius)."""
    config = WarningSettings.get()
    areas = []
    for row in alert.areas.select_related("desa__kecamatan", "kecamatan"):
        radius = config.desa_radius_km if row.desa_id else config.kecamatan_radius_km
        areas.append(Area(row.name, row.code, row.kecamatan_code, area_shape(row.place, float(radius))))
    return areas


def areas_geojson(areas: list[Area]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": shape_geojson(a.shape),
                "properties": {"name": a.name, "code": a.code, "approximate": a.shape.circle is not None},
            }
            for a in areas
        ],
    }


def _sub(parent, tag, text=None):
    element = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        element.text = str(text)
    return element


def _value_pair(parent, tag, name, value):
    element = _sub(parent, tag)
    _sub(element, "valueName", name)
    _sub(element, "value", value)


def _info(root, alert: Alert, *, language: str, sent: datetime, areas: list[Area]):
    english = language == "en"
    info = _sub(root, "info")
    _sub(info, "language", language)
    _sub(info, "category", alert.category)
    with translation.override("en" if english else settings.LANGUAGE_CODE):
        _sub(info, "event", str(EventType(alert.event).label))
    _sub(info, "urgency", alert.urgency)
    _sub(info, "severity", alert.severity)
    _sub(info, "certainty", alert.certainty)
    _value_pair(info, "eventCode", EVENT_CODE_NAME, alert.event)
    if alert.event in EVENT_DIBI:
        _value_pair(info, "eventCode", DIBI_CODE_NAME, EVENT_DIBI[alert.event])
    _sub(info, "effective", cap_datetime(sent))
    if alert.onset:
        _sub(info, "onset", cap_datetime(alert.onset))
    _sub(info, "expires", cap_datetime(alert.expires))
    _sub(info, "senderName", region.cap_sender_name())
    _sub(info, "headline", alert.headline_en if english else alert.headline)
    _sub(info, "description", alert.description_en if english else alert.description)
    instruction = alert.instruction_en if english else alert.instruction
    if instruction:
        _sub(info, "instruction", instruction)
    if alert.pk:
        _sub(info, "web", public_url(alert))
    _sub(info, "contact", region.cap_contact())
    for area in areas:
        element = _sub(info, "area")
        _sub(element, "areaDesc", area.name)
        for ring in area.shape.polygons:
            _sub(element, "polygon", cap_polygon(ring))
        if area.shape.circle:
            _sub(element, "circle", cap_circle(area.shape.circle))
        _value_pair(element, "geocode", GEOCODE_NAME, area.code)


def build_cap(alert: Alert, *, sent: datetime | None = None, status: str = "Actual", note: str = "") -> bytes:
    """The CAP 1.2 document of `alert` as UTF-8 bytes."""
    sent = sent or alert.sent or timezone.now()
    areas = alert_areas(alert)
    root = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", region.cap_sender())
    _sub(root, "sent", cap_datetime(sent))
    _sub(root, "status", status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", "Public")
    _sub(root, "code", region.current().cap_profile_code)
    if note:
        _sub(root, "note", note)
    if alert.msg_type != MsgType.ALERT and alert.references_id:
        referenced = alert.references
        if referenced.sent:
            _sub(root, "references", reference_of(referenced))
    _info(root, alert, language="id", sent=sent, areas=areas)
    if alert.headline_en and alert.description_en:
        _info(root, alert, language="en", sent=sent, areas=areas)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=CAP_NS)


def pretty(document: bytes | str) -> str:
    """Indented text of an XML document, for the preview page (the text as it
    is when it does not parse)."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError:
        return document.decode("utf-8", "replace") if isinstance(document, bytes) else document
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", default_namespace=CAP_NS)
