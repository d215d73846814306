"""JSON and XML answers shaped as GeoReport v2 shapes them.

The same Python structure renders to both formats: in XML a list is a wrapper
element holding one element per item (services/service, attributes/attribute,
service_requests/request, errors/error, ...), booleans are "true"/"false" and
None is an empty element. Every text goes through ElementTree, which escapes
markup; characters XML 1.0 cannot carry at all (most control characters) are
dropped first, so no stored value can make the document ill-formed.
"""

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
WIB = ZoneInfo("Asia/Jakarta")

# Wrapper element -> item element.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Open311Error(Exception):
    """An answer in the Open311 error format: a list of (code, description).
    The code of each error is the HTTP status, as the specification suggests."""

    def __init__(self, status: int, descriptions, *, headers=None):
        if isinstance(descriptions, str):
            descriptions = [descriptions]
        self.status = status
        self.descriptions = [str(d) for d in descriptions]
        self.headers = headers or {}
        super().__init__("; ".join(self.descriptions))

    def body(self) -> list[dict]:
        return [{"code": self.status, "description": d} for d in self.descriptions]


def w3c_datetime(value: datetime | None) -> str | None:
    """ISO 8601 with the WIB offset and whole seconds: 2026-11-29T22:35:21+07:00."""
    if value is None:
        return None
    return value.astimezone(WIB).replace(microsecond=0).isoformat()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_INVALID.sub("", str(value))


def _append(parent, tag: str, value) -> None:
    element = ET.SubElement(parent, tag)
    _fill(element, tag, value)


def _fill(element, tag: str, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _append(element, key, item)
    elif isinstance(value, (list, tuple)):
        item_tag = ITEM_TAGS[tag]
        for item in value:
            _append(element, item_tag, item)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, root, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def _clean_json(value):
    # JSON can carry control characters (escaped), but keep both formats equal.
    if isinstance(value, str):
        return _XML_INVALID.sub("", value)
    if isinstance(value, dict):
        return {k: _clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_json(v) for v in value]
    return value


def respond(data, fmt: str, *, root: str, status: int = 200, headers=None) -> HttpResponse:
    """`root` names the XML document element; in JSON the structure itself is the document."""
    fmt = fmt if fmt in FORMATS else "json"
    if fmt == "xml":
        body = to_xml(root, data)
    else:
        body = json.dumps(_clean_json(data), ensure_ascii=False).encode("utf-8")
    response = HttpResponse(body, status=status, content_type=FORMATS[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(exc: Open311Error, fmt: str) -> HttpResponse:
    return respond(exc.body(), fmt, root="errors", status=exc.status, headers=exc.headers)
