"""Fetch the photo a partner app points to with `media_url`.

The portal makes this request on a stranger's behalf, so it is bounded: only
http and https; at most OPEN311_MEDIA_MAX_REDIRECTS redirects, each checked
again; the host's addresses must be public (no loopback, private, link-local
or reserved ranges: a key holder must not reach services behind the firewall)
unless OPEN311_MEDIA_ALLOW_PRIVATE is set (tests, an intranet deployment);
the connection goes to the address that was checked, so a second DNS answer
cannot swap it; the body is streamed and cut at MAX_PHOTO_BYTES; the whole
fetch must finish within OPEN311_MEDIA_TIMEOUT seconds. The bytes then go
through the same photo checks as an upload (incidents.intake.photos.clean_photo,
applied by the intake command).
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

CHUNK = 64 * 1024
MAX_URL_LENGTH = 2000


def _setting(name, default):
    return getattr(settings, name, default)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, *, address, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, *, address, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # Certificate checked against the host name, not the pinned address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _refuse(message=None) -> ValidationError:
    return ValidationError(message or _("Berkas tidak dapat diambil."), code="media")


def _check_url(url: str):
    if len(url) > MAX_URL_LENGTH:
        raise _refuse(_("Alamat terlalu panjang."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refuse(_("Bukan alamat yang sah."))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refuse(_("Harus berupa alamat http atau https."))
    if parts.username or parts.password:
        raise _refuse(_("Alamat tidak boleh memuat nama pengguna atau kata sandi."))
    return parts, port or (443 if parts.scheme == "https" else 80)


def _public_address(host: str, port: int) -> str:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise _refuse(_("Nama host tidak dapat ditemukan."))
    allow_private = _setting("OPEN311_MEDIA_ALLOW_PRIVATE", False)
    for info in infos:
        address = info[4][0]
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if allow_private or ip.is_global:
            return address
    raise _refuse(_("Alamat menunjuk ke jaringan internal; hanya alamat publik yang diizinkan."))


def fetch_media(url: str) -> SimpleUploadedFile:
    """The resource at `url` as an upload for the intake; ValidationError when it cannot be had."""
    url = (url or "").strip()
    limit = settings.MAX_PHOTO_BYTES
    timeout = float(_setting("OPEN311_MEDIA_TIMEOUT", 10))
    redirects = int(_setting("OPEN311_MEDIA_MAX_REDIRECTS", 3))
    deadline = time.monotonic() + timeout
    for _hop in range(redirects + 1):
        parts, port = _check_url(url)
        address = _public_address(parts.hostname, port)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _refuse(_("Server tidak menjawab dalam %(s)s detik.") % {"s": int(timeout)})
        connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
        connection = connection_class(parts.hostname, port=port, address=address, timeout=remaining)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", target, headers={"User-Agent": "KITA-AMAN-Open311/1.0", "Accept": "image/*"})
            sock = connection.sock
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location", "")
                if not location:
                    raise _refuse()
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise _refuse(_("Server menjawab dengan status HTTP %(status)s.") % {"status": response.status})
            declared = response.getheader("Content-Length")
            if declared and declared.isdecimal() and int(declared) > limit:
                raise _too_large(limit)
            body = _read_capped(response, sock, limit, deadline, timeout)
        except (OSError, http.client.HTTPException):
            # Refused, reset, TLS failure, timeout (socket.timeout is an OSError).
            raise _refuse()
        finally:
            connection.close()
        if not body:
            raise _refuse(_("Berkas kosong."))
        return SimpleUploadedFile("media", body, content_type="application/octet-stream")
    raise _refuse(_("Terlalu banyak pengalihan (redirect)."))


def _read_capped(response, sock, limit: int, deadline: float, timeout: float) -> bytes:
    """Read at most `limit` bytes before `deadline`. One socket read per step,
    each with the time that remains, so a server dripping a byte at a time
    cannot stretch the fetch past the deadline."""
    chunks, size = [], 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _refuse(_("Server tidak menjawab dalam %(s)s detik.") % {"s": int(timeout)})
        sock.settimeout(remaining)
        chunk = response.read1(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)


def _too_large(limit: int) -> ValidationError:
    return _refuse(_("Foto terlalu besar (maksimal %(mb)s MB).") % {"mb": limit // (1024 * 1024)})
