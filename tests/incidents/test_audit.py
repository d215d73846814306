"""The audit trail: what is recorded, and that nobody can edit it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from incidents import audit
from incidents.models import AuditLog, Incident
from incidents.workflow.services import identity_view_record, incident_assign


@pytest.fixture
def admin_client(personas):
    client = Client()
    client.force_login(personas.admin)
    return client


@pytest.mark.django_db
def test_identity_viewing_is_recorded_only_where_it_matters(personas, make_incident):
    secret = make_incident(anonymous=True)
    open_report = make_incident()
    assert identity_view_record(user=personas.koordinator, incident=secret, ip="10.9.8.7") is not None
    assert identity_view_record(user=personas.koordinator, incident=open_report) is None  # not anonymous
    assert identity_view_record(user=personas.officer_rupit, incident=secret) is None  # not shown to them
    log = AuditLog.objects.get()
    assert (log.action, log.actor, log.incident, log.ip_address) == (
        "incident.identity_viewed",
        personas.koordinator,
        secret,
        "10.9.8.7",
    )
    assert log.data["tracking_code"] == secret.tracking_code


@pytest.mark.django_db
def test_export_record(personas):
    log = audit.export_record(user=personas.koordinator, params={"status": "baru"}, count=12, fmt="csv")
    assert log.action == "incident.export" and log.data == {"params": {"status": "baru"}, "count": 12, "format": "csv"}


@pytest.mark.django_db
def test_audit_log_is_read_only_even_for_superusers(personas, admin_client):
    log = audit.record("auth.login", user=personas.koordinator)
    assert admin_client.get("/admin/incidents/auditlog/").status_code == 200
    assert admin_client.get(f"/admin/incidents/auditlog/{log.pk}/change/").status_code == 200  # view only
    assert admin_client.get("/admin/incidents/auditlog/add/").status_code == 403
    assert admin_client.post(f"/admin/incidents/auditlog/{log.pk}/change/", {"action": "x"}).status_code == 403
    assert admin_client.post(f"/admin/incidents/auditlog/{log.pk}/delete/", {"post": "yes"}).status_code == 403
    response = admin_client.post(
        "/admin/incidents/auditlog/", {"action": "delete_selected", "_selected_action": [log.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert AuditLog.objects.filter(pk=log.pk, action="auth.login").exists()


@pytest.mark.django_db
def test_reports_are_read_only_in_the_admin(personas, admin_client, make_incident):
    incident = make_incident()
    assert admin_client.get(f"/admin/incidents/incident/{incident.pk}/change/").status_code == 200
    assert admin_client.get("/admin/incidents/incident/add/").status_code == 403
    assert admin_client.post(f"/admin/incidents/incident/{incident.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Incident.objects.filter(pk=incident.pk).exists()


@pytest.mark.django_db
def test_admin_masks_anonymous_reporters(personas, admin_client, make_incident):
    secret = make_incident(anonymous=True)
    text = admin_client.get(f"/admin/incidents/incident/{secret.pk}/change/").content.decode()
    assert "081234567890" not in text and "Dirahasiakan" in text
    assert not AuditLog.objects.filter(action="incident.identity_viewed").exists()


@pytest.mark.django_db
def test_admin_changelist_queries_do_not_grow_with_rows(personas, admin_client, make_incident):
    make_incident()
    admin_client.get("/admin/incidents/incident/")  # warm the session and permission caches
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get("/admin/incidents/incident/").status_code == 200
    for _ in range(6):
        incident = make_incident()
        incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get("/admin/incidents/incident/?status=baru&kecamatan=16.13.01")
    assert response.status_code == 200 and incident.tracking_code in response.content.decode()
    assert len(many) <= len(few) + 1
    # the kecamatan filter never loads the boundaries
    assert not any('"incidents_kecamatan"."boundary"' in q["sql"] for q in many.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/incidents/category/",
        "/admin/incidents/category/1/change/",
        "/admin/incidents/agency/",
        "/admin/incidents/holiday/",
        "/admin/incidents/holiday/add/",
        "/admin/incidents/kecamatan/",
        "/admin/incidents/desa/",
        "/admin/incidents/incidentevent/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
    ],
)
def test_admin_pages_open(admin_client, url):
    assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
def test_user_admin_shows_the_staff_profile(personas, admin_client):
    text = admin_client.get(f"/admin/auth/user/{personas.officer_rupit.pk}/change/").content.decode()
    assert "staff_profile-0-kecamatan" in text or "staff_profile-0" in text


@pytest.mark.django_db
def test_category_questions_are_validated(admin_client):
    from incidents.models import Category

    category = Category.objects.get(code="ketertiban-umum")
    data = {
        "code": category.code,
        "name": category.name,
        "name_en": "",
        "group": category.group,
        "description": "",
        "default_priority": 2,
        "active": "on",
        "sort_order": 1,
        "spm_service": "",
        "hazard": "",
        "dibi_code": "",
        "verify_within": 3,
        "verify_unit": "hari_kerja",
        "followup_within": 5,
        "followup_unit": "hari_kerja",
        "response_minutes": "",
        "questions": '[{"code": "a"}]',
    }
    response = admin_client.post(f"/admin/incidents/category/{category.pk}/change/", data)
    assert response.status_code == 200 and "harus memiliki" in response.content.decode()
    data["questions"] = '[{"code": "a", "label": "A", "type": "integer"}]'
    response = admin_client.post(f"/admin/incidents/category/{category.pk}/change/", data)
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.questions == [{"code": "a", "label": "A", "type": "integer"}]


@pytest.mark.django_db
def test_non_superuser_staff_cannot_open_the_admin(personas):
    client = Client()
    client.force_login(personas.koordinator)
    response = client.get("/admin/incidents/auditlog/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_audit_rows_record_the_client_behind_the_proxy(settings, personas, make_incident):
    """Behind one trusted proxy the audit trail names the citizen-facing client
    address the proxy saw, not the proxy; a forged extra hop is ignored."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    secret = make_incident(anonymous=True)
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    client.force_login(personas.koordinator)
    assert client.post(f"/petugas/laporan/{secret.pk}/identitas/").status_code == 200
    response = client.post("/petugas/ekspor/", {"format": "csv", "status": "baru"})
    assert response.status_code == 302
    rows = AuditLog.objects.filter(action__in=["incident.identity_viewed", "incident.export"])
    assert {row.action: row.ip_address for row in rows} == {
        "incident.identity_viewed": "203.0.113.9",
        "incident.export": "203.0.113.9",
    }
