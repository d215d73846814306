"""The files in deploy/ cannot rot: the systemd units pass `systemd-analyze
verify`, the nginx site passes `nginx -t`, and a real nginx running the site in
front of the portal does what deploy/README.md promises (HTTPS, headers for
NUM_PROXIES=1, cached hashed static files, /sw.js uncached, no media, health
checks over plain HTTP).

The files name the server's paths (/srv/kitaaman/venv, /etc/letsencrypt, ports
80 and 443); the tests check a copy in which only those are replaced."""

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from kitaaman import deploy_check as dc
from kitaaman.views import FORWARDED_HOPS_HEADER, FORWARDED_PROTO_HEADER
from tests.conftest import missing_service

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service")) + sorted((DEPLOY / "systemd").glob("*.timer"))
SITE = DEPLOY / "nginx" / "kitaaman.conf"
DOMAIN = "kitaaman.contoh.go.id"
VENV = "/srv/kitaaman/venv/"


def tool(name):
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if not path:
        missing_service(f"needs {name} (Debian: apt-get install {'systemd' if 'systemd' in name else 'nginx'})")
    return path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# systemd


def unit_copies(folder: Path, venv: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for unit in UNITS:
        copy = folder / unit.name
        copy.write_text(unit.read_text().replace(VENV, venv))
        copies.append(copy)
    return copies


def fake_venv(folder: Path) -> str:
    bin_dir = folder / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("gunicorn", "celery", "python"):
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    return str(folder / "venv") + "/"


def verify(copies):
    return subprocess.run(
        [tool("systemd-analyze"), "verify", "--man=no", *map(str, copies)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_units_pass_systemd_analyze_verify(tmp_path):
    result = verify(unit_copies(tmp_path / "units", fake_venv(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "kitaaman" not in result.stderr, result.stderr  # no warning about our units either


def test_verify_catches_a_unit_whose_program_is_missing(tmp_path):
    result = verify(unit_copies(tmp_path / "units", str(tmp_path / "nowhere") + "/"))
    assert result.returncode != 0
    assert "gunicorn" in result.stderr + result.stdout


@pytest.mark.parametrize("unit", [u for u in UNITS if u.suffix == ".service"], ids=lambda u: u.name)
def test_each_service_runs_hardened_as_the_portal_user(unit):
    text = unit.read_text()
    for line in (
        "User=kitaaman",
        "EnvironmentFile=/etc/kitaaman/kitaaman.env",
        "WorkingDirectory=/srv/kitaaman/app",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "ProtectHome=yes",
        "CapabilityBoundingSet=",
    ):
        assert re.search(rf"^{re.escape(line)}$", text, re.M), f"{unit.name}: {line}"
    assert re.search(rf"^ExecStart=.*{re.escape(VENV)}bin/", text, re.M)


def test_backup_runs_nightly_into_dated_folders_with_the_retention_of_the_environment():
    service = (DEPLOY / "systemd" / "kitaaman-backup.service").read_text()
    timer = (DEPLOY / "systemd" / "kitaaman-backup.timer").read_text()
    assert 'manage.py backup "/srv/cadangan/$$(date +%%F)"' in service
    assert "--keep-days" not in service  # BACKUP_RETENTION_DAYS from the environment file decides
    assert "ReadWritePaths=/srv/cadangan" in service and "UMask=0077" in service
    assert "OnCalendar=*-*-* 01:30:00" in timer and "Persistent=true" in timer


def test_environment_template_lists_the_readme_variables_without_secrets():
    template = (DEPLOY / "kitaaman.env.example").read_text()
    readme = (DEPLOY.parent / "README.md").read_text()
    table = readme.split("### Environment variables", 1)[1].split("\n## ", 1)[0]
    documented = set()
    for row in table.splitlines():
        if row.startswith("| `"):  # the variable column of each row
            documented |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1]))
    tests_only = {"KITAAMAN_REQUIRE_SERVICES", "KITAAMAN_FUZZ_EXAMPLES", "WILAYAH_DATA_DIR"}
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", template, re.M))
    assert documented - tests_only - listed == set()
    assert "SECRET_KEY=GANTI" in template and "NUM_PROXIES=1" in template and "DEBUG=0" in template
    # Every password or token is a placeholder or empty.
    for name, value in re.findall(
        r"^((?!THROTTLE_)[A-Z_]*(?:PASSWORD|SECRET|_TOKEN|SECRET_KEY))=(.*)$", template, re.M
    ):
        assert value == "" or value.startswith("GANTI"), name
    assert re.search(r"^DATABASE_URL=postgres://kitaaman:GANTI-", template, re.M)


# nginx


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    openssl = shutil.which("openssl") or missing_service("needs openssl to make a test certificate")
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={DOMAIN}",
            "-keyout",
            str(folder / "privkey.pem"),
            "-out",
            str(folder / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return folder


def nginx_conf(folder: Path, certificate: Path, *, site: str | None = None, replacements=()) -> Path:
    """A whole nginx.conf in `folder` that includes a copy of the site with test paths."""
    text = site if site is not None else SITE.read_text()
    text = text.replace(f"/etc/letsencrypt/live/{DOMAIN}/", f"{certificate}/").replace("/var/log/nginx/", f"{folder}/")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    (folder / "site.conf").write_text(text)
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"{user}pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\ndaemon off;\nworker_processes 1;\n"
        "events { worker_connections 64; }\n"
        "http {\n  include /etc/nginx/mime.types;\n"
        f"  access_log {folder}/access.log;\n"
        + "".join(
            f"  {kind}_temp_path {folder}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {folder}/site.conf;\n}}\n"
    )
    return conf


def nginx_test(conf: Path):
    return subprocess.run(
        [tool("nginx"), "-t", "-e", str(conf.parent / "error.log"), "-p", str(conf.parent), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_site_passes_nginx_t(tmp_path, certificate):
    result = nginx_test(nginx_conf(tmp_path, certificate))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_t_catches_a_broken_site(tmp_path, certificate):
    broken = SITE.read_text().replace("client_max_body_size 60m;", "client_max_body_size 60 m;")
    assert nginx_test(nginx_conf(tmp_path, certificate, site=broken)).returncode != 0


def test_site_asks_for_what_the_readme_asks():
    text = SITE.read_text()
    assert "client_max_body_size 60m;" in text and "client_body_timeout 60s;" in text
    zones = dict(re.findall(r"zone=(\w+):10m rate=(\d+r/m)", text))
    assert zones == {"kitaaman_kirim": "30r/m", "kitaaman_masuk": "30r/m", "kitaaman_lacak": "60r/m"}
    for path, zone, burst in (
        ("= /lapor/", "kitaaman_kirim", 30),
        ("= /api/v1/reports/", "kitaaman_kirim", 30),
        ("= /masuk/", "kitaaman_masuk", 30),
        ("= /api/v1/auth/token/", "kitaaman_masuk", 30),
        ("^~ /lacak/", "kitaaman_lacak", 60),
        ("^~ /api/v1/reports/track/", "kitaaman_lacak", 60),
    ):
        assert re.search(rf"location {re.escape(path)} \{{\s*limit_req zone={zone} burst={burst} nodelay;", text), path
    # Only POST counts on the report endpoints.
    assert re.search(r"map \$request_method \$kitaaman_post_addr \{\s*POST\s+\$binary_remote_addr;", text)
    # MEDIA_ROOT is never a document root.
    assert "/srv/kitaaman/media" not in text and re.search(r"location \^~ /media/ \{\s*return 404;", text)


@pytest.fixture(scope="module")
def running_site(tmp_path_factory, certificate, live_server):
    """nginx with the site on free ports, in front of the portal's live server."""
    folder = tmp_path_factory.mktemp("nginx")
    static = folder / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "kitaaman.0123456789ab.css").write_text("body{color:#123}")
    (static / "css" / "kitaaman.css").write_text("body{color:#123}")
    http_port, https_port = free_port(), free_port()
    upstream = live_server.url.split("//", 1)[1]
    conf = nginx_conf(
        folder,
        certificate,
        replacements=(
            ("listen 80;", f"listen 127.0.0.1:{http_port};"),
            ("listen [::]:80;", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
            ("listen [::]:443 ssl http2;", ""),
            ("server 127.0.0.1:8000;", f"server {upstream};"),
            ("/srv/kitaaman/static/", f"{static}/"),
            ("/var/www/letsencrypt", str(folder / "acme")),
        ),
    )
    process = subprocess.Popen(
        [tool("nginx"), "-e", str(folder / "error.log"), "-p", str(folder), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"nginx did not start: {process.stderr.read().decode()}")
                time.sleep(0.05)
        yield {"http": http_port, "https": https_port, "folder": folder}
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def site_host(settings):
    settings.ALLOWED_HOSTS = [DOMAIN, "127.0.0.1"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def unverified_tls():
    """The test certificate is self-signed: encrypt, but check nothing."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def get(port, path, *, tls=True, headers=None):
    if tls:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=20, context=unverified_tls())
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    conn.request("GET", path, headers={"Host": DOMAIN, **(headers or {})})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_plain_http_redirects_to_https_except_health_checks(running_site, site_host):
    response = get(running_site["http"], "/lapor/", tls=False)
    assert response.status == 301 and response.getheader("Location") == f"https://{DOMAIN}/lapor/"
    live = get(running_site["http"], "/livez", tls=False)
    assert live.status == 200 and live.getheader(FORWARDED_HOPS_HEADER) == "1"


def test_portal_behind_the_site_sees_one_proxy_over_https(running_site, site_host, settings):
    response = get(running_site["https"], "/livez", headers={"X-Forwarded-For": "198.51.100.9"})
    # The visitor's own header stays in front; nginx appends the address it saw: NUM_PROXIES=1 picks that.
    assert response.getheader(FORWARDED_HOPS_HEADER) == "2"
    response = get(running_site["https"], "/livez")
    seen = dc.ProxySeen(int(response.getheader(FORWARDED_HOPS_HEADER)), response.getheader(FORWARDED_PROTO_HEADER))
    assert seen == dc.ProxySeen(1, "https")
    settings.SITE_URL = f"https://{DOMAIN}"
    assert [f.level for f in dc.check_proxy(seen)] == [dc.OK]
    # deploy_check's own probe, through the plain-HTTP health check of the same nginx.
    assert dc.probe_site(f"http://127.0.0.1:{running_site['http']}").hops == 1


def test_health_checks_leave_no_access_log_lines(running_site, site_host):
    get(running_site["https"], "/readyz")
    get(running_site["https"], "/lapor/")
    log = (running_site["folder"] / "kitaaman.access.log").read_text()
    assert "GET /lapor/" in log and "/readyz" not in log and "/livez" not in log


def test_hashed_static_files_are_immutable_and_others_short_lived(running_site, site_host):
    hashed = get(running_site["https"], "/static/css/kitaaman.0123456789ab.css")
    assert hashed.status == 200
    assert hashed.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    plain = get(running_site["https"], "/static/css/kitaaman.css")
    assert plain.status == 200 and plain.getheader("Cache-Control") == "max-age=3600"


def test_service_worker_is_proxied_uncached(running_site, site_host):
    response = get(running_site["https"], "/sw.js")
    assert response.status == 200 and "javascript" in response.getheader("Content-Type")
    assert response.getheader("Cache-Control") == "no-cache"


def test_media_store_is_never_served(running_site, site_host, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "laporan").mkdir()
    (tmp_path / "laporan" / "foto.jpg").write_bytes(b"\xff\xd8")
    assert get(running_site["https"], "/media/laporan/foto.jpg").status == 404


def test_report_submissions_beyond_the_burst_are_refused(running_site, site_host):
    conn = http.client.HTTPSConnection("127.0.0.1", running_site["https"], timeout=20, context=unverified_tls())
    statuses = []
    for _ in range(40):
        conn.request(
            "POST", "/api/v1/reports/", body=b"{}", headers={"Host": DOMAIN, "Content-Type": "application/json"}
        )
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
    conn.close()
    assert 429 in statuses and statuses.count(429) <= 40 - 30
    # GETs on the same path do not count.
    assert get(running_site["https"], "/lapor/").status == 200


def environment_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile reads this template (no quotes, # comments)."""
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_portal_starts_with_the_template_and_deploy_check_flags_its_placeholders(tmp_path, require_redis):
    """The template as shipped: Django's deploy checks pass, and deploy_check refuses the
    placeholder key and the collectstatic not yet run, in Indonesian."""
    import sys

    env = {
        # Not the test run's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_URL", "CELERY_", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))
        },
        **environment_file(DEPLOY / "kitaaman.env.example"),
        # The test's own paths and Redis instead of the server's.
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "CELERY_BROKER_URL": require_redis,
        "CACHE_URL": require_redis,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    root = DEPLOY.parent
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    found = subprocess.run(
        [sys.executable, "manage.py", "deploy_check", "--tanpa-situs"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert found.returncode == 1
    assert "GALAT      SECRET_KEY" in found.stdout and "GALAT      collectstatic" in found.stdout
    assert "OK         DEBUG" in found.stdout and "OK         SITE_URL" in found.stdout
