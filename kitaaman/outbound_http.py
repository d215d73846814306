"""The one HTTP client for every request the portal makes to another server:
external CAP feeds, Open311 `media_url`, the SMS gateway and the WhatsApp
Graph API.

Every request made through it is bounded:
- a connect/read timeout per network step and an overall deadline for the
  whole exchange (every socket wait gets only the time that remains, so a
  server dripping a byte at a time cannot stretch it);
- a size cap on the answer (the declared length and the bytes streamed);
- only http and https; a redirect is followed only when asked for, at most
  `redirects` times, never to another scheme (http -> https excepted), and each
  target goes through the guard again;
- the guard: the host's name is resolved here and the connection goes to the
  address that was checked (no second DNS answer can swap it). Loopback,
  private, link-local, multicast, reserved and other non-public addresses are
  refused, including the IPv6 forms that embed one (IPv4-mapped and
  -compatible, NAT64 64:ff9b::/96, 6to4, Teredo) and the decimal/octal forms of
  IPv4 (they resolve to the address that is checked).

A caller that talks to a gateway of its own on the local network (the SMS
gateway, the WhatsApp API base URL, a feed server in the office) opts in by
naming the hosts it may reach on internal addresses (`allow_hosts`, taken from
the OUTBOUND_HTTP_INTERNAL_HOSTS setting). Addresses a stranger supplies (CAP
feed entries, Open311 media) never get the list.

Failures are OutboundError subclasses whose text is for people.
"""

import ipaddress
import json as jsonlib
import socket
import ssl
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import certifi
import httpcore
import httpx
from django.conf import settings
from django.utils.translation import gettext as _

MAX_URL_LENGTH = 2000
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
HEADER_ALLOWANCE = 64 * 1024  # bytes of status line and headers allowed beyond the body cap
CHUNK = 64 * 1024

NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class OutboundError(Exception):
    """The request could not be made or answered. `transient`: trying again
    later may work (unreachable, too slow)."""

    transient = False


class BadUrl(OutboundError):
    pass


class AddressRefused(OutboundError):
    pass


class BadRedirect(OutboundError):
    pass


class TooLarge(OutboundError):
    pass


class TooSlow(OutboundError):
    transient = True


class Unreachable(OutboundError):
    transient = True


# --- the guard ------------------------------------------------------------------------------------


def _embedded_v4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address] | None:
    """The IPv4 addresses an IPv6 address stands for, when it is one of the
    forms that carry one; None otherwise."""
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip in NAT64_WELL_KNOWN:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip in IPV4_COMPATIBLE:
        return [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)]
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)
    return None


def address_is_public(address) -> bool:
    """True only for an address on the public internet."""
    try:
        ip = ipaddress.ip_address(str(address).split("%", 1)[0].strip("[]"))
    except ValueError:
        return False
    if ip.version == 6:
        embedded = _embedded_v4(ip)
        if embedded is not None:
            # ::/96 (IPv4-compatible) is deprecated: nothing public lives there.
            return ip not in IPV4_COMPATIBLE and all(address_is_public(v4) for v4 in embedded)
    if ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local or ip.is_unspecified:
        return False
    if ip.version == 6 and ip.is_site_local:
        return False
    return ip.is_global and not ip.is_private


def _norm_host(host: str) -> str:
    return (host or "").strip().strip("[]").rstrip(".").lower()


def internal_hosts() -> frozenset[str]:
    """The hosts (from OUTBOUND_HTTP_INTERNAL_HOSTS) that configured gateways may
    reach on internal addresses."""
    return frozenset(_norm_host(h) for h in getattr(settings, "OUTBOUND_HTTP_INTERNAL_HOSTS", ()) if h)


def url_check(url: str) -> None:
    """What can be told of a URL without the network: http(s), a host, no
    credentials, not a literal internal address (any spelling). BadUrl or
    AddressRefused."""
    if len(url or "") > MAX_URL_LENGTH:
        raise BadUrl(_("Alamat terlalu panjang."))
    try:
        parts = urlsplit(url or "")
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise BadUrl(_("Bukan alamat yang sah."))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadUrl(_("Harus berupa alamat http atau https."))
    if parts.username or parts.password:
        raise BadUrl(_("Alamat tidak boleh memuat nama pengguna atau kata sandi."))
    host = _norm_host(parts.hostname)
    if host == "localhost" or host.endswith(".localhost"):
        raise AddressRefused(_refused_text())
    try:
        # Numeric forms only (no DNS): 2130706433, 0177.0.0.1, 127.1, ::ffff:7f00:1 ...
        infos = socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST)
    except (OSError, UnicodeError):
        return
    if not all(address_is_public(info[4][0]) for info in infos):
        raise AddressRefused(_refused_text())


def _refused_text() -> str:
    return _("Alamat menunjuk ke jaringan internal; hanya alamat publik yang diizinkan.")


# --- the transport: resolve, check, connect to the checked address, within the deadline ----------


class _Budget:
    """The deadline and byte cap of one exchange, shared by its connections."""

    def __init__(self, *, deadline: float, max_bytes: int | None):
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.received = 0

    def timeout(self, wanted: float | None, exc_class) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise exc_class("deadline passed")
        return remaining if wanted is None else min(wanted, remaining)

    def count(self, size: int) -> None:
        self.received += size
        if self.max_bytes is not None and self.received > self.max_bytes + HEADER_ALLOWANCE:
            raise TooLarge(_("Jawaban server terlalu besar (lebih dari %(n)s bita).") % {"n": self.max_bytes})


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, budget: _Budget):
        self._inner = inner
        self._budget = budget

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self._inner.read(max_bytes, self._budget.timeout(timeout, httpcore.ReadTimeout))
        self._budget.count(len(data))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._budget.timeout(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        inner = self._inner.start_tls(
            ssl_context, server_hostname, self._budget.timeout(timeout, httpcore.ConnectTimeout)
        )
        return _Stream(inner, self._budget)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, *, budget: _Budget, allow_hosts: frozenset[str], allow_private: bool):
        self._budget = budget
        self._allow_hosts = allow_hosts
        self._allow_private = allow_private

    def _addresses(self, host: str, port: int, timeout) -> list[str]:
        trusted = self._allow_private or _norm_host(host) in self._allow_hosts
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise Unreachable(_("Nama host tidak dapat ditemukan."))
        addresses = [info[4][0] for info in infos]
        allowed = [a for a in addresses if trusted or address_is_public(a)]
        if not allowed:
            raise AddressRefused(_refused_text())
        return list(dict.fromkeys(allowed))

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last_error = None
        for address in self._addresses(host, port, timeout):
            try:
                stream = super().connect_tcp(
                    address, port, self._budget.timeout(timeout, httpcore.ConnectTimeout), local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
                continue
            return _Stream(stream, self._budget)
        raise last_error


_ssl_contexts: list[ssl.SSLContext] = []


def _ssl_context() -> ssl.SSLContext:
    if not _ssl_contexts:
        _ssl_contexts.append(ssl.create_default_context(cafile=certifi.where()))
    return _ssl_contexts[0]


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, backend: _GuardedBackend):
        super().__init__(verify=_ssl_context(), trust_env=False)
        # httpx has no parameter for the network backend; the pool it builds is
        # replaced by one that connects through the guard (httpx pinned in requirements.txt).
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=4,
            max_keepalive_connections=0,
            network_backend=backend,
        )


def guarded_client(
    *,
    timeout: float,
    deadline: float | None = None,
    max_bytes: int | None = None,
    allow_hosts: Iterable[str] = (),
    allow_private: bool = False,
) -> httpx.Client:
    """An httpx client whose every connection goes through the guard, within
    `deadline` seconds from now (default: three times `timeout`) and reading at
    most about `max_bytes`. For libraries that want an httpx.Client (the SMS
    gateway's); it follows no redirects. Guard refusals and the cap raise
    OutboundError subclasses; timeouts and failed connections httpx's own errors."""
    budget = _Budget(deadline=time.monotonic() + (deadline or timeout * 3), max_bytes=max_bytes)
    backend = _GuardedBackend(
        budget=budget, allow_hosts=frozenset(_norm_host(h) for h in allow_hosts), allow_private=allow_private
    )
    return httpx.Client(
        transport=_GuardedTransport(backend),
        timeout=timeout,
        follow_redirects=False,
        trust_env=False,
        # Uncompressed answers: the size cap then counts what is kept (no gzip bomb).
        headers={"Accept-Encoding": "identity"},
    )


# --- one request ----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    url: str

    def json(self):
        return jsonlib.loads(self.body)


def _redirect_target(url: str, response: httpx.Response) -> str:
    location = response.headers.get("Location", "")
    if not location:
        raise BadRedirect(_("Berkas tidak dapat diambil."))
    target = urljoin(url, location)
    before, after = urlsplit(url).scheme, urlsplit(target).scheme
    if after != before and (before, after) != ("http", "https"):
        raise BadRedirect(_("Harus berupa alamat http atau https."))
    return target


def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    too_large = _("Jawaban server terlalu besar (lebih dari %(n)s bita).") % {"n": max_bytes}
    if declared.isdecimal() and int(declared) > max_bytes:
        raise TooLarge(too_large)
    chunks, size = [], 0
    for chunk in response.iter_bytes(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(too_large)
        chunks.append(chunk)
    return b"".join(chunks)


def request(
    method: str,
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    deadline: float | None = None,
    redirects: int = 0,
    headers: dict | None = None,
    json=None,
    allow_hosts: Iterable[str] = (),
    allow_private: bool = False,
) -> Answer:
    """One request through the guard. `timeout` bounds each network step,
    `deadline` (seconds, default three times `timeout`) the whole exchange,
    redirects included. A redirect is followed only for GET, at most
    `redirects` times; otherwise the 3xx answer is returned. Any status is
    returned; the body is read only up to `max_bytes` (TooLarge beyond)."""
    total = deadline or timeout * 3
    started = time.monotonic()
    allow_hosts = frozenset(_norm_host(h) for h in allow_hosts)
    for _hop in range(redirects + 1):
        url_check_unless_trusted(url, allow_hosts=allow_hosts, allow_private=allow_private)
        remaining = total - (time.monotonic() - started)
        if remaining <= 0:
            raise TooSlow(_("Server tidak menjawab dalam %(s)s detik.") % {"s": _seconds(total)})
        client = guarded_client(
            timeout=timeout,
            deadline=remaining,
            max_bytes=max_bytes,
            allow_hosts=allow_hosts,
            allow_private=allow_private,
        )
        try:
            with client, client.stream(method, url, headers=headers, json=json) as response:
                if method == "GET" and response.status_code in REDIRECT_STATUSES and redirects:
                    url = _redirect_target(url, response)
                    continue
                body = _read_body(response, max_bytes)
                return Answer(status=response.status_code, headers=response.headers, body=body, url=url)
        except httpx.TimeoutException:
            raise TooSlow(_("Server tidak menjawab dalam %(s)s detik.") % {"s": _seconds(total)})
        except httpx.InvalidURL:
            raise BadUrl(_("Bukan alamat yang sah."))
        except (httpx.TransportError, httpx.StreamError, OSError) as exc:
            raise Unreachable(_("Server tidak dapat dihubungi.") + f" ({type(exc).__name__})")
    raise BadRedirect(_("Terlalu banyak pengalihan (redirect)."))


def url_check_unless_trusted(url: str, *, allow_hosts: frozenset[str], allow_private: bool) -> None:
    """url_check, with the literal-address test skipped for allowed hosts."""
    try:
        url_check(url)
    except AddressRefused:
        if not (allow_private or _norm_host(urlsplit(url).hostname or "") in allow_hosts):
            raise


def _seconds(value: float) -> str:
    return f"{value:g}"
