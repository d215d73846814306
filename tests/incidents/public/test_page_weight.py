"""/lapor/ must stay light for a cheap phone on a weak signal, and use no CDN.

Counted as a phone receives it: the page and every asset it loads, compressed
(gzip here; production's static files also have Brotli twins, smaller still).
Leaflet and the map load only when the visitor opens the map (here and on the
home page), so they are outside the budget. tests/browser/test_lapor_light.py weighs the real transfer
with production's static files.
"""

import gzip
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db
BUDGET = 120 * 1024


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


def local_static_file(url):
    parts = urlsplit(url)
    assert not parts.scheme and not parts.netloc, f"off-site asset {url}"
    if not parts.path.startswith(settings.STATIC_URL):
        return None
    found = finders.find(parts.path[len(settings.STATIC_URL) :])
    assert found, f"missing static file {url}"
    return found


def compressed_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def map_loader(html):
    match = re.search(r'<script id="lapor-konfig" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the form's configuration is missing"
    return json.loads(match.group(1))["map"]


@pytest.mark.parametrize("path", ["/lapor/", "/"])
def test_page_weight_without_tiles_is_under_120_kb_compressed(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content
    total = compressed_size(html)
    for url in assets_of(html.decode()):
        found = local_static_file(url)
        if found is None:
            assert url.startswith("/"), f"off-site asset {url}"  # the manifest, a page of the portal
            continue
        with open(found, "rb") as fh:
            total += compressed_size(fh.read())
    assert total < BUDGET, f"{path} weighs {total} bytes compressed"


def home_map_loader(html):
    match = re.search(r'<script id="peta-publik-konfig" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the home map's configuration is missing"
    return json.loads(match.group(1))


@pytest.mark.parametrize(("path", "loader_of"), [("/lapor/", map_loader), ("/", home_map_loader)])
def test_maps_load_only_on_request(client, path, loader_of):
    html = client.get(path).content.decode()
    assert not [u for u in assets_of(html) if "leaflet" in u], "Leaflet must wait until the map is opened"
    loader = loader_of(html)
    assert any(u.endswith("/leaflet.js") for u in loader["js"])
    # Leaflet first, then its controls put in the page's language, then the page's map.
    assert loader["js"][1].endswith("/peta-bahasa.js")
    assert 'id="peta-bahasa"' in html and 'data-zoom-in="Perbesar"' in html
    for url in loader["js"] + loader["css"]:
        assert local_static_file(url), url


def test_no_debug_build_of_leaflet(client):
    urls = assets_of(client.get("/").content.decode())
    urls += [*map_loader(client.get("/lapor/").content.decode())["js"]]
    assert not any("leaflet-src" in u for u in urls)
