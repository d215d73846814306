"""Holidays entered, moved or removed later move the deadlines of open
reports (with an event and the open-due aggregate following); closed reports
keep theirs."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents.models import EventKind, Holiday, IncidentEvent
from incidents.workflow.holidays import holiday_delete, holiday_save
from incidents.workflow.services import incident_transition
from spm.aggregates import IncidentStatState, StatOpenDue

WIB = ZoneInfo("Asia/Jakarta")
WED_30_DEC = datetime(2026, 12, 30, 10, 0, tzinfo=WIB)
NEW_YEAR = date(2027, 1, 1)


def end_of(y, m, d):
    return datetime(y, m, d, 23, 59, 59, tzinfo=WIB)


def open_due(day):
    return sum(StatOpenDue.objects.filter(due_day=day).values_list("n", flat=True))


def deadline_events(incident):
    return IncidentEvent.objects.filter(incident=incident, kind=EventKind.EDIT, data__has_key="holiday")


@pytest.fixture
def report(make_incident):
    """A land conflict (verify in 3 working days) received on Wednesday 30 December 2026."""
    with time_machine.travel(WED_30_DEC, tick=False):
        return make_incident(category="konflik-antarwarga")


@pytest.mark.django_db
def test_new_year_entered_later_moves_the_open_verify_deadline(personas, report):
    assert report.verify_due_at == report.due_at == end_of(2027, 1, 4)  # Thu 31, Fri 1, Mon 4
    assert open_due(date(2027, 1, 4)) == 1
    version = report.version

    with time_machine.travel(WED_30_DEC + timedelta(hours=1), tick=False):
        _holiday, moved = holiday_save(actor=personas.admin, day=NEW_YEAR, name="Tahun Baru Masehi")

    assert moved == 1
    report.refresh_from_db()
    assert report.verify_due_at == report.due_at == end_of(2027, 1, 5)  # Thu 31, Mon 4, Tue 5
    assert report.version == version + 1
    event = deadline_events(report).get()
    assert event.actor == personas.admin and not event.public
    assert "1 Januari 2027" in event.note and "Tahun Baru Masehi" in event.note
    assert event.data["changes"]["due_at"][1].startswith("2027-01-05T23:59:59")
    assert event.data["holiday"] == {"date": "2027-01-01", "name": "Tahun Baru Masehi", "action": "added"}
    # The open-due aggregate follows the due day.
    assert (open_due(date(2027, 1, 4)), open_due(date(2027, 1, 5))) == (0, 1)
    assert IncidentStatState.objects.get(incident_id=report.pk).due_day == date(2027, 1, 5)


@pytest.mark.django_db
def test_removing_the_holiday_moves_the_deadline_back(personas, report):
    holiday, _moved = holiday_save(actor=personas.admin, day=NEW_YEAR, name="Tahun Baru Masehi")
    assert holiday_delete(actor=personas.admin, holiday=holiday) == 1
    report.refresh_from_db()
    assert report.due_at == end_of(2027, 1, 4)
    assert not Holiday.objects.exists()
    assert [e.data["holiday"]["action"] for e in deadline_events(report)] == ["added", "removed"]
    assert (open_due(date(2027, 1, 4)), open_due(date(2027, 1, 5))) == (1, 0)


@pytest.mark.django_db
def test_moving_the_holiday_out_of_the_window_gives_the_day_back(personas, report):
    holiday, _moved = holiday_save(actor=personas.admin, day=NEW_YEAR, name="Cuti bersama")
    _holiday, moved = holiday_save(actor=personas.admin, day=date(2027, 1, 8), name="Cuti bersama", holiday=holiday)
    assert moved == 1
    report.refresh_from_db()
    assert report.due_at == end_of(2027, 1, 4)
    assert deadline_events(report).last().data["holiday"]["previous_date"] == "2027-01-01"
    # Renaming moves nothing.
    assert holiday_save(actor=personas.admin, day=date(2027, 1, 8), name="Libur daerah", holiday=holiday)[1] == 0


@pytest.mark.django_db
def test_a_verified_report_moves_its_follow_up_deadline(personas, report):
    with time_machine.travel(WED_30_DEC + timedelta(hours=2), tick=False):
        incident_transition(incident=report, actor=personas.koordinator, to="diverifikasi", version=report.version)
    assert report.followup_due_at == report.due_at == end_of(2027, 1, 6)  # 31, 1, 4, 5, 6
    holiday_save(actor=personas.admin, day=NEW_YEAR, name="Tahun Baru Masehi")
    report.refresh_from_db()
    assert report.followup_due_at == report.due_at == end_of(2027, 1, 7)
    assert report.verify_due_at == end_of(2027, 1, 5)
    assert (open_due(date(2027, 1, 6)), open_due(date(2027, 1, 7))) == (0, 1)


@pytest.mark.django_db
def test_closed_reports_keep_their_deadlines(personas, report):
    with time_machine.travel(WED_30_DEC + timedelta(hours=2), tick=False):
        incident_transition(
            incident=report, actor=personas.koordinator, to="ditolak", note="Bukan wewenang.", version=report.version
        )
    before = (report.verify_due_at, report.followup_due_at, report.due_at, report.version)
    assert holiday_save(actor=personas.admin, day=NEW_YEAR, name="Tahun Baru Masehi")[1] == 0
    report.refresh_from_db()
    assert (report.verify_due_at, report.followup_due_at, report.due_at, report.version) == before
    assert not deadline_events(report).exists()


@pytest.mark.django_db
def test_deadlines_in_hours_do_not_move(personas, make_incident):
    with time_machine.travel(WED_30_DEC, tick=False):
        flood = make_incident(category="bencana-banjir")  # verify within 1 hour
    due = flood.due_at
    assert holiday_save(actor=personas.admin, day=date(2026, 12, 30), name="Libur daerah")[1] == 0
    flood.refresh_from_db()
    assert flood.due_at == due


@pytest.mark.django_db
def test_an_escalated_report_can_escalate_again_at_its_new_deadline(personas, report):
    with time_machine.travel(datetime(2027, 1, 5, 8, 0, tzinfo=WIB), tick=False):
        from incidents.workflow.escalation import incidents_escalate_overdue

        assert incidents_escalate_overdue() == 1
        holiday_save(actor=personas.admin, day=NEW_YEAR, name="Tahun Baru Masehi")
    report.refresh_from_db()
    assert report.due_at == end_of(2027, 1, 5) and report.escalated_at is None


@pytest.mark.django_db
def test_the_admin_goes_through_the_service(client, personas, report):
    client.force_login(personas.admin)
    response = client.post("/admin/incidents/holiday/add/", {"date": "2027-01-01", "name": "Tahun Baru Masehi"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.due_at == end_of(2027, 1, 5)
    assert deadline_events(report).get().actor == personas.admin

    holiday = Holiday.objects.get()
    response = client.post(f"/admin/incidents/holiday/{holiday.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.due_at == end_of(2027, 1, 4)


@pytest.mark.django_db
def test_a_taken_date_is_refused(personas):
    from django.core.exceptions import ValidationError

    holiday_save(actor=personas.admin, day=NEW_YEAR, name="Tahun Baru Masehi")
    with pytest.raises(ValidationError):
        holiday_save(actor=personas.admin, day=NEW_YEAR, name="Lagi")
