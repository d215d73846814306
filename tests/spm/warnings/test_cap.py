"""CAP 1.2 documents and the Atom feed: valid against the OASIS schema shipped
in the project, and read back identically by an independent CAP library
(cap-tools, xsdata bindings generated from the same standard)."""

import hashlib
import io
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from cap_tools.models import Alert as CapAlert
from django.core.management import call_command
from django.utils import timezone
from xsdata.formats.dataclass.parsers import XmlParser
from xsdata.formats.dataclass.serializers import XmlSerializer

from spm.warnings import services
from spm.warnings.atom import ATOM_NS, build_feed
from spm.warnings.cap import CAP_NS, SCHEMA_PATH, build_cap, cap_datetime, validation_errors
from tests.conftest import reference_desa_file
from tests.factories import DESA_RUPIT
from tests.spm.warnings.conftest import DESA_RUPIT_2, KEC_NIBUNG

pytestmark = pytest.mark.django_db
NS = {"cap": CAP_NS, "atom": ATOM_NS}


def parse_independently(document: bytes) -> CapAlert:
    return XmlParser().from_bytes(document, CapAlert)


def test_the_shipped_schema_is_the_oasis_file_with_its_notice():
    data = SCHEMA_PATH.read_bytes()
    assert b"Copyright OASIS Open 2010 All Rights Reserved" in data
    assert b'targetNamespace = "urn:oasis:names:tc:emergency:cap:1.2"' in data
    notice = (SCHEMA_PATH.parent / "NOTICE.md").read_text()
    assert hashlib.sha256(data).hexdigest() in notice
    assert "The limited permissions granted above are perpetual" in notice


def test_the_schema_refuses_what_cap_forbids(personas, published):
    alert = published()
    good = alert.cap_xml
    assert validation_errors(good.encode()) == []
    bad_time = good.replace(cap_datetime(alert.sent), alert.sent.strftime("%Y-%m-%dT%H:%M:%S"), 1)
    assert validation_errors(bad_time.encode())  # no offset
    bad_status = good.replace("<status>Actual</status>", "<status>Real</status>")
    assert validation_errors(bad_status.encode())


def test_a_published_warning_is_valid_cap(personas, published):
    alert = published(areas=[DESA_RUPIT, KEC_NIBUNG], onset=timezone.now() + timedelta(hours=1))
    assert validation_errors(alert.cap_xml.encode()) == []
    root = ET.fromstring(alert.cap_xml)
    assert root.tag == f"{{{CAP_NS}}}alert"
    assert root.findtext("cap:identifier", namespaces=NS) == alert.identifier
    assert root.findtext("cap:sender", namespaces=NS) == "bpbd.muratarakab.go.id"
    assert root.findtext("cap:sent", namespaces=NS).endswith("+07:00")
    assert root.findtext("cap:code", namespaces=NS) == "KITAAMAN-MURATARA-1.0"
    info = root.find("cap:info", NS)
    assert info.findtext("cap:language", namespaces=NS) == "id"
    assert info.findtext("cap:event", namespaces=NS) == "Banjir"
    codes = {
        (
            a.findtext("cap:areaDesc", namespaces=NS),
            g.findtext("cap:valueName", namespaces=NS),
            g.findtext("cap:value", namespaces=NS),
        )
        for a in info.findall("cap:area", NS)
        for g in a.findall("cap:geocode", NS)
    }
    assert codes == {
        ("Muara Rupit, Kecamatan Rupit", "KEMENDAGRI", DESA_RUPIT),
        ("Kecamatan Nibung", "KEMENDAGRI", KEC_NIBUNG),
    }
    # Without imported boundaries each area is its centroid with the configured radius.
    circles = [c.text for c in info.iter(f"{{{CAP_NS}}}circle")]
    assert circles[0] == "-2.7208,102.89419 3" and circles[1].endswith(" 15") and len(circles) == 2
    event_codes = {
        (e.findtext("cap:valueName", namespaces=NS), e.findtext("cap:value", namespaces=NS))
        for e in info.findall("cap:eventCode", NS)
    }
    assert event_codes == {("KITAAMAN", "banjir"), ("DIBI-BNPB", "101")}


def test_with_boundaries_the_areas_are_polygons(personas, published):
    call_command("import_boundaries", str(reference_desa_file()), stdout=io.StringIO())
    alert = published(areas=[DESA_RUPIT])
    assert validation_errors(alert.cap_xml.encode()) == []
    polygons = [p.text for p in ET.fromstring(alert.cap_xml).iter(f"{{{CAP_NS}}}polygon")]
    assert polygons and not list(ET.fromstring(alert.cap_xml).iter(f"{{{CAP_NS}}}circle"))
    for text in polygons:
        points = text.split()
        assert 4 <= len(points) <= 100 and points[0] == points[-1]
        lat, lng = (float(v) for v in points[0].split(","))
        assert -3.11 <= lat <= -2.31 and 102.06 <= lng <= 103.37


def test_round_trip_through_an_independent_cap_parser(personas, published):
    original = published(
        headline_en="Rupit River flood, riverside residents on alert",
        description_en="The Rupit River rose 1.5 m in 6 hours.",
        instruction_en="Move valuables up and prepare a go-bag.",
    )
    update = services.alert_publish(
        actor=personas.tim_efektif,
        alert_id=services.alert_create(
            actor=personas.mitra_bpbd,
            msg_type="Update",
            references=original,
            event="banjir",
            urgency="Immediate",
            severity="Extreme",
            certainty="Observed",
            headline="Banjir masuk permukiman Muara Rupit",
            description="Air setinggi 80 cm di Muara Rupit.",
            instruction="Mengungsi ke SD Negeri 1 Muara Rupit.",
            expires=timezone.now() + timedelta(hours=12),
            areas=[DESA_RUPIT],
        ).pk,
    )
    cancel = services.alert_cancel(actor=personas.koordinator, alert_id=update.pk, reason_code="ancaman-berlalu")
    for alert in (original, update, cancel):
        parsed = parse_independently(alert.cap_xml.encode())
        assert parsed.identifier == alert.identifier
        assert parsed.sender == "bpbd.muratarakab.go.id"
        assert parsed.msg_type.value == alert.msg_type and parsed.status.value == "Actual"
        assert parsed.scope.value == "Public"
        info = parsed.infos[0]
        assert info.headline == alert.headline and info.urgency.value == alert.urgency
        assert info.severity.value == alert.severity and info.certainty.value == alert.certainty
        assert [g.value.value for area in info.areas for g in area.geocodes] == [a.code for a in alert.areas.all()]
        # Serialised again by the other library, the document is still valid CAP.
        again = XmlSerializer().render(parsed).encode()
        assert validation_errors(again) == []
        assert parse_independently(again).identifier == alert.identifier
    assert [i.get_language() for i in parse_independently(original.cap_xml.encode()).infos] == ["id", "en"]
    refs = parse_independently(update.cap_xml.encode()).references_to_list()
    assert [(r.sender, r.identifier) for r in refs] == [("bpbd.muratarakab.go.id", original.identifier)]
    refs = parse_independently(cancel.cap_xml.encode()).references_to_list()
    assert [r.identifier for r in refs] == [update.identifier]


def test_a_draft_preview_is_valid_and_marked_draft(personas, draft):
    alert = draft(areas=[DESA_RUPIT, DESA_RUPIT_2])
    document = build_cap(alert, status="Draft")
    assert validation_errors(document) == []
    assert parse_independently(document).status.value == "Draft"


def test_the_atom_feed_lists_active_messages_with_valid_cap(personas, published):
    first = published()
    second = published(headline="Longsor di jalan Rupit–Noman", event="tanah-longsor", areas=[DESA_RUPIT_2])
    cancel = services.alert_cancel(actor=personas.koordinator, alert_id=second.pk, reason_code="ancaman-berlalu")
    expired = published(headline="Sudah lewat", expires=timezone.now() + timedelta(hours=1))
    later = expired.expires + timedelta(seconds=1)
    assert services.alerts_expire(now=later) == 1

    feed = ET.fromstring(build_feed(now=later))
    assert feed.tag == f"{{{ATOM_NS}}}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"atom:{required}", NS) is not None, required
    entries = feed.findall("atom:entry", NS)
    titles = [e.findtext("atom:title", namespaces=NS) for e in entries]
    # Active: the first warning and the cancellation (the cancelled warning and the expired one left).
    assert sorted(titles) == sorted([first.headline, cancel.headline])
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"atom:{required}", namespaces=NS), required
        link = entry.find("atom:link[@rel='alternate']", NS)
        assert link.get("type") == "application/cap+xml"
        identifier = link.get("href").rsplit("/", 1)[1].removesuffix(".xml")
        embedded = entry.find("atom:content/cap:alert", NS)
        assert embedded.findtext("cap:identifier", namespaces=NS) == identifier
        assert validation_errors(embedded) == []
