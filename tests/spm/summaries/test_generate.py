import io
import shutil
import subprocess
import threading
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from incidents.models import Incident, Status
from kitaaman.models import OutboundMessage, OutboxMessage
from spm.rollup import rebuild_stats
from spm.summaries.models import Summary, SummaryRun
from spm.summaries.periods import WIB
from spm.summaries.render import XLSX_SHEETS
from spm.summaries.services import SummaryBusy, summary_generate, summary_run, summary_send
from tests.conftest import missing_service
from tests.factories import DESA_NIBUNG, DESA_RUPIT

NOV = "2026-11"
IN_NOV = datetime(2026, 11, 10, 9, 0, tzinfo=WIB)


def _at(incident, when, **fields):
    """Move a report into the period under test (the factory stamps now())."""
    Incident.objects.filter(pk=incident.pk).update(created_at=when, reported_at=when, **fields)
    incident.refresh_from_db()
    return incident


@pytest.fixture
def november(make_incident):
    flood = _at(
        make_incident("bencana-banjir", desa=DESA_RUPIT, details={"mengungsi": 120, "meninggal": 0}),
        IN_NOV,
        verified_at=IN_NOV + timedelta(minutes=30),
        status=Status.DIVERIFIKASI,
    )
    fire = _at(
        make_incident("kebakaran-permukiman", desa=DESA_NIBUNG),
        IN_NOV + timedelta(days=1),
        arrived_at=IN_NOV + timedelta(days=1, minutes=12),
    )
    clash = _at(
        make_incident(
            "konflik-perusahaan",
            desa=DESA_NIBUNG,
            details={
                "pokok_masalah": "tanah-sumber-daya",
                "sumber_konflik": "sumber-daya-alam",
                "perusahaan": "PT Sawit Contoh",
                "ada_kekerasan": True,
            },
        ),
        IN_NOV + timedelta(days=2),
        verify_due_at=IN_NOV + timedelta(days=2, hours=1),
        due_at=IN_NOV + timedelta(days=2, hours=1),
    )
    quiet = _at(make_incident("ketertiban-umum", desa=DESA_RUPIT), IN_NOV + timedelta(days=3))
    # Outside the period: never counted.
    _at(make_incident("bencana-banjir", desa=DESA_RUPIT), datetime(2026, 10, 31, 23, 0, tzinfo=WIB))
    rebuild_stats()  # the reports were moved with .update(), past the change hook
    return {"flood": flood, "fire": fire, "clash": clash, "quiet": quiet}


@pytest.mark.django_db
def test_generate_computes_the_period_figures(november):
    summary = summary_generate(period_key=NOV, now=datetime(2026, 12, 1, 7, 0, tzinfo=WIB))
    f = summary.figures
    assert (summary.kind, summary.period_key, summary.revision) == ("monthly", NOV, 1)
    assert str(summary.start_date) == "2026-11-01" and str(summary.end_date) == "2026-11-30"
    assert summary.provisional is False
    assert f["totals"]["reports"] == 4
    by_kec = {row["code"]: row["count"] for row in f["by_kecamatan"]}
    assert by_kec["16.13.01"] == 2 and by_kec["16.13.03"] == 2 and by_kec["16.13.07"] == 0
    by_cat = {row["code"]: row["count"] for row in f["by_category"]}
    assert by_cat == {"bencana-banjir": 1, "kebakaran-permukiman": 1, "konflik-perusahaan": 1, "ketertiban-umum": 1}
    by_status = {row["code"]: row["count"] for row in f["by_status"]}
    assert by_status["diverifikasi"] == 1 and by_status["baru"] == 3
    # Fire: on scene after 12 minutes, within the 15-minute standard.
    fire = f["fire_response"]
    assert fire["count"] == 1 and fire["with_arrival"] == 1 and fire["within_standard"] == 1
    assert fire["median_minutes"] == 12.0
    # Notable: violence and 120 displaced; the quiet report is not.
    reasons = {item["id"]: item["reasons"] for item in f["notable"]}
    assert reasons[november["clash"].pk] == ["Terjadi kekerasan"]
    assert reasons[november["flood"].pk] == ["120 warga mengungsi"]
    assert november["quiet"].pk not in reasons
    # The clash passed its due time and is still open.
    assert november["clash"].pk in [item["id"] for item in f["overdue"]["items"]]
    # The flood was verified within its 1-hour limit.
    assert f["service_levels"]["verify"]["on_time"] >= 1
    assert {s["code"] for s in f["services"]} >= {"tibum", "kebakaran"}
    assert summary.pdf.name.startswith("ringkasan/monthly/2026-11-r1-")
    assert summary.xlsx.name.endswith(".xlsx")


@pytest.mark.django_db
def test_current_period_is_provisional(make_incident):
    summary = summary_generate(period_key=NOV, now=datetime(2026, 11, 20, 12, 0, tzinfo=WIB))
    assert summary.provisional is True
    assert summary.figures["provisional"] is True


@pytest.mark.django_db
def test_generating_again_bumps_the_revision_of_the_one_row(november, django_capture_on_commit_callbacks):
    first = summary_generate(period_key=NOV)
    old_pdf = first.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        second = summary_generate(period_key=NOV)
    assert second.pk == first.pk
    assert second.revision == 2
    assert Summary.objects.filter(kind="monthly", period_key=NOV).count() == 1
    # The replaced files are removed once the new revision is committed.
    assert not first.pdf.storage.exists(old_pdf)
    assert second.pdf.storage.exists(second.pdf.name)


@pytest.mark.django_db
def test_a_failure_mid_generation_leaves_the_previous_revision(november, monkeypatch):
    first = summary_generate(period_key=NOV)

    def broken(summary):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr("spm.summaries.services.render_xlsx", broken)
    with pytest.raises(RuntimeError):
        summary_generate(period_key=NOV)
    first.refresh_from_db()
    assert first.revision == 1
    assert first.pdf.storage.exists(first.pdf.name)


@pytest.mark.django_db
def test_pdf_opens_and_shows_the_figures(november, screenshot_dir, settings):
    if not shutil.which("pdftoppm"):
        pytest.skip("needs pdftoppm (apt-get install poppler-utils)")
    summary = summary_generate(period_key=NOV, now=datetime(2026, 12, 1, 7, 0, tzinfo=WIB))
    data = summary.pdf.read()
    assert data.startswith(b"%PDF")
    pdf_path = screenshot_dir / "summary-2026-11.pdf"
    pdf_path.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf_path), str(screenshot_dir / "summary-pdf")],
        check=True,
        timeout=60,
    )
    assert list(screenshot_dir.glob("summary-pdf*.png"))
    if not shutil.which("pdftotext"):
        missing_service("needs pdftotext (apt-get install poppler-utils)")
    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, timeout=60).stdout
    assert "November 2026" in text
    assert "Capaian SPM per layanan" in text
    assert "Muara Rupit" in text  # the overdue/notable lists name the desa
    assert "120 warga mengungsi" in text


@pytest.mark.django_db
def test_xlsx_opens_with_the_expected_sheets(november):
    summary = summary_generate(period_key=NOV)
    wb = load_workbook(io.BytesIO(summary.xlsx.read()))
    assert wb.sheetnames == XLSX_SHEETS
    kec = {row[0]: row[2] for row in wb["Kecamatan"].iter_rows(min_row=2, values_only=True)}
    assert kec["16.13.01"] == 2
    assert wb["Ringkasan"]["B4"].value == NOV


@pytest.mark.django_db
def test_scheduled_run_twice_gives_one_summary_and_one_run(november):
    run_at = datetime(2026, 12, 1, 7, 0, tzinfo=WIB)
    first = summary_run(kind="monthly", period_key=NOV, scheduled_for=run_at, task_id="beat-a")
    # A second beat process fires the same schedule.
    second = summary_run(kind="monthly", period_key=NOV, scheduled_for=run_at, task_id="beat-b")
    assert first is not None and second is None
    assert Summary.objects.get().revision == 1
    run = SummaryRun.objects.get()
    assert (run.state, run.attempts, run.revision) == ("done", 1, 1)


@pytest.mark.django_db
def test_redelivered_task_reclaims_its_own_run(november):
    run_at = datetime(2026, 12, 1, 7, 0, tzinfo=WIB)
    run = SummaryRun.objects.create(
        kind="monthly", period_key=NOV, scheduled_for=run_at, state="running", task_id="t-1", attempts=1,
        started_at=timezone.now(),
    )  # fmt: skip
    # Another beat's task may not take it while it is running...
    assert summary_run(kind="monthly", period_key=NOV, scheduled_for=run_at, task_id="t-2") is None
    # ...but the same task, redelivered after its worker died, may.
    summary = summary_run(kind="monthly", period_key=NOV, scheduled_for=run_at, task_id="t-1")
    run.refresh_from_db()
    assert summary.revision == 1 and run.state == "done" and run.attempts == 2


@pytest.mark.django_db
def test_run_gives_up_after_bounded_attempts(november):
    run_at = datetime(2026, 12, 1, 7, 0, tzinfo=WIB)
    SummaryRun.objects.create(kind="monthly", period_key=NOV, scheduled_for=run_at, state="pending", attempts=5)
    assert summary_run(kind="monthly", period_key=NOV, scheduled_for=run_at, task_id="t") is None
    assert SummaryRun.objects.get().state == "failed"
    assert not Summary.objects.exists()


@pytest.mark.django_db
def test_run_queues_the_mail_through_the_outbox_and_sends_once(november, personas, django_capture_on_commit_callbacks):
    OutboxMessage.objects.all().delete()  # the reports' own alerts are not under test here
    with django_capture_on_commit_callbacks(execute=True):
        summary = summary_run(period_key=NOV, source="command")
    # Eager in tests: the outbox relay ran the send task after commit.
    message = OutboxMessage.objects.get(task_name="spm.summaries.tasks.send_summary")
    assert message.state == "sent"
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == ["asisten1@example.test", "tim@example.test"]
    sent = mail.outbox[0]
    assert sent.attachments[0][0] == f"ringkasan-{NOV}-r1.pdf"
    assert sent.attachments[0][1][:4] == b"%PDF"
    assert "November 2026" in sent.subject
    assert sent.alternatives and "Capaian SPM" in sent.alternatives[0][0]
    # The body leads with what needs a decision, before the figures; overdue says as at when.
    body = sent.body
    assert body.index("PERLU PERHATIAN") < body.index("Laporan masuk")
    assert "laporan melewati batas waktu per 30 November 2026" in body
    assert "Melewati batas waktu (per 30 November 2026)" in body
    html = sent.alternatives[0][0]
    assert html.index("Perlu perhatian") < html.index("Laporan masuk")
    # The same revision again: nothing more is sent.
    mail.outbox.clear()
    summary_send(summary_id=summary.pk, revision=1)
    assert mail.outbox == []
    assert OutboundMessage.objects.filter(kind="summary", state="sent").count() == 2


@pytest.mark.django_db
def test_superseded_revision_is_not_sent(november, personas, django_capture_on_commit_callbacks):
    OutboxMessage.objects.all().delete()  # the reports' own alerts are not under test here
    summary_generate(period_key=NOV)
    summary = summary_generate(period_key=NOV)
    with django_capture_on_commit_callbacks(execute=True):
        assert summary_send(summary_id=summary.pk, revision=1) is None
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        summary_send(summary_id=summary.pk, revision=2)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_mail_of_a_revision_superseded_before_it_went_out_is_not_sent(
    november, personas, django_capture_on_commit_callbacks
):
    """Its ledger rows were written, but the next revision replaced the PDF
    they attach: they fail instead of sending an outdated summary."""
    from kitaaman.outbound import outbound_send
    from spm.summaries.services import summary_message_id

    summary = summary_generate(period_key=NOV)
    assert summary_send(summary_id=summary.pk, revision=1) == 2  # written, not sent yet (no commit)
    with django_capture_on_commit_callbacks(execute=True):
        summary_generate(period_key=NOV)  # the old PDF goes once the new revision commits
    counts = outbound_send(message_id=summary_message_id(summary.pk, 1))
    assert (counts["sent"], counts["failed"]) == (0, 2)
    assert mail.outbox == []


@pytest.mark.django_db
def test_transient_smtp_error_is_retried_for_the_failed_recipient_only(
    november, personas, monkeypatch, django_capture_on_commit_callbacks
):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    from kitaaman.outbound import TASK_SEND_OUTBOUND, outbound_send
    from spm.summaries.services import summary_message_id

    OutboxMessage.objects.all().delete()  # the reports' own alerts are not under test here
    summary = summary_generate(period_key=NOV)
    real = EmailBackend.send_messages
    calls = {"n": 0}

    def flaky(self, messages):
        calls["n"] += 1
        if messages[0].to == ["tim@example.test"] and calls["n"] <= 2:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        summary_send(summary_id=summary.pk, revision=1)
    assert [m.to[0] for m in mail.outbox] == ["asisten1@example.test"]
    row = OutboundMessage.objects.get(recipient="tim@example.test")
    assert row.state == "pending" and "SMTPServerDisconnected" in row.last_error
    # Eagerly the outbox keeps the sending task for its next run.
    assert OutboxMessage.objects.get(task_name=TASK_SEND_OUTBOUND).state == "pending"
    # The retry sends only to the recipient still pending.
    outbound_send(message_id=summary_message_id(summary.pk, 1))
    assert sorted(m.to[0] for m in mail.outbox) == ["asisten1@example.test", "tim@example.test"]
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)


@pytest.mark.django_db
def test_bad_period_is_refused_clearly():
    from spm.summaries.periods import PeriodError

    for bad in ("2026-13", "2026-W54", "2026-Q5", "november", ""):
        with pytest.raises(PeriodError):
            summary_generate(period_key=bad)
    assert not Summary.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_generation_gives_one_row_and_a_higher_revision(require_postgres, make_incident, settings):
    """Two processes generating the same period at once: one waits or is told
    the period is busy (retried by the task), never a second row."""
    settings.KITAAMAN_TEST_SUMMARY_DELAY = 1.5
    outcomes, barrier = [], threading.Barrier(2)

    def generate():
        barrier.wait()
        try:
            outcomes.append(summary_generate(period_key=NOV).revision)
        except SummaryBusy:
            outcomes.append("busy")
        finally:
            connection.close()

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes, key=str) == [1, "busy"]
    settings.KITAAMAN_TEST_SUMMARY_DELAY = 0
    # The retry after the busy answer.
    assert summary_generate(period_key=NOV).revision == 2
    assert Summary.objects.filter(period_key=NOV).count() == 1


@pytest.mark.django_db
def test_beat_task_names_the_period_from_the_schedule_not_the_clock(november):
    import time_machine

    from kitaaman.celery import app

    app.loader.import_default_modules()
    task = app.tasks["spm.summaries.tasks.generate_scheduled_summary"]
    # Beat fired at 07:00 on 1 December; the worker got to it a little late.
    with time_machine.travel(datetime(2026, 12, 1, 7, 4, tzinfo=WIB), tick=False):
        task.apply(args=("monthly",), task_id="beat-1", throw=True)
    # A second beat process fires the same schedule hours later.
    with time_machine.travel(datetime(2026, 12, 1, 11, 0, tzinfo=WIB), tick=False):
        task.apply(args=("monthly",), task_id="beat-2", throw=True)
    summary = Summary.objects.get()
    assert (summary.period_key, summary.revision, summary.provisional) == (NOV, 1, False)
    run = SummaryRun.objects.get()
    assert run.scheduled_for == datetime(2026, 12, 1, 7, 0, tzinfo=WIB)
    assert (run.state, run.attempts, run.task_id) == ("done", 1, "beat-1")
