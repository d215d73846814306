"""/lapor/ must stay light for a cheap phone on a weak signal, and use no CDN."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db
BUDGET = 300 * 1024


class AssetParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])


def assets_of(html):
    parser = AssetParser()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("path", ["/lapor/", "/"])
def test_page_weight_without_tiles_is_under_300_kb(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content
    urls = assets_of(html.decode())
    assert any(u.endswith("leaflet.js") for u in urls)
    total = len(html)
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"off-site asset {url}"
        assert parts.path.startswith(settings.STATIC_URL), f"asset not under static: {url}"
        found = finders.find(parts.path[len(settings.STATIC_URL) :])
        assert found, f"missing static file {url}"
        with open(found, "rb") as fh:
            total += len(fh.read())
    assert total < BUDGET, f"{path} weighs {total} bytes"


def test_no_debug_build_of_leaflet(client):
    urls = assets_of(client.get("/lapor/").content.decode())
    assert not any("leaflet-src" in u for u in urls)
