"""The one outbound HTTP client (kitaaman.outbound_http): the guard against
internal addresses in every spelling, redirects, the size cap and the
deadline, against fake servers on 127.0.0.1."""

import gzip
import socket
import threading
import time

import pytest

from kitaaman import outbound_http
from kitaaman.outbound_http import (
    AddressRefused,
    BadRedirect,
    TooLarge,
    TooSlow,
    Unreachable,
    address_is_public,
    guarded_client,
    request,
)
from tests.fake_http import FakeHandler, fake_host


class Handler(FakeHandler):
    def _send(self, status, body=b"", headers=None):
        self.send(status, body, headers=headers)

    def do_GET(self):
        self.server.hits.append(self.path)
        port = self.server.server_address[1]
        if self.path == "/ok":
            self._send(200, b"halo")
        elif self.path == "/ke-ok":
            self._send(302, headers={"Location": "/ok"})
        elif self.path == "/ke-loopback":
            self._send(302, headers={"Location": f"http://127.0.0.1:{port}/ok"})
        elif self.path == "/ke-v6":
            self._send(302, headers={"Location": f"http://[::1]:{port}/ok"})
        elif self.path == "/ke-file":
            self._send(302, headers={"Location": "file:///etc/passwd"})
        elif self.path == "/ke-https":
            self._send(302, headers={"Location": f"https://127.0.0.1:{port}/ok"})
        elif self.path == "/berputar":
            self._send(302, headers={"Location": "/berputar"})
        elif self.path == "/besar":
            self._send(200, b"x" * 5000)
        elif self.path == "/besar-tanpa-panjang":
            self.drip(b"x" * 1000, 20)
        elif self.path == "/bom-gzip":
            # Ten megabytes that travel as about ten kilobytes, sent though identity was asked for.
            self.server.encodings.append(self.headers.get("Accept-Encoding"))
            self._send(200, gzip.compress(b"x" * 10_000_000), headers={"Content-Encoding": "gzip"})
        elif self.path == "/menetes":
            # 200 with headers at once, then one byte every 0.1 s for 3 s.
            self.drip(b"x", 30, every=0.1, headers={"Content-Length": "30"})
        elif self.path == "/diam":
            self.server.release.wait(5)
        else:
            self._send(404)


@pytest.fixture
def server():
    release = threading.Event()
    with fake_host(Handler, release=release, encodings=[]) as httpd:
        httpd.named = f"http://localhost:{httpd.server_address[1]}"
        yield httpd
        release.set()


def get(url, **kwargs):
    return request("GET", url, **{"max_bytes": 1000, "timeout": 2, **kwargs})


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fec0::1",
        "ff02::1",
        "::127.0.0.1",  # IPv4-compatible form of loopback
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "64:ff9b::7f00:1",  # NAT64 of loopback
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b:1::a00:1",  # local-use NAT64
        "2002:7f00:1::1",  # 6to4 of loopback
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
        "2001:db8::1",
    ],
)
def test_internal_addresses_in_every_form_are_not_public(address):
    assert not address_is_public(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1"])
def test_public_addresses_are_public(address):
    assert address_is_public(address)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "2130706433",  # decimal
        "0177.0.0.1",  # octal
        "0x7f.0.0.1",  # hexadecimal
        "127.1",
        "localhost",
        "[::1]",
        "[::127.0.0.1]",
        "[::ffff:127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "[2002:7f00:1::1]",
    ],
)
def test_every_spelling_of_a_local_server_is_refused_before_connecting(server, host):
    port = server.server_address[1]
    with pytest.raises(AddressRefused):
        get(f"http://{host}:{port}/ok")
    assert server.hits == []


def test_a_name_resolving_to_an_internal_address_is_refused_on_the_resolved_address(server, monkeypatch):
    # A name that looks public but resolves to loopback (DNS rebinding): the
    # address connected to is the one checked.
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        # The name resolves (DNS) to loopback; as a numeric host it is nothing.
        if host == "foto.example.com" and not kwargs.get("flags", 0) & socket.AI_NUMERICHOST:
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(outbound_http.socket, "getaddrinfo", resolver)
    with pytest.raises(AddressRefused):
        get(f"http://foto.example.com:{server.server_address[1]}/ok")
    assert server.hits == []


def test_an_allowed_host_is_reached_and_only_that_host(server):
    answer = get(f"{server.url}/ok", allow_hosts=["127.0.0.1"])
    assert answer.status == 200 and answer.body == b"halo"
    with pytest.raises(AddressRefused):
        get(f"{server.named}/ok", allow_hosts=["127.0.0.1"])
    assert server.hits == ["/ok"]


def test_redirects_are_followed_only_when_asked_and_checked_again(server):
    assert get(f"{server.named}/ke-ok", allow_hosts=["localhost"]).status == 302
    assert get(f"{server.named}/ke-ok", allow_hosts=["localhost"], redirects=2).body == b"halo"
    for path in ("/ke-loopback", "/ke-v6"):
        with pytest.raises(AddressRefused):
            get(f"{server.named}{path}", allow_hosts=["localhost"], redirects=2)
    assert server.hits == ["/ke-ok", "/ke-ok", "/ok", "/ke-loopback", "/ke-v6"]


def test_redirects_to_another_scheme_or_in_circles_are_refused(server):
    with pytest.raises(BadRedirect, match="http atau https"):
        get(f"{server.url}/ke-file", allow_private=True, redirects=3)
    with pytest.raises(BadRedirect, match="pengalihan"):
        get(f"{server.url}/berputar", allow_private=True, redirects=3)
    assert server.hits.count("/berputar") == 4


def test_an_upgrade_to_https_is_followed(server):
    # Followed, not refused as another scheme: the TLS handshake with this plain server then fails.
    with pytest.raises(Unreachable):
        get(f"{server.url}/ke-https", allow_private=True, redirects=1)


def test_answers_over_the_size_cap_are_cut(server):
    with pytest.raises(TooLarge):
        get(f"{server.url}/besar", allow_private=True)
    with pytest.raises(TooLarge):
        get(f"{server.url}/besar-tanpa-panjang", allow_private=True)
    assert get(f"{server.url}/besar", allow_private=True, max_bytes=5000).body == b"x" * 5000


def test_answers_are_asked_uncompressed_and_the_cap_counts_what_a_compressed_one_expands_to(server):
    with pytest.raises(TooLarge):
        get(f"{server.url}/bom-gzip", allow_private=True, max_bytes=100_000)
    assert server.encodings == ["identity"]


def test_the_deadline_holds_against_a_server_that_drips(server):
    started = time.monotonic()
    with pytest.raises(TooSlow):
        get(f"{server.url}/menetes", allow_private=True, timeout=0.3, deadline=0.5)
    assert time.monotonic() - started < 1.0


def test_the_deadline_holds_against_a_server_that_never_answers(server):
    started = time.monotonic()
    with pytest.raises(TooSlow):
        get(f"{server.url}/diam", allow_private=True, timeout=5, deadline=0.5)
    assert time.monotonic() - started < 1.0


def test_a_library_client_gets_the_same_guard(server):
    with guarded_client(timeout=2) as http:
        with pytest.raises(AddressRefused):
            http.get(f"{server.url}/ok")
    with guarded_client(timeout=2, allow_hosts=["127.0.0.1"]) as http:
        assert http.get(f"{server.url}/ok").content == b"halo"
        with pytest.raises(AddressRefused):
            http.get(f"{server.named}/ok")
    assert server.hits == ["/ok"]
