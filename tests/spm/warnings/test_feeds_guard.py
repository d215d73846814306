"""External CAP feeds are fetched through the guarded client: a feed on an
internal address only when its host is listed, its entries never linking to
another internal address ([::1], 127.0.0.1 under another name), and a
redirect to an internal address not followed."""

import pytest

from spm.warnings.feeds import feed_fetch
from spm.warnings.models import ExternalAlert, ExternalFeed
from tests.spm.warnings.test_feeds import Server, cap_alert, feed_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    s = Server()
    s.port = s.httpd.server_port
    yield s
    s.stop()


def redirect_to(location):
    def answer(handler):
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


def atom(*links):
    entries = "".join(
        f"<entry><id>{i}</id><title>t</title><updated>2026-11-29T00:00:00Z</updated>"
        f'<link rel="alternate" type="application/cap+xml" href="{href}"/></entry>'
        for i, href in enumerate(links)
    )
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>t</title>'
        f"<updated>2026-11-29T00:00:00Z</updated>{entries}</feed>"
    )


def test_a_feed_on_an_internal_address_is_refused_unless_its_host_is_listed(server, settings):
    settings.OUTBOUND_HTTP_INTERNAL_HOSTS = []
    server.xml("/cap.xml", cap_alert("BMKG-1"))
    feed = feed_at(server.url("/cap.xml"))
    assert feed_fetch(feed_id=feed.pk) is None
    feed.refresh_from_db()
    assert "jaringan internal" in feed.last_error and feed.failures == 1
    assert server.requests == [] and not ExternalAlert.objects.exists()


def test_entries_linking_to_internal_addresses_are_not_fetched(server, settings):
    # The feed sits on a listed office host ("localhost"); its entries may link
    # back to it, not to loopback under another name.
    settings.OUTBOUND_HTTP_INTERNAL_HOSTS = ["localhost"]
    port = server.port
    server.xml("/own.xml", cap_alert("BMKG-OWN"))
    server.xml("/secret.xml", cap_alert("BMKG-SECRET"))
    server.xml(
        "/feed.atom",
        atom(
            "/own.xml",
            f"http://127.0.0.1:{port}/secret.xml",
            f"http://[::1]:{port}/secret.xml",
            f"http://2130706433:{port}/secret.xml",
            f"http://[::ffff:127.0.0.1]:{port}/secret.xml",
        ),
    )
    feed = ExternalFeed.objects.create(name="Kantor", url=f"http://localhost:{port}/feed.atom")
    assert feed_fetch(feed_id=feed.pk) == 1
    assert [path for path, _headers in server.requests] == ["/feed.atom", "/own.xml"]
    assert list(ExternalAlert.objects.values_list("identifier", flat=True)) == ["BMKG-OWN"]
    feed.refresh_from_db()
    assert feed.last_error.count("jaringan internal") == 4


def test_a_redirect_to_an_internal_address_is_not_followed(server, settings):
    settings.OUTBOUND_HTTP_INTERNAL_HOSTS = ["localhost"]
    server.xml("/cap.xml", cap_alert("BMKG-1"))
    server.routes["/pindah.xml"] = redirect_to(f"http://127.0.0.1:{server.port}/cap.xml")
    feed = ExternalFeed.objects.create(name="Kantor", url=f"http://localhost:{server.port}/pindah.xml")
    assert feed_fetch(feed_id=feed.pk) is None
    feed.refresh_from_db()
    assert "jaringan internal" in feed.last_error
    assert [path for path, _headers in server.requests] == ["/pindah.xml"]
    assert not ExternalAlert.objects.exists()


def test_a_redirect_within_the_listed_host_is_followed(server, settings):
    settings.OUTBOUND_HTTP_INTERNAL_HOSTS = ["localhost"]
    server.xml("/cap.xml", cap_alert("BMKG-1"))
    server.routes["/pindah.xml"] = redirect_to("/cap.xml")
    feed = ExternalFeed.objects.create(name="Kantor", url=f"http://localhost:{server.port}/pindah.xml")
    assert feed_fetch(feed_id=feed.pk) == 1
    assert [path for path, _headers in server.requests] == ["/pindah.xml", "/cap.xml"]
