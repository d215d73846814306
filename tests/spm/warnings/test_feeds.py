"""Reading other authorities' CAP feeds from a local HTTP server: what is kept
(only valid messages whose area touches the kabupaten), ETag handling, and
refusal of malformed, oversized, slow and hostile documents (entity bombs,
external entities) without storing anything half-read."""

import logging
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from spm.warnings.feeds import feed_fetch, feeds_fetch_due
from spm.warnings.models import ExternalAlert, ExternalFeed
from spm.warnings.selectors import active_external_alerts

pytestmark = pytest.mark.django_db
CAP = "urn:oasis:names:tc:emergency:cap:1.2"
RUPIT_POLYGON = "-2.8,102.8 -2.6,102.8 -2.6,103.0 -2.8,103.0 -2.8,102.8"
JAKARTA_POLYGON = "-6.3,106.7 -6.1,106.7 -6.1,106.9 -6.3,106.9 -6.3,106.7"


def cap_alert(identifier, *, area=f"<polygon>{RUPIT_POLYGON}</polygon>", status="Actual", msg_type="Alert",
              references="", headline="Hujan lebat disertai angin kencang", hours=6, sent=None, xmlns=True):  # fmt: skip
    sent = sent or timezone.localtime(timezone.now()).replace(microsecond=0)
    expires = sent + timedelta(hours=hours)
    refs = f"<references>{references}</references>" if references else ""
    ns = f' xmlns="{CAP}"' if xmlns else ""
    return f"""<alert{ns}>
  <identifier>{identifier}</identifier><sender>bmkg@bmkg.go.id</sender><sent>{sent.isoformat()}</sent>
  <status>{status}</status><msgType>{msg_type}</msgType><scope>Public</scope>{refs}
  <info><language>id</language><category>Met</category><event>Hujan Lebat</event>
    <urgency>Immediate</urgency><severity>Moderate</severity><certainty>Likely</certainty>
    <expires>{expires.isoformat()}</expires><senderName>BMKG</senderName>
    <headline>{headline}</headline><description>Hujan lebat dapat terjadi di Muratara.</description>
    <web>https://www.bmkg.go.id/</web>
    <area><areaDesc>Musi Rawas Utara</areaDesc>{area}</area></info>
</alert>"""


class Server:
    """A CAP server on 127.0.0.1 whose answers each test sets per path."""

    def __init__(self):
        self.routes, self.requests = {}, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route(self)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"

    def xml(self, path, body, *, etag=None, content_type="application/xml", chunked=False):
        data = body.encode() if isinstance(body, str) else body

        def answer(handler):
            if etag and handler.headers.get("If-None-Match") == etag:
                handler.send_response(304)
                handler.end_headers()
                return
            handler.send_response(200)
            handler.send_header("Content-Type", content_type)
            if etag:
                handler.send_header("ETag", etag)
            if not chunked:
                handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)

        self.routes[path] = answer

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(settings):
    # The feed server of these tests is on 127.0.0.1: listed, as an office feed server would be.
    settings.OUTBOUND_HTTP_INTERNAL_HOSTS = ["127.0.0.1"]
    s = Server()
    yield s
    s.stop()


def feed_at(url, name="BMKG"):
    return ExternalFeed.objects.create(name=name, url=url)


def test_a_single_cap_message_in_the_kabupaten_is_kept_and_shown(server, client):
    server.xml("/cap.xml", cap_alert("BMKG-1"), etag='"v1"')
    feed = feed_at(server.url("/cap.xml"))
    assert feed_fetch(feed_id=feed.pk) == 1
    stored = ExternalAlert.objects.get()
    assert (stored.identifier, stored.sender, stored.feed, stored.withdrawn) == (
        "BMKG-1",
        "bmkg@bmkg.go.id",
        feed,
        False,
    )
    assert stored.geometry["features"][0]["geometry"]["type"] == "Polygon"
    feed.refresh_from_db()
    assert (feed.etag, feed.failures, feed.last_error) == ('"v1"', 0, "")
    for page in ("/", "/lapor/", "/peringatan/"):
        html = client.get(page).content.decode()
        assert "Hujan lebat disertai angin kencang" in html and "Sumber: BMKG" in html, page


def test_atom_and_rss_feeds_keep_only_messages_touching_the_kabupaten(server):
    server.xml("/linked.xml", cap_alert("BMKG-LINKED", area="<circle>-2.7,102.9 10</circle>"))
    server.xml("/far.xml", cap_alert("BMKG-FAR", area=f"<polygon>{JAKARTA_POLYGON}</polygon>"))
    atom = f"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>BMKG</title>
      <updated>2026-11-29T00:00:00Z</updated>
      <entry><id>1</id><title>a</title><updated>2026-11-29T00:00:00Z</updated>
        <content type="application/cap+xml">{cap_alert("BMKG-IN")}</content></entry>
      <entry><id>2</id><title>b</title><updated>2026-11-29T00:00:00Z</updated>
        <content type="application/cap+xml">{cap_alert("BMKG-OUT", area=f"<polygon>{JAKARTA_POLYGON}</polygon>")}</content></entry>
      <entry><id>3</id><title>c</title><updated>2026-11-29T00:00:00Z</updated>
        <link rel="alternate" type="application/cap+xml" href="/linked.xml"/></entry>
    </feed>"""
    server.xml("/feed.atom", atom, content_type="application/atom+xml")
    rss = """<?xml version="1.0"?><rss version="2.0"><channel><title>BMKG</title>
      <item><title>x</title><link>/far.xml</link></item><item><title>y</title><link>/linked.xml</link></item>
    </channel></rss>"""
    server.xml("/rss.xml", rss)
    assert feed_fetch(feed_id=feed_at(server.url("/feed.atom")).pk) == 2
    assert sorted(ExternalAlert.objects.values_list("identifier", flat=True)) == ["BMKG-IN", "BMKG-LINKED"]
    assert feed_fetch(feed_id=feed_at(server.url("/rss.xml"), name="BMKG RSS").pk) == 1
    assert not ExternalAlert.objects.filter(identifier="BMKG-FAR").exists()


def test_etag_makes_an_unchanged_feed_cheap(server):
    server.xml("/cap.xml", cap_alert("BMKG-1"), etag='"v1"')
    feed = feed_at(server.url("/cap.xml"))
    now = timezone.now()
    assert feed_fetch(feed_id=feed.pk, now=now) == 1
    # Not due yet: nothing fetched; a duplicate beat is a no-op.
    assert feed_fetch(feed_id=feed.pk, now=now) is None
    assert feeds_fetch_due(now=now) == {}
    later = now + timedelta(minutes=11)
    assert feed_fetch(feed_id=feed.pk, now=later) == 0
    assert server.requests[-1][1].get("If-None-Match") == '"v1"'
    feed.refresh_from_db()
    assert feed.last_success_at == later and ExternalAlert.objects.count() == 1


def test_a_cancel_withdraws_and_tests_are_ignored(server, client):
    first = cap_alert("BMKG-1")
    server.xml("/cap.xml", first)
    feed = feed_at(server.url("/cap.xml"))
    feed_fetch(feed_id=feed.pk)
    sent = ExternalAlert.objects.get().sent
    reference = f"bmkg@bmkg.go.id,BMKG-1,{timezone.localtime(sent).isoformat()}"
    cancel = cap_alert("BMKG-2", msg_type="Cancel", references=reference, headline="Dibatalkan")
    atom = f"""<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>t</title><updated>2026-11-29T00:00:00Z</updated>
      <entry><id>2</id><title>c</title><updated>2026-11-29T00:00:00Z</updated><content type="application/cap+xml">{cancel}</content></entry>
      <entry><id>3</id><title>t</title><updated>2026-11-29T00:00:00Z</updated><content type="application/cap+xml">{cap_alert("BMKG-TEST", status="Test")}</content></entry>
    </feed>"""
    server.xml("/cap.xml", atom)
    assert feed_fetch(feed_id=feed.pk, now=timezone.now() + timedelta(minutes=11)) == 1
    assert ExternalAlert.objects.get(identifier="BMKG-1").withdrawn
    assert not ExternalAlert.objects.filter(identifier="BMKG-TEST").exists()
    assert list(active_external_alerts()) == []
    assert "Hujan lebat disertai" not in client.get("/").content.decode()


def assert_refused(feed, text, caplog):
    feed.refresh_from_db()
    assert feed.failures == 1 and text in feed.last_error, feed.last_error
    assert feed.next_fetch_at > timezone.now() + timedelta(minutes=5)
    assert not ExternalAlert.objects.exists()
    assert any(r.levelno == logging.WARNING and feed.url in r.getMessage() for r in caplog.records)


def test_malformed_xml_is_refused_and_retried_later(server, caplog):
    server.xml("/cap.xml", cap_alert("BMKG-1")[:-40])
    feed = feed_at(server.url("/cap.xml"))
    with caplog.at_level(logging.WARNING):
        assert feed_fetch(feed_id=feed.pk) is None
    assert_refused(feed, "XML rusak", caplog)
    # Fixed at the source: the next due run reads it and clears the failure.
    server.xml("/cap.xml", cap_alert("BMKG-1"))
    assert feed_fetch(feed_id=feed.pk, now=timezone.now() + timedelta(hours=1)) == 1
    feed.refresh_from_db()
    assert feed.failures == 0 and feed.last_error == ""


def test_failures_back_off_further_each_time(server):
    server.xml("/cap.xml", "<bukan")
    feed = feed_at(server.url("/cap.xml"))
    now = timezone.now()
    delays = []
    for _ in range(3):
        feed_fetch(feed_id=feed.pk, now=now)
        feed.refresh_from_db()
        delays.append(feed.next_fetch_at - now)
        now = feed.next_fetch_at
    assert delays == [timedelta(minutes=10), timedelta(minutes=20), timedelta(minutes=40)]


@pytest.mark.parametrize("chunked", [False, True])
def test_an_oversized_document_is_refused(server, settings, caplog, chunked):
    settings.WARNINGS_FEED_MAX_BYTES = 20_000
    padding = "<!--" + "x" * 30_000 + "-->"
    server.xml("/cap.xml", cap_alert("BMKG-1") + padding, chunked=chunked)
    feed = feed_at(server.url("/cap.xml"))
    with caplog.at_level(logging.WARNING):
        assert feed_fetch(feed_id=feed.pk) is None
    assert_refused(feed, "terlalu besar", caplog)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>"""


def test_an_entity_bomb_is_refused_at_once(server, caplog):
    body = BILLION_LAUGHS + cap_alert("BMKG-1").replace("Hujan lebat disertai angin kencang", "&lol9;")
    server.xml("/cap.xml", body)
    feed = feed_at(server.url("/cap.xml"))
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        assert feed_fetch(feed_id=feed.pk) is None
    assert time.monotonic() - started < 5
    assert_refused(feed, "XML berbahaya ditolak", caplog)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE alert SYSTEM "http://127.0.0.1:9/evil.dtd">',
    ],
)
def test_external_entities_are_refused(server, caplog, doctype):
    body = (
        '<?xml version="1.0"?>'
        + doctype
        + cap_alert("BMKG-1").replace("Hujan lebat disertai angin kencang", "&xxe;" if "xxe" in doctype else "x")
    )
    server.xml("/cap.xml", body)
    feed = feed_at(server.url("/cap.xml"))
    with caplog.at_level(logging.WARNING):
        assert feed_fetch(feed_id=feed.pk) is None
    assert_refused(feed, "XML berbahaya ditolak", caplog)
    assert "root:" not in ExternalFeed.objects.get().last_error


def test_an_unreachable_feed_is_logged_and_retried(caplog, settings):
    import socket

    settings.OUTBOUND_HTTP_INTERNAL_HOSTS = ["127.0.0.1"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    feed = feed_at(f"http://127.0.0.1:{port}/cap.xml")
    with caplog.at_level(logging.WARNING):
        assert feed_fetch(feed_id=feed.pk) is None
    assert_refused(feed, "tidak dapat dihubungi", caplog)


def test_a_server_that_never_answers_times_out(server, settings, caplog):
    settings.WARNINGS_FEED_TIMEOUT = 1
    release = threading.Event()

    def hang(handler):
        release.wait(10)

    server.routes["/cap.xml"] = hang
    feed = feed_at(server.url("/cap.xml"))
    started = time.monotonic()
    try:
        with caplog.at_level(logging.WARNING):
            assert feed_fetch(feed_id=feed.pk) is None
    finally:
        release.set()
    assert time.monotonic() - started < 5
    assert_refused(feed, "tidak dapat dihubungi", caplog)


def test_an_invalid_message_is_skipped_without_hiding_it_behind_the_etag(server):
    invalid = cap_alert("BMKG-BAD").replace("<urgency>Immediate</urgency>", "<urgency>Sekarang</urgency>")
    atom = f"""<feed xmlns="http://www.w3.org/2005/Atom"><id>x</id><title>t</title><updated>2026-11-29T00:00:00Z</updated>
      <entry><id>1</id><title>a</title><updated>2026-11-29T00:00:00Z</updated><content type="application/cap+xml">{cap_alert("BMKG-OK")}</content></entry>
      <entry><id>2</id><title>b</title><updated>2026-11-29T00:00:00Z</updated><content type="application/cap+xml">{invalid}</content></entry>
    </feed>"""
    server.xml("/feed.atom", atom, etag='"v1"')
    feed = feed_at(server.url("/feed.atom"))
    assert feed_fetch(feed_id=feed.pk) == 1
    assert list(ExternalAlert.objects.values_list("identifier", flat=True)) == ["BMKG-OK"]
    feed.refresh_from_db()
    assert "tidak sah" in feed.last_error and feed.etag == "" and feed.failures == 0


def test_a_document_that_is_not_cap_is_refused(server):
    server.xml("/page.xml", "<html><body>Halaman</body></html>")
    feed = feed_at(server.url("/page.xml"))
    assert feed_fetch(feed_id=feed.pk) is None
    feed.refresh_from_db()
    assert "bukan dokumen CAP" in feed.last_error


def test_only_http_urls_are_fetched(settings):
    feed = ExternalFeed.objects.create(name="x", url="file:///etc/passwd")
    assert feed_fetch(feed_id=feed.pk) is None
    feed.refresh_from_db()
    assert "bukan http" in feed.last_error
