"""Atom feed of the CAP messages in force (/cap/feed.atom).

Each entry links to its CAP document and also carries it inline as
`content type="application/cap+xml"`, so a reader gets the message without a
second request; the embedded message is the stored, published document.
"""

import xml.etree.ElementTree as ET

from defusedxml.ElementTree import fromstring as safe_fromstring
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kitaaman import region

from .cap import CAP_NS, cap_datetime, cap_url, public_url
from .selectors import active_cap_messages

ATOM_NS = "http://www.w3.org/2005/Atom"
# Atom as the default namespace, "cap:" for the embedded messages. (The
# `default_namespace` argument of tostring refuses unqualified attributes.)
ET.register_namespace("", ATOM_NS)
ET.register_namespace("cap", CAP_NS)


def _sub(parent, tag, text=None, **attrs):
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = str(text)
    return element


def build_feed(now=None) -> bytes:
    now = now or timezone.now()
    messages = list(active_cap_messages(now))
    self_url = f"{settings.SITE_URL}{reverse('warnings:cap_feed')}"
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", self_url)
    _sub(feed, "title", f"Peringatan dini {region.cap_sender_name()}")
    _sub(feed, "updated", cap_datetime(max((m.sent for m in messages), default=now)))
    author = _sub(feed, "author")
    _sub(author, "name", region.cap_sender_name())
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _sub(feed, "link", rel="alternate", href=f"{settings.SITE_URL}{reverse('warnings:public_list')}", type="text/html")
    for message in messages:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"urn:oasis:names:tc:emergency:cap:1.2:{region.cap_sender()}:{message.identifier}")
        _sub(entry, "title", message.headline)
        _sub(entry, "updated", cap_datetime(message.sent))
        _sub(entry, "published", cap_datetime(message.sent))
        _sub(entry, "summary", message.description[:500])
        _sub(entry, "link", rel="alternate", href=cap_url(message.identifier), type="application/cap+xml")
        _sub(entry, "link", rel="related", href=public_url(message), type="text/html")
        content = _sub(entry, "content", type="application/cap+xml")
        content.append(safe_fromstring(message.cap_xml.encode("utf-8")))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
