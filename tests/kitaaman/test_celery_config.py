"""The Celery app: settings reach it, the beat schedule is what the Tim Efektif
was promised, and a hung broker fails a publish in seconds."""

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings

from kitaaman.celery import app
from spm.summaries.periods import WIB, intended_run, period_for_run


@contextmanager
def broker_at(url):
    """Point the app's publisher at another broker for the duration.

    Celery reads the CELERY_BROKER_URL environment variable before its own
    configuration (CI sets it), so it is lifted for the duration too."""
    old = app.conf.broker_url, app.conf.task_always_eager
    old_env = os.environ.pop("CELERY_BROKER_URL", None)
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        if old_env is not None:
            os.environ["CELERY_BROKER_URL"] = old_env
        app.conf.broker_url, app.conf.task_always_eager = old
        app._pool = None
        app.amqp._producer_pool = None


def test_socket_timeouts_reach_the_app():
    options = app.conf.broker_transport_options
    assert 0 < options["socket_connect_timeout"] <= 5
    assert 0 < options["socket_timeout"] <= 10
    assert options["visibility_timeout"] >= 3600 or os.environ.get("CELERY_VISIBILITY_TIMEOUT")
    assert app.conf.result_backend_transport_options["socket_timeout"] == options["socket_timeout"]
    assert app.conf.redis_socket_timeout == options["socket_timeout"]
    assert app.conf.timezone == "Asia/Jakarta"
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_eager_without_a_broker_and_not_with_one():
    code = "import django; django.setup(); from kitaaman.celery import app; print(app.conf.task_always_eager)"
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")}
    env["DJANGO_SETTINGS_MODULE"] = "kitaaman.settings"
    cwd = settings.BASE_DIR
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "True"
    env["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/9"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_tasks_are_registered_and_reliable():
    app.loader.import_default_modules()
    for name in (
        "spm.summaries.tasks.generate_scheduled_summary",
        "spm.summaries.tasks.generate_summary",
        "spm.summaries.tasks.send_summary",
        "incidents.notify.tasks.deliver_incident_created",
        "incidents.notify.tasks.deliver_assignment",
        "incidents.notify.tasks.deliver_status_change",
        "kitaaman.tasks.send_outbound",
    ):
        task = app.tasks[name]
        assert task.acks_late and task.reject_on_worker_lost, name
        assert 0 < task.max_retries <= 10, name
    assert "kitaaman.tasks.outbox_relay" in app.tasks
    assert "incidents.workflow.tasks.sla_sweep" in app.tasks


def _fields(schedule: crontab):
    return schedule.minute, schedule.hour, schedule.day_of_week, schedule.day_of_month, schedule.month_of_year


def test_beat_schedule_entries_in_wib():
    beat = app.conf.beat_schedule
    assert set(beat) >= {"outbox-relay", "sla-sweep", "summary-weekly", "summary-monthly", "summary-quarterly"}
    assert beat["outbox-relay"]["task"] == "kitaaman.tasks.outbox_relay"
    assert beat["outbox-relay"]["schedule"] == 60.0
    assert beat["sla-sweep"]["task"] == "incidents.workflow.tasks.sla_sweep"
    assert beat["sla-sweep"]["schedule"].minute == {0, 15, 30, 45}
    all_days, all_months = set(range(1, 32)), set(range(1, 13))
    weekly, monthly, quarterly = (beat[f"summary-{k}"] for k in ("weekly", "monthly", "quarterly"))
    for entry, kind in ((weekly, "weekly"), (monthly, "monthly"), (quarterly, "quarterly")):
        assert entry["task"] == "spm.summaries.tasks.generate_scheduled_summary"
        assert tuple(entry["args"]) == (kind,)
    assert _fields(weekly["schedule"]) == ({0}, {7}, {1}, all_days, all_months)  # Monday 07:00
    assert _fields(monthly["schedule"]) == ({0}, {7}, set(range(7)), {1}, all_months)  # the 1st, 07:00
    assert _fields(quarterly["schedule"]) == ({0}, {7}, set(range(7)), {5}, {1, 4, 7, 10})  # 5th after a quarter
    # Crontabs are read in the app's time zone: WIB.
    assert str(weekly["schedule"].tz) in ("Asia/Jakarta", str(WIB))


def _fires(schedule: crontab, moment: datetime) -> bool:
    m = moment.astimezone(WIB)
    return (
        m.minute in schedule.minute
        and m.hour in schedule.hour
        and m.isoweekday() % 7 in schedule.day_of_week
        and m.day in schedule.day_of_month
        and m.month in schedule.month_of_year
    )


@pytest.mark.parametrize("kind", ["weekly", "monthly", "quarterly"])
@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 11, 27, 21, 30, tzinfo=WIB),
        datetime(2027, 1, 5, 7, 0, tzinfo=WIB),
        datetime(2027, 1, 5, 6, 59, tzinfo=WIB),
        datetime(2026, 12, 1, 0, 30, tzinfo=WIB),
        datetime(2026, 11, 30, 7, 20, tzinfo=WIB),
    ],
)
def test_intended_run_is_the_crontabs_last_fire_time(kind, now):
    schedule = app.conf.beat_schedule[f"summary-{kind}"]["schedule"]
    run = intended_run(kind, now)
    assert run <= now and _fires(schedule, run)
    probe = run + timedelta(hours=1)
    while probe <= now:
        assert not _fires(schedule, probe), probe
        probe += timedelta(hours=1)


def test_late_or_duplicate_beat_names_the_same_period():
    on_time = datetime(2026, 12, 1, 7, 0, 0, tzinfo=WIB)
    for late in (on_time, on_time + timedelta(seconds=3), on_time + timedelta(hours=5)):
        run = intended_run("monthly", late)
        assert run == on_time
        assert period_for_run("monthly", run).key == "2026-11"
    assert period_for_run("weekly", intended_run("weekly", datetime(2026, 11, 30, 7, 1, tzinfo=WIB))).key == "2026-W48"
    assert period_for_run("quarterly", intended_run("quarterly", datetime(2027, 1, 5, 8, tzinfo=WIB))).key == "2026-Q4"
    # Before the 5th, the quarterly package still belongs to the previous run.
    assert period_for_run("quarterly", intended_run("quarterly", datetime(2027, 1, 4, 8, tzinfo=WIB))).key == "2026-Q3"


@pytest.fixture
def silent_server():
    """A 'Redis' that accepts connections and never answers."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []

    def accept():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            accepted.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()
    for conn in accepted:
        conn.close()


def test_publish_to_a_hung_broker_fails_in_seconds(silent_server):
    from kombu.exceptions import OperationalError

    port, accepted = silent_server
    app.loader.import_default_modules()
    task = app.tasks["kitaaman.tasks.outbox_relay"]
    with broker_at(f"redis://127.0.0.1:{port}/0"):
        started = time.monotonic()
        with pytest.raises(OperationalError):
            task.delay()
        elapsed = time.monotonic() - started
    assert accepted, "the publisher never reached the silent server"
    assert elapsed < 15, f"publish blocked for {elapsed:.1f} s"


def test_publish_to_a_refused_port_fails_fast():
    from kombu.exceptions import OperationalError

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    app.loader.import_default_modules()
    with broker_at(f"redis://127.0.0.1:{port}/0"):
        started = time.monotonic()
        with pytest.raises(OperationalError):
            app.tasks["kitaaman.tasks.outbox_relay"].delay()
        assert time.monotonic() - started < 10
