"""An asynchronous load generator for the portal (`manage.py loadtest`).

Many residents at once: each virtual client loops until the phase's time is
up, sending one request after another (a closed loop, so the figures are what
the server sustains at that concurrency, not an offered rate). Reports are
realistic (a category drawn as the demo data draws it, its questions answered,
an Indonesian description, a desa and, for most, a point inside it), each with
its own `client_uuid` and its own resident address in `X-Forwarded-For` (what
the reverse proxy adds; the server must trust one proxy, NUM_PROXIES=1), so the
per-address report limits see many residents, as during a flood.

Django-free at request time: the payload pools are built from the database
before the event loop starts.
"""

import asyncio
import gzip
import ipaddress
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

REPORTS_PATH = "/api/v1/reports/"
# The share of reports sent with a point on the map (the rest name only the desa).
POINT_SHARE = 0.6
POINTS_PER_DESA = 8
# Resident addresses: a random block of 10.0.0.0/8 per run, one address per report.
ADDRESS_BASE = int(ipaddress.IPv4Address("10.0.0.0"))
ADDRESS_SPAN = 2**24


@dataclass
class PhaseResult:
    """What one phase measured: answered requests with their latency, the
    answers by status, transport errors by kind."""

    name: str
    duration: float = 0.0
    latencies: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    body_bytes: int = 0
    wire_bytes: int = 0
    # Reports: client_uuids answered 201, and those sent without a 201 answer.
    accepted: list = field(default_factory=list)
    unanswered: list = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    def rate(self, count=None) -> float:
        return (self.ok if count is None else count) / self.duration if self.duration else 0.0

    def percentile(self, p: float) -> float | None:
        """Latency (ms) under which p % of the answered requests finished."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index] * 1000


class ResidentAddresses:
    """A fresh address for every request, from a block chosen at random so
    that a second run within the hour meets no counters of the first."""

    def __init__(self):
        self.next = random.SystemRandom().randrange(ADDRESS_SPAN)

    def __call__(self) -> str:
        self.next = (self.next + 1) % ADDRESS_SPAN
        # Skip .0 and .255 so every address looks like a host.
        if self.next % 256 in (0, 255):
            return self()
        return str(ipaddress.IPv4Address(ADDRESS_BASE + self.next))


class ReportFactory:
    """Report payloads as the citizen form's API client sends them.

    `categories` and `desa` are the demo generator's model rows (read before
    the event loop starts); `points` maps a desa code to points that the
    portal's own point-to-desa rule places in that desa (may be empty)."""

    def __init__(self, generator, points: dict, *, seed=None):
        self.generator = generator
        self.points = points
        self.rng = random.Random(seed)
        self.addresses = ResidentAddresses()
        self.month = time.localtime().tm_mon

    def __call__(self):
        gen, rng = self.generator, self.rng
        codes, cum = gen.month_weights[self.month]
        category = gen.categories[gen.pick(codes, cum)]
        desa = gen.pick(gen.desa, gen.desa_cum)
        title, body, values, rule = gen.text(category, desa)
        asked = {q["code"] for q in category.citizen_questions()}
        details = {k: v for k, v in gen.details(category, values, rule).items() if k in asked}
        name, phone, email = gen.reporter()
        payload = {
            "category": category.code,
            "title": title,
            "description": body,
            "desa": desa.code,
            "details": details,
            "reporter_name": name,
            "reporter_phone": phone,
            "reporter_email": email,
            "anonymous": not name,
            "consent": True,
            "client_uuid": str(uuid.uuid4()),
        }
        candidates = self.points.get(desa.code)
        if candidates and rng.random() < POINT_SHARE:
            payload["lat"], payload["lng"] = rng.choice(candidates)
        headers = {"X-Forwarded-For": self.addresses()}
        return "POST", REPORTS_PATH, {"json_body": payload, "headers": headers}, payload["client_uuid"]


def desa_points(desa_rows, *, seed=None, agrees=None) -> dict:
    """A few points inside each desa: random points in its boundary (away from
    the edge), or its centroid when no boundary is loaded. `agrees(lat, lng,
    code)` keeps only the points the portal places in that desa."""
    from shapely.geometry import Point, shape

    rng = random.Random(seed)
    out = {}
    for desa in desa_rows:
        found = []
        if desa.boundary:
            area = shape(desa.boundary)
            inner = area.buffer(-0.002)
            area = inner if not inner.is_empty else area
            minx, miny, maxx, maxy = area.bounds
            for _attempt in range(POINTS_PER_DESA * 10):
                lng, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                if area.contains(Point(lng, lat)):
                    found.append((round(lat, 6), round(lng, 6)))
                if len(found) >= POINTS_PER_DESA:
                    break
        else:
            found.append((desa.lat, desa.lng))
        out[desa.code] = [p for p in found if agrees is None or agrees(p[0], p[1], desa.code)]
    return out


def plain_get(path: str):
    def make():
        return "GET", path, {}, None

    return make


class RawHttp:
    """A bare HTTP/1.1 client, one connection per request (`Connection: close`,
    what gunicorn's sync workers do anyway). The generator shares the machine
    with the server: httpx cost about as much CPU per request as the page it
    measured, so the figures would have been the generator's."""

    def __init__(self, base_url: str, timeout: float):
        parts = urlsplit(base_url)
        self.ssl = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.ssl else 80)
        self.timeout = timeout

    async def request(self, method, path, *, json_body=None, headers=None):
        """(status, headers text, body as sent on the wire)."""
        return await asyncio.wait_for(self._request(method, path, json_body, headers or {}), self.timeout)

    async def _request(self, method, path, json_body, headers):
        reader, writer = await asyncio.open_connection(self.host, self.port, ssl=self.ssl or None)
        try:
            body = json.dumps(json_body).encode() if json_body is not None else b""
            lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: close"]
            lines += ["Accept-Encoding: gzip", *(f"{k}: {v}" for k, v in headers.items())]
            if json_body is not None:
                lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            data = await reader.read()
        finally:
            writer.close()
        head, _sep, payload = data.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1."):
            raise ConnectionError("no HTTP answer")
        return int(head[9:12]), head.decode("latin-1").lower(), payload


def body_size(head: str, payload: bytes) -> int:
    """The answer's size before compression."""
    if "content-encoding: gzip" in head and "transfer-encoding: chunked" not in head:
        return len(gzip.decompress(payload))
    return len(payload)


async def run_phase(base_url: str, name: str, make_request, *, duration: float, concurrency: int, timeout=30.0):
    """`concurrency` clients send `make_request()` one after another for
    `duration` seconds; the answers to requests still in flight at the end
    count too (the phase lasts until the last one)."""
    result = PhaseResult(name)
    client = RawHttp(base_url, timeout)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + duration
    last = {}

    async def one_client():
        while loop.time() < deadline:
            method, path, kwargs, tag = make_request()
            started = time.perf_counter()
            try:
                status, head, payload = await client.request(method, path, **kwargs)
            except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
                result.errors[type(exc).__name__] += 1
                if tag:
                    result.unanswered.append(tag)
                continue
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] += 1
            last.update(head=head, payload=payload)
            if tag:
                (result.accepted if status == 201 else result.unanswered).append(tag)

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(concurrency)))
    result.duration = time.perf_counter() - started
    if last:
        result.wire_bytes = len(last["payload"])
        result.body_bytes = body_size(last["head"], last["payload"])
    return result


async def warm_up(base_url: str, paths, *, rounds: int):
    """A few requests per path before measuring (each worker's first hit
    loads what it keeps in memory)."""
    client = RawHttp(base_url, timeout=60)
    for _ in range(rounds):
        await asyncio.gather(*(client.request("GET", p) for p in paths), return_exceptions=True)


# --- the server under test -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GunicornServer:
    """gunicorn on 127.0.0.1 with production settings, for the duration of a `with`."""

    def __init__(self, *, workers: int, env: dict, cwd: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {**os.environ, **env}
        self.cwd = cwd
        self.process = None

    def __enter__(self):
        command = [sys.executable, "-m", "gunicorn", "kitaaman.wsgi", "--workers", str(self.workers)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--log-level", "warning"]
        self.process = subprocess.Popen(command, env=self.env, cwd=self.cwd)
        self._wait_until_ready()
        return self

    def _wait_until_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn berhenti (kode {self.process.returncode}).")
            try:
                if httpx.get(self.url + "/livez", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn tidak siap dalam 90 detik.")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return False
