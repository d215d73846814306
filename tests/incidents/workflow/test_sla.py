"""Service levels: working days in WIB minus holidays, urgent windows, the
state of a report against its deadline, and the escalation sweep."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from incidents.models import Category, EventKind, Holiday, Incident, SlaUnit, Status
from incidents.workflow import sla
from incidents.workflow.escalation import incidents_escalate_overdue
from incidents.workflow.services import incident_assign, incident_transition
from kitaaman.models import OutboxMessage

WIB = ZoneInfo("Asia/Jakarta")
FRIDAY_16 = datetime(2026, 11, 27, 16, 0, tzinfo=WIB)  # a Friday


def wib(y, m, d, hh=23, mm=59, ss=59):
    return datetime(y, m, d, hh, mm, ss, tzinfo=WIB)


@pytest.mark.django_db
def test_three_working_days_skip_the_weekend_and_a_monday_holiday():
    Holiday.objects.create(date=date(2026, 11, 30), name="Cuti bersama")
    # Tue 1, Wed 2, Thu 3 December
    assert sla.deadline(FRIDAY_16, 3, SlaUnit.WORKING_DAYS) == wib(2026, 12, 3)


@pytest.mark.django_db
def test_without_the_holiday_monday_counts():
    assert sla.deadline(FRIDAY_16, 3, SlaUnit.WORKING_DAYS) == wib(2026, 12, 2)


@pytest.mark.django_db
def test_deadline_is_computed_in_wib_not_utc():
    # 23:30 WIB on Thursday is still Thursday in WIB (16:30 UTC): counting starts Friday.
    late_thursday = datetime(2026, 11, 26, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert sla.deadline(late_thursday, 1, SlaUnit.WORKING_DAYS) == wib(2026, 11, 27)
    # 00:30 WIB Saturday is Friday 17:30 UTC: it is a Saturday report in WIB.
    early_saturday = datetime(2026, 11, 27, 17, 30, tzinfo=ZoneInfo("UTC"))
    assert sla.deadline(early_saturday, 1, SlaUnit.WORKING_DAYS) == wib(2026, 11, 30)


@pytest.mark.django_db
def test_hours_and_minutes_run_through_weekends():
    saturday = datetime(2026, 11, 28, 23, 30, tzinfo=WIB)
    assert sla.deadline(saturday, 1, SlaUnit.HOURS) == saturday + timedelta(hours=1)
    assert sla.deadline(saturday, 15, SlaUnit.MINUTES) == saturday + timedelta(minutes=15)


@pytest.mark.django_db
def test_report_knows_its_due_times(personas, make_incident):
    Holiday.objects.create(date=date(2026, 11, 30), name="Cuti bersama")
    incident = make_incident(category="konflik-antarwarga", reported_at=FRIDAY_16)
    assert incident.verify_due_at == wib(2026, 12, 3)
    assert incident.due_at == incident.verify_due_at
    # urgent categories are seeded in hours/minutes
    flood = make_incident(category="bencana-banjir", reported_at=FRIDAY_16)
    assert flood.verify_due_at == FRIDAY_16 + timedelta(hours=1)
    fire = make_incident(category="kebakaran-permukiman", reported_at=FRIDAY_16)
    assert fire.verify_due_at == FRIDAY_16 + timedelta(minutes=15)


@pytest.mark.django_db
def test_violence_makes_a_conflict_urgent(make_incident):
    incident = make_incident(
        category="konflik-antarwarga",
        reported_at=FRIDAY_16,
        details={"pokok_masalah": "agama-suku-adat", "ada_kekerasan": True},
    )
    assert incident.verify_due_at == FRIDAY_16 + timedelta(hours=1)


@pytest.mark.django_db
def test_follow_up_counts_from_verification(personas, make_incident, monkeypatch):
    Holiday.objects.create(date=date(2026, 12, 4), name="Libur daerah")
    incident = make_incident(category="konflik-antarwarga", reported_at=FRIDAY_16)
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=WIB)
    monkeypatch.setattr("django.utils.timezone.now", lambda: tuesday)
    incident_transition(incident=incident, actor=personas.koordinator, to=Status.DIVERIFIKASI)
    # Wed 2, Thu 3, (Fri 4 holiday), Mon 7, Tue 8, Wed 9
    assert incident.followup_due_at == wib(2026, 12, 9)
    assert incident.due_at == incident.followup_due_at


@pytest.mark.django_db
def test_sla_state(make_incident):
    incident = make_incident(category="konflik-antarwarga", reported_at=FRIDAY_16)
    due = incident.due_at  # Wed 2 Dec 23:59:59 (3 working days); due soon = last 18 hours
    assert sla.sla_state(incident, now=FRIDAY_16) == sla.ON_TIME
    assert sla.sla_state(incident, now=due - timedelta(hours=19)) == sla.ON_TIME
    assert sla.sla_state(incident, now=due - timedelta(hours=17)) == sla.DUE_SOON
    assert sla.sla_state(incident, now=due) == sla.DUE_SOON
    assert sla.sla_state(incident, now=due + timedelta(seconds=1)) == sla.OVERDUE
    fire = make_incident(category="kebakaran-permukiman", reported_at=FRIDAY_16)
    assert sla.sla_state(fire, now=FRIDAY_16 + timedelta(minutes=10)) == sla.ON_TIME
    assert sla.sla_state(fire, now=FRIDAY_16 + timedelta(minutes=12)) == sla.DUE_SOON


@pytest.mark.django_db
def test_closed_report_has_no_sla_state(personas, make_incident):
    incident = make_incident(category="konflik-antarwarga")
    incident_transition(incident=incident, actor=personas.koordinator, to=Status.DITOLAK, note="Bukan laporan")
    assert incident.due_at is None
    assert sla.sla_state(incident) is None


@pytest.mark.django_db
def test_fire_response_time(personas, make_incident):
    from incidents.workflow.services import incident_update

    fire = make_incident(category="kebakaran-permukiman", reported_at=FRIDAY_16)
    incident_update(
        incident=fire, actor=personas.officer_rupit, version=fire.version, arrived_at=FRIDAY_16 + timedelta(minutes=12)
    )
    assert sla.response_minutes(fire) == 12
    assert sla.response_standard_minutes(fire) == 15
    event = fire.events.order_by("-id").first()
    assert event.kind == EventKind.ARRIVED


@pytest.mark.django_db
def test_sweep_escalates_once(personas, make_incident, django_capture_on_commit_callbacks):
    past = FRIDAY_16 - timedelta(days=30)
    overdue = make_incident(category="konflik-antarwarga", reported_at=past)
    fresh = make_incident(category="konflik-antarwarga")
    closed = make_incident(category="konflik-antarwarga", reported_at=past)
    incident_transition(incident=closed, actor=personas.koordinator, to=Status.DITOLAK, note="Palsu")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert incidents_escalate_overdue() == 1
    assert incidents_escalate_overdue() == 0  # idempotent: a second sweep changes nothing
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    assert overdue.escalated_at is not None and fresh.escalated_at is None
    assert overdue.events.filter(kind=EventKind.ESCALATION).count() == 1
    assert overdue.version == 1  # escalation is no edit: a desk holding version 1 may still save
    assert (
        OutboxMessage.objects.filter(
            task_name="incidents.workflow.tasks.send_escalation_notice", kwargs__incident_id=overdue.pk
        ).count()
        == 1
    )
    notices = [m for m in mail.outbox if overdue.tracking_code in m.subject]
    recipients = [address for m in notices for address in m.to]
    assert len(recipients) == len(set(recipients))
    assert "koordinator@example.test" in recipients and "rupit@example.test" in recipients
    assert "nibung@example.test" not in recipients


@pytest.mark.django_db
def test_reopened_report_can_escalate_again(personas, make_incident):
    past = FRIDAY_16 - timedelta(days=60)
    incident = make_incident(category="konflik-antarwarga", reported_at=past)
    assert incidents_escalate_overdue() == 1
    k = personas.koordinator
    incident.refresh_from_db()
    incident_transition(incident=incident, actor=k, to=Status.DIVERIFIKASI)
    assert incident.escalated_at is None  # a new window, a new chance to escalate
    incident_assign(incident=incident, actor=k, agency="bpbd")
    incident_transition(incident=incident, actor=k, to=Status.DITANGANI)
    Incident.objects.filter(pk=incident.pk).update(due_at=past)
    assert incidents_escalate_overdue() == 1


@pytest.mark.django_db
def test_sla_sweep_task_runs_the_sweep(make_incident):
    from incidents.workflow.tasks import sla_sweep

    make_incident(category="konflik-antarwarga", reported_at=FRIDAY_16 - timedelta(days=30))
    sla_sweep.apply()
    assert Incident.objects.filter(escalated_at__isnull=False).count() == 1


def test_beat_runs_the_sweep_every_quarter_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sla-sweep"]
    assert entry["task"] == "incidents.workflow.tasks.sla_sweep"
    assert entry["schedule"].minute == {0, 15, 30, 45}


@pytest.mark.django_db
def test_changing_the_category_moves_the_deadline(personas, make_incident):
    from incidents.workflow.services import incident_update

    incident = make_incident(category="konflik-antarwarga", reported_at=FRIDAY_16)
    incident_update(
        incident=incident, actor=personas.koordinator, version=incident.version, category="bencana-banjir", details={}
    )
    assert incident.verify_due_at == FRIDAY_16 + timedelta(
        hours=Category.objects.get(code="bencana-banjir").verify_within
    )
    assert incident.due_at == incident.verify_due_at


@pytest.mark.django_db
def test_escalation_notice_redelivered_sends_nothing_twice(personas, make_incident, django_capture_on_commit_callbacks):
    from incidents.workflow.tasks import send_escalation_notice

    incident = make_incident(category="konflik-antarwarga", reported_at=FRIDAY_16 - timedelta(days=30))
    assert incidents_escalate_overdue() == 1
    event = incident.events.get(kind=EventKind.ESCALATION)
    mail.outbox.clear()
    kwargs = {"incident_id": incident.pk, "event_id": event.pk}
    with django_capture_on_commit_callbacks(execute=True):
        send_escalation_notice.apply(kwargs=kwargs, task_id="4b1c9a52-0000-4000-8000-000000000001")
    first = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        send_escalation_notice.apply(kwargs=kwargs, task_id="4b1c9a52-0000-4000-8000-000000000001")
    assert first >= 2 and len(mail.outbox) == first
    assert all("0812" not in m.body and "Siti" not in m.body for m in mail.outbox)  # no reporter identity
