"""Partner keys: issued by the command or the admin, shown once, stored as a
digest, revocable, audited; the admin is for admins only."""

import hashlib
import re
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command

from incidents.models import AuditLog, Incident
from incidents.open311.models import PartnerApplication, PartnerKey

pytestmark = pytest.mark.django_db

KEY = re.compile(r"^ka311_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$")


def run(*args) -> list[str]:
    out = StringIO()
    call_command("open311_key", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def submit(client, raw):
    data = {
        "api_key": raw,
        "service_code": "bencana-longsor",
        "address_string": "Muara Rupit",
        "description": "Tebing longsor menutup jalan.",
    }
    return client.post("/open311/v2/requests.json", urlencode(data), content_type="application/x-www-form-urlencoded")


def test_create_prints_the_key_last_and_stores_only_its_digest(client):
    lines = run("create", "Portal Provinsi")
    raw = lines[-1]
    assert KEY.match(raw)
    application = PartnerApplication.objects.get(name="Portal Provinsi")
    key = PartnerKey.objects.get(application=application)
    assert key.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(list(PartnerKey.objects.values())) and raw not in str(list(AuditLog.objects.values()))
    assert raw[6:18] == key.prefix and key.prefix in lines[0]
    assert submit(client, raw).status_code == 201
    key.refresh_from_db()
    assert key.last_used_at is not None
    assert list(AuditLog.objects.order_by("id").values_list("action", flat=True))[:2] == [
        "open311.application_created",
        "open311.key_created",
    ]


def test_a_second_key_for_the_same_application_and_revoke_all(client):
    first = run("create", "Portal Provinsi")[-1]
    second = run("create", "portal provinsi")[-1]  # same application, any case
    assert first != second and PartnerApplication.objects.count() == 1
    assert submit(client, first).status_code == 201
    lines = run("revoke", "Portal Provinsi")
    assert "2" in lines[-1]
    for raw in (first, second):
        assert submit(client, raw).status_code == 403
    assert Incident.objects.count() == 1
    revoked = AuditLog.objects.get(action="open311.key_revoked")
    assert revoked.data["count"] == 2 and len(revoked.data["prefixes"]) == 2


def test_command_errors_are_clear():
    with pytest.raises(CommandError, match="tidak terdaftar"):
        run("revoke", "Tidak Ada")
    with pytest.raises(CommandError, match="Nama aplikasi wajib diisi"):
        run("create", "   ")
    PartnerApplication.objects.create(name="Nonaktif", active=False)
    with pytest.raises(CommandError, match="nonaktif"):
        run("create", "Nonaktif")


def test_deactivating_the_application_stops_its_keys(client):
    raw = run("create", "Aplikasi Perusahaan")[-1]
    PartnerApplication.objects.filter(name="Aplikasi Perusahaan").update(active=False)
    response = submit(client, raw)
    assert response.status_code == 403
    assert AuditLog.objects.filter(action="open311.key_refused", data__reason="application_inactive").exists()


def test_admin_issues_a_key_once_and_revokes(client, personas):
    application = PartnerApplication.objects.create(name="Pusat Komando Provinsi")
    client.force_login(personas.admin)
    changelist = "/admin/incidents/partnerapplication/"
    assert client.get(changelist).status_code == 200
    response = client.post(changelist, {"action": "issue_key", "_selected_action": [application.pk]})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    raw = re.search(r'<code class="open311-key">([^<]+)</code>', response.content.decode()).group(1)
    assert KEY.match(raw) and submit(client, raw).status_code == 201
    # The change page lists the key by prefix only.
    detail = client.get(f"{changelist}{application.pk}/change/").content.decode()
    assert raw[6:18] in detail and raw not in detail
    assert client.get("/admin/incidents/partnerkey/").status_code == 200
    client.post(changelist, {"action": "revoke_keys", "_selected_action": [application.pk]})
    assert submit(client, raw).status_code == 403
    entry = AuditLog.objects.get(action="open311.key_revoked")
    assert entry.actor == personas.admin


def test_admin_revokes_one_key(client, personas):
    lines_a, lines_b = run("create", "Aplikasi A")[-1], run("create", "Aplikasi A")[-1]
    client.force_login(personas.admin)
    key = PartnerKey.objects.get(prefix=lines_a[6:18])
    client.post("/admin/incidents/partnerkey/", {"action": "revoke", "_selected_action": [key.pk]})
    assert submit(client, lines_a).status_code == 403
    assert submit(client, lines_b).status_code == 201


@pytest.mark.parametrize("who", ["officer_rupit", "koordinator", "tim_efektif", "pimpinan", "mitra_bpbd"])
def test_only_admins_reach_the_partner_admin(client, personas, who):
    client.force_login(getattr(personas, who))
    for url in ("/admin/incidents/partnerapplication/", "/admin/incidents/partnerkey/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
