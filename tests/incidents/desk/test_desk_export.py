"""Export of the filtered queue: background job, owner-only download, no
identity for those who may not see it, formula injection defused, 2,000 rows."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from incidents.desk import export
from incidents.models import AuditLog, Category, Desa, Incident
from incidents.workflow.services import incident_assign
from kitaaman.models import OutboxMessage
from tests.factories import DESA_NIBUNG

pytestmark = pytest.mark.django_db
EXPORTS = reverse("desk:exports")


def login(client, user):
    client.force_login(user)
    return client


def request_export(client, django_capture_on_commit_callbacks, fmt="csv", **filters):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORTS, {"format": fmt, **filters})
    assert response.status_code == 302
    return client.get(EXPORTS).context["jobs"][0]


def download(client, job):
    response = client.get(reverse("desk:export_download", args=[job["id"]]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def read_csv(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_export_of_the_filtered_queue(client, personas, make_incident, django_capture_on_commit_callbacks):
    rupit = make_incident()
    make_incident(category="bencana-longsor")
    make_incident(desa=DESA_NIBUNG)
    login(client, personas.officer_rupit)
    job = request_export(client, django_capture_on_commit_callbacks, category="bencana-banjir")
    assert job["status"] == "selesai" and job["rows"] == 1
    rows = read_csv(download(client, job))
    assert rows[0][0] == "Kode lacak"
    assert [r[0] for r in rows[1:]] == [rupit.tracking_code]
    assert rows[1][rows[0].index("Nama pelapor")] == "Siti Aminah"
    audit = AuditLog.objects.get(action="incident.export")
    assert audit.actor == personas.officer_rupit and audit.data["filters"] == {"category": "bencana-banjir"}
    # Enqueued through the outbox, never published directly.
    assert OutboxMessage.objects.filter(task_name="incidents.desk.tasks.export_run", state="sent").count() == 1


def test_only_the_requester_may_download(client, personas, make_incident, django_capture_on_commit_callbacks):
    make_incident()
    login(client, personas.koordinator)
    job = request_export(client, django_capture_on_commit_callbacks)
    url = reverse("desk:export_download", args=[job["id"]])
    for who in ("officer_rupit", "pimpinan", "admin"):
        client.logout()
        login(client, getattr(personas, who))
        assert client.get(url).status_code == 404, who
        assert client.get(EXPORTS).context["jobs"] == []
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: login page
    login(client, personas.koordinator)
    assert client.get(reverse("desk:export_download", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


def test_mitra_export_has_no_reporter_contact(client, personas, make_incident, django_capture_on_commit_callbacks):
    incident = make_incident()
    make_incident()  # not assigned: not in the mitra's export
    incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    login(client, personas.mitra_bpbd)
    job = request_export(client, django_capture_on_commit_callbacks, fmt="xlsx")
    data = download(client, job)
    ws = load_workbook(io.BytesIO(data), read_only=True).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert len(values) == 2 and values[1][0] == incident.tracking_code
    flat = " ".join(str(v) for row in values for v in row if v is not None)
    assert "Siti Aminah" not in flat and "081234567890" not in flat and "siti@example.test" not in flat


def test_anonymous_reports_never_carry_identity(client, personas, make_incident, django_capture_on_commit_callbacks):
    make_incident(anonymous=True)
    login(client, personas.koordinator)
    data = download(client, request_export(client, django_capture_on_commit_callbacks))
    assert b"Siti Aminah" not in data and b"081234567890" not in data


def test_formula_injection_is_defused(client, personas, make_incident, django_capture_on_commit_callbacks):
    make_incident(description='=HYPERLINK("http://jahat.example","klik")', title="+62 812", location_detail="@SUM(A1)")
    login(client, personas.koordinator)
    rows = read_csv(download(client, request_export(client, django_capture_on_commit_callbacks)))
    header, row = rows[0], rows[1]
    assert row[header.index("Uraian")].startswith("'=HYPERLINK")
    assert row[header.index("Judul")] == "'+62 812"
    assert row[header.index("Patokan/dusun")] == "'@SUM(A1)"
    data = download(client, request_export(client, django_capture_on_commit_callbacks, fmt="xlsx"))
    ws = load_workbook(io.BytesIO(data)).active
    cells = [c.value for c in ws[2]]
    assert cells[header.index("Uraian")].startswith("'=") and ws.cell(2, header.index("Uraian") + 1).data_type == "s"


def test_bad_filters_create_no_job(client, personas, django_capture_on_commit_callbacks):
    login(client, personas.koordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORTS, {"format": "pdf"})
    assert response.status_code == 302
    assert client.get(EXPORTS).context["jobs"] == []
    assert not AuditLog.objects.filter(action="incident.export").exists()


def test_task_is_idempotent_and_registered(personas, make_incident):
    from kitaaman.celery import app

    assert "incidents.desk.tasks.export_run" in app.tasks
    make_incident()
    job = export.export_request(user=personas.koordinator, params={}, fmt="csv")
    first = export.export_run(job_id=job["id"])
    mtime = export.job_file(first).stat().st_mtime_ns
    again = export.export_run(job_id=job["id"])
    assert again["status"] == "selesai" and export.job_file(again).stat().st_mtime_ns == mtime
    assert export.export_run(job_id="bukan-uuid") is None


def test_waiting_job_can_be_retried(client, personas, make_incident):
    make_incident()
    login(client, personas.koordinator)
    # Enqueued but the relay never ran (broker down): the job waits.
    job = export.export_request(user=personas.koordinator, params={}, fmt="csv")
    assert export.job_read(job["id"])["status"] == "menunggu"
    other = reverse("desk:export_retry", args=[job["id"]])
    client.logout()
    login(client, personas.officer_rupit)
    assert client.post(other).status_code == 404
    client.logout()
    login(client, personas.koordinator)
    assert client.post(other).status_code == 302
    assert OutboxMessage.objects.filter(task_name=export.TASK_NAME).count() == 2
    export.export_run(job_id=job["id"])
    assert export.job_read(job["id"])["status"] == "selesai"


def test_two_thousand_rows(client, personas, django_capture_on_commit_callbacks):
    """Bulk rows (the service per row would take minutes); the export streams them in chunks."""
    from django.utils import timezone

    category = Category.objects.get(code="bencana-banjir")
    desa = Desa.objects.get(code="16.13.01.1007")
    now = timezone.now()
    Incident.objects.bulk_create(
        [
            Incident(
                tracking_code=f"KA-T{i:03d}-{i:05d}"[:13],
                category=category,
                description=f"Laporan {i}",
                desa=desa,
                kecamatan_id=desa.kecamatan_id,
                created_at=now,
                reported_at=now,
                reporter_name="Warga",
            )
            for i in range(2000)
        ]
    )
    login(client, personas.officer_rupit)
    job = request_export(client, django_capture_on_commit_callbacks, fmt="csv")
    assert job["rows"] == 2000
    assert len(read_csv(download(client, job))) == 2001
    job = request_export(client, django_capture_on_commit_callbacks, fmt="xlsx")
    assert job["rows"] == 2000
    ws = load_workbook(io.BytesIO(download(client, job)), read_only=True).active
    assert sum(1 for _ in ws.iter_rows()) == 2001
