"""What `manage.py deploy_check` finds wrong with a running installation.

Each check reads the configuration the processes run with (settings, the
Redis servers behind CELERY_BROKER_URL and CACHE_URL, STATIC_ROOT, the beat's
heartbeat) and, for the proxy, asks the site itself through SITE_URL: /livez
answers how many X-Forwarded-For addresses and which X-Forwarded-Proto reached
the portal (kitaaman/views.py), which must match NUM_PROXIES. Findings are
written for a Pemda's IT staff, in Indonesian, with what to do.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http.request import split_domain_port, validate_host

from .beat import HEARTBEAT_TTL_SECONDS, heartbeats_read, is_redis_url, redis_client
from .views import FORWARDED_HOPS_HEADER, FORWARDED_PROTO_HEADER

OK, WARNING, ERROR = "OK", "PERINGATAN", "GALAT"
# collectstatic's default ignore patterns.
STATIC_IGNORE = ["CVS", ".*", "*~"]


@dataclass(frozen=True)
class Finding:
    level: str  # OK, WARNING or ERROR
    topic: str
    message: str


@dataclass(frozen=True)
class ProxySeen:
    """What a request through SITE_URL brought to the portal (None: no answer)."""

    hops: int | None
    proto: str = ""
    error: str = ""


def check_debug() -> list[Finding]:
    if settings.DEBUG:
        return [Finding(ERROR, "DEBUG", "DEBUG menyala: halaman galat membuka isi sistem. Setel DEBUG=0.")]
    return [Finding(OK, "DEBUG", "DEBUG mati.")]


def check_secret_key() -> list[Finding]:
    key = settings.SECRET_KEY or ""
    if key.startswith("django-insecure") or key.startswith("GANTI"):
        return [
            Finding(
                ERROR,
                "SECRET_KEY",
                "SECRET_KEY masih kunci pengembangan atau contoh. Buat kunci acak: "
                'python3 -c "import secrets; print(secrets.token_urlsafe(50))".',
            )
        ]
    if len(key) < 50 or len(set(key)) < 5:
        return [Finding(ERROR, "SECRET_KEY", "SECRET_KEY terlalu pendek atau sederhana (minimal 50 karakter acak).")]
    return [Finding(OK, "SECRET_KEY", "SECRET_KEY bukan kunci bawaan.")]


def check_site_url() -> list[Finding]:
    url = urlparse(settings.SITE_URL)
    findings = []
    if url.scheme != "https":
        findings.append(
            Finding(
                ERROR,
                "SITE_URL",
                f"SITE_URL={settings.SITE_URL} bukan https: tautan di e-mail dan API, serta "
                "service worker formulir luring, memerlukan https.",
            )
        )
    host, _port = split_domain_port(url.netloc)
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        findings.append(
            Finding(
                ERROR,
                "SITE_URL",
                f"Nama situs di SITE_URL ({host or '-'}) tidak ada di ALLOWED_HOSTS "
                f"({','.join(settings.ALLOWED_HOSTS)}): portal akan menolak permintaannya (400).",
            )
        )
    return findings or [
        Finding(OK, "SITE_URL", f"SITE_URL {settings.SITE_URL} memakai https dan ada di ALLOWED_HOSTS.")
    ]


def probe_site(site_url: str, timeout: float = 10) -> ProxySeen:
    """GET <SITE_URL>/livez as a visitor would (without X-Forwarded-For of our own)."""
    request = urllib.request.Request(site_url.rstrip("/") + "/livez", headers={"User-Agent": "kitaaman-deploy-check"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            headers = response.headers
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return ProxySeen(None, error=str(getattr(exc, "reason", exc)))
    hops = headers.get(FORWARDED_HOPS_HEADER)
    if hops is None or not hops.isdigit():
        return ProxySeen(None, error=f"jawaban /livez tanpa {FORWARDED_HOPS_HEADER}: apakah ini portal KITA AMAN?")
    return ProxySeen(int(hops), headers.get(FORWARDED_PROTO_HEADER, ""))


def check_proxy(seen: ProxySeen) -> list[Finding]:
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    if seen.hops is None:
        return [
            Finding(
                ERROR,
                "NUM_PROXIES",
                f"{settings.SITE_URL}/livez tidak dapat dibuka ({seen.error}). Periksa nginx, gunicorn "
                "(systemctl status kitaaman-web) dan DNS; NUM_PROXIES tidak dapat diperiksa.",
            )
        ]
    findings = []
    if proxies == 0 and seen.hops > 0:
        findings.append(
            Finding(
                ERROR,
                "NUM_PROXIES",
                f"Ada proxy di depan portal (X-Forwarded-For membawa {seen.hops} alamat) tetapi NUM_PROXIES=0: "
                "semua pengunjung dihitung dengan alamat proxy (batas laju, kunci login, audit). "
                f"Setel NUM_PROXIES={seen.hops}.",
            )
        )
    elif proxies > 0 and seen.hops == 0:
        findings.append(
            Finding(
                ERROR,
                "NUM_PROXIES",
                f"NUM_PROXIES={proxies} tetapi permintaan lewat SITE_URL tiba tanpa X-Forwarded-For: "
                "semua pengunjung dihitung dengan alamat proxy. Tambahkan di nginx "
                "'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;' "
                "(atau NUM_PROXIES=0 bila tidak ada proxy).",
            )
        )
    elif proxies != seen.hops:
        findings.append(
            Finding(
                ERROR,
                "NUM_PROXIES",
                f"NUM_PROXIES={proxies} tetapi X-Forwarded-For membawa {seen.hops} alamat dari proxy: "
                f"setel NUM_PROXIES={seen.hops}"
                + (" (kini alamat yang dikarang pengunjung ikut dipercaya)." if proxies > seen.hops else "."),
            )
        )
    if seen.hops > 0 and urlparse(settings.SITE_URL).scheme == "https" and seen.proto != "https":
        findings.append(
            Finding(
                ERROR,
                "X-Forwarded-Proto",
                f"Proxy mengirim X-Forwarded-Proto '{seen.proto or '-'}', bukan 'https': portal mengira "
                "sambungan tidak aman (pengalihan berulang, cookie aman). Tambahkan "
                "'proxy_set_header X-Forwarded-Proto $scheme;'.",
            )
        )
    return findings or [
        Finding(OK, "NUM_PROXIES", f"NUM_PROXIES={proxies} sesuai dengan {seen.hops} alamat di X-Forwarded-For.")
    ]


def _policy(url: str) -> str:
    return redis_client(url).config_get("maxmemory-policy").get("maxmemory-policy", "")


def check_redis() -> list[Finding]:
    import redis

    findings = []
    if not settings.CELERY_BROKER_URL:
        findings.append(
            Finding(
                ERROR,
                "CELERY_BROKER_URL",
                "CELERY_BROKER_URL kosong: tugas dijalankan di proses web dan beat tidak berguna. "
                "Setel ke Redis, mis. redis://127.0.0.1:6379/0.",
            )
        )
    if not settings.CACHE_URL:
        findings.append(
            Finding(
                WARNING,
                "CACHE_URL",
                "CACHE_URL kosong: batas laju dihitung per proses web, bukan untuk seluruh situs.",
            )
        )
    for name, url in (("CELERY_BROKER_URL", settings.CELERY_BROKER_URL), ("CACHE_URL", settings.CACHE_URL)):
        if not url:
            continue
        if not is_redis_url(url):
            findings.append(Finding(WARNING, name, f"{name} bukan Redis: maxmemory-policy tidak diperiksa."))
            continue
        try:
            policy = _policy(url)
        except redis.ResponseError as exc:
            findings.append(
                Finding(
                    WARNING,
                    name,
                    f"Redis di {name} tidak mengizinkan CONFIG GET ({exc}): periksa sendiri "
                    "bahwa maxmemory-policy adalah noeviction.",
                )
            )
            continue
        except redis.RedisError as exc:
            findings.append(Finding(ERROR, name, f"Redis di {name} tidak menjawab: {exc}."))
            continue
        if policy != "noeviction":
            findings.append(
                Finding(
                    ERROR,
                    name,
                    f"Redis di {name} memakai maxmemory-policy {policy}: saat memori penuh Redis membuang "
                    "kunci (tugas antrean, hitungan batas laju). Setel 'maxmemory-policy noeviction' "
                    "di /etc/redis/redis.conf.",
                )
            )
        else:
            findings.append(Finding(OK, name, f"Redis di {name}: maxmemory-policy noeviction."))
    return findings


def check_static() -> list[Finding]:
    if not settings.STATIC_MANIFEST:
        return [
            Finding(
                WARNING,
                "STATIC_MANIFEST",
                "STATIC_MANIFEST=0: berkas statis tanpa nama ber-hash, tidak dapat disimpan lama oleh peramban.",
            )
        ]
    manifest_path = settings.STATIC_ROOT / "staticfiles.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        return [
            Finding(
                ERROR,
                "collectstatic",
                f"{manifest_path} tidak ada atau rusak: jalankan 'python manage.py collectstatic --noinput'.",
            )
        ]
    collected = set(manifest.get("paths", {}))
    sources = {path for finder in finders.get_finders() for path, _storage in finder.list(STATIC_IGNORE)}
    missing = sorted(sources - collected)
    if missing:
        return [
            Finding(
                ERROR,
                "collectstatic",
                f"{len(missing)} berkas statis belum dikumpulkan (mis. {', '.join(missing[:3])}): "
                "jalankan 'python manage.py collectstatic --noinput' setelah setiap pembaruan.",
            )
        ]
    return [Finding(OK, "collectstatic", f"Berkas statis terkumpul di {settings.STATIC_ROOT}.")]


def check_beat() -> list[Finding]:
    import redis

    url = settings.CELERY_BROKER_URL
    if not url:
        return [Finding(ERROR, "beat", "Tanpa CELERY_BROKER_URL tidak ada Celery beat yang bekerja.")]
    if not is_redis_url(url):
        return [Finding(WARNING, "beat", "Broker bukan Redis: jumlah proses beat tidak dapat diperiksa.")]
    try:
        beats = heartbeats_read(url)
    except redis.RedisError as exc:
        return [Finding(ERROR, "beat", f"Detak beat tidak dapat dibaca dari broker: {exc}.")]
    minutes = HEARTBEAT_TTL_SECONDS // 60
    if not beats:
        return [
            Finding(
                ERROR,
                "beat",
                f"Celery beat tidak berjalan (tidak ada detak dalam {minutes} menit terakhir): pesan tidak "
                "diteruskan dan ringkasan tidak dibuat. Jalankan: systemctl enable --now kitaaman-beat.",
            )
        ]
    if len(beats) > 1:
        return [
            Finding(
                ERROR,
                "beat",
                f"{len(beats)} proses Celery beat berjalan ({', '.join(sorted(beats))}): setiap tugas terjadwal "
                "dikirim berkali-kali. Matikan semua kecuali satu (systemctl disable --now kitaaman-beat "
                "di server lain).",
            )
        ]
    return [Finding(OK, "beat", f"Tepat satu Celery beat berjalan ({next(iter(beats))}).")]


def run_checks(*, site: bool = True, probe=probe_site) -> list[Finding]:
    findings = [*check_debug(), *check_secret_key(), *check_site_url()]
    if site:
        findings += check_proxy(probe(settings.SITE_URL))
    findings += [*check_redis(), *check_static(), *check_beat()]
    return findings
