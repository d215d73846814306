"""Real Redis, real worker processes, the test database shared with them.

Each test starts its own `celery worker` subprocesses against Redis db 9 and
the PostgreSQL test database (a worker cannot see SQLite's in-memory test
database), and bounds every wait, so a broken broker fails the test instead
of hanging CI.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from django.conf import settings as django_settings
from django.db import connection

from incidents.models import Incident
from kitaaman.celery import app
from kitaaman.models import OutboundMessage, OutboxMessage
from kitaaman.outbox import outbox_relay
from spm.summaries.models import Summary, SummaryRun
from spm.summaries.periods import WIB
from tests.conftest import missing_service
from tests.kitaaman.test_celery_config import broker_at

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REDIS_DB = int(os.environ.get("KITAAMAN_TEST_REDIS_DB", "9"))
PRIVATE_REDIS_PORT = int(os.environ.get("KITAAMAN_TEST_PRIVATE_REDIS_PORT", "6390"))
VISIBILITY_TIMEOUT = 4


def wait_for(predicate, timeout, what, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _db_url():
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _redis_url(base):
    parsed = urlparse(base)
    return f"redis://{parsed.hostname or '127.0.0.1'}:{parsed.port or 6379}/{REDIS_DB}"


def _flush(url):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError:
        pass
    finally:
        client.close()


class Worker:
    """One `celery worker` node (prefork, one child) in its own process group."""

    def __init__(self, name, env, log_dir):
        self.name = name
        self.log = Path(log_dir) / f"worker-{name}.log"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kitaaman",
                "worker",
                "--pool=prefork",
                "-c",
                "1",
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],  # fmt: skip
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_ready(self, timeout=30):
        wait_for(lambda: "ready." in self.output() or self.proc.poll() is not None, timeout, f"worker {self.name}")
        assert self.proc.poll() is None, f"worker {self.name} exited:\n{self.output()[-3000:]}"

    def children(self):
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill(self):
        """SIGKILL the whole node (main process and pool child): nothing gets acknowledged or rejected."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)


@pytest.fixture
def broker(require_redis, require_postgres):
    url = _redis_url(require_redis)
    _flush(url)
    with broker_at(url):
        yield url
    _flush(url)


@pytest.fixture
def workers(broker, settings, tmp_path):
    """Start worker nodes sharing this test's database, media and mail directory."""
    started = []
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kitaaman.settings",
        "DATABASE_URL": _db_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "SMS_BACKEND": "kitaaman.sms.ConsoleSmsBackend",
        "DB_CONN_MAX_AGE": "0",
        "KITAAMAN_TEST_SUMMARY_DELAY": "0",
    }

    def start(name, *, broker_url=None, wait=True, **extra):
        env = {**base_env, **{k: str(v) for k, v in extra.items()}}
        if broker_url:
            env["CELERY_BROKER_URL"] = env["CELERY_RESULT_BACKEND"] = broker_url
        worker = Worker(name, env, tmp_path)
        started.append(worker)
        if wait:
            worker.wait_ready()
        return worker

    start.mail_dir = mail_dir
    start.logs = lambda: "\n".join(f"--- {w.name}\n{w.output()[-4000:]}" for w in started)
    yield start
    # Idle by now; a warm shutdown would only cost time.
    for worker in started:
        worker.kill()


def _task(name):
    app.loader.import_default_modules()
    return app.tasks[name]


def _sent_mails(mail_dir):
    """Subjects of the messages written by the file-based e-mail backend
    (messages separated by a line of dashes), decoded: a subject with a dash
    or an accent is MIME-encoded and may be folded over several lines."""
    subjects = []
    for path in Path(mail_dir).glob("*"):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                message = message_from_bytes(chunk.strip(), policy=policy.default)
                if message["subject"]:
                    subjects.append(str(message["subject"]))
    return subjects


def test_worker_generates_and_mails_a_summary(workers, personas, make_incident):
    make_incident("ketertiban-umum")  # ordinary priority: no alert in the outbox
    worker = workers("a")
    _task("spm.summaries.tasks.generate_summary").delay("2026-11")
    summary = wait_for(
        lambda: Summary.objects.filter(period_key="2026-11").first(), 30, "the summary\n" + workers.logs()
    )
    assert summary.revision == 1 and summary.pdf and summary.xlsx
    assert summary.pdf.read().startswith(b"%PDF")
    run = SummaryRun.objects.get()
    assert (run.state, run.attempts, run.source) == ("done", 1, "request")
    # The e-mail went into the outbox with the summary; the relay hands it to the
    # worker, which writes the mails to the ledger and publishes their sending.
    assert outbox_relay() == 1
    wait_for(
        lambda: OutboundMessage.objects.filter(kind="summary", state="sent").count() == 2,
        30,
        "the summary e-mails\n" + workers.logs(),
    )
    subjects = [s for s in _sent_mails(workers.mail_dir) if "Ringkasan" in s]
    assert len(subjects) == 2  # tim_efektif and pimpinan, once each
    assert worker.proc.poll() is None


def test_two_beats_and_concurrent_requests_give_one_summary(workers, make_incident):
    make_incident("bencana-banjir")
    pair = [workers(name, wait=False, KITAAMAN_TEST_SUMMARY_DELAY=1) for name in ("a", "b")]
    for worker in pair:
        worker.wait_ready()
    scheduled = _task("spm.summaries.tasks.generate_scheduled_summary")
    run_at = datetime(2026, 12, 1, 7, 0, tzinfo=WIB).isoformat()
    # Two beat processes fire the same schedule.
    scheduled.delay("monthly", run_at)
    scheduled.delay("monthly", run_at)
    wait_for(lambda: SummaryRun.objects.filter(state="done").exists(), 30, "the scheduled run\n" + workers.logs())
    time.sleep(1)  # let the duplicate finish too
    assert list(Summary.objects.values_list("period_key", "revision")) == [("2026-11", 1)]
    assert SummaryRun.objects.count() == 1
    # Two explicit requests at the same moment: both done, one after the other.
    generate = _task("spm.summaries.tasks.generate_summary")
    generate.delay("2026-11")
    generate.delay("2026-11")
    wait_for(
        lambda: Summary.objects.get(period_key="2026-11").revision == 3, 45, "both regenerations\n" + workers.logs()
    )
    assert Summary.objects.count() == 1


def test_worker_killed_mid_task_leaves_no_half_summary_and_another_finishes(workers, make_incident):
    make_incident("bencana-banjir")
    slow = workers("slow", KITAAMAN_TEST_SUMMARY_DELAY=30)
    _task("spm.summaries.tasks.generate_summary").delay("2026-11")
    wait_for(lambda: SummaryRun.objects.filter(state="running").exists(), 20, "the run to start\n" + workers.logs())
    time.sleep(1)  # inside the generation transaction now (figures computed, sleeping before commit)
    slow.kill()
    assert not Summary.objects.exists(), "a killed worker left a summary behind"
    # The unacknowledged task comes back after the visibility timeout; a fresh worker takes it.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    workers("fresh")
    summary = wait_for(
        lambda: Summary.objects.filter(period_key="2026-11").first(), 40, "redelivery\n" + workers.logs()
    )
    run = SummaryRun.objects.get()
    assert (summary.revision, run.state, run.attempts) == (1, "done", 2)


def test_pool_process_killed_is_requeued_by_reject_on_worker_lost(workers, make_incident):
    make_incident("bencana-banjir")
    worker = workers("a", KITAAMAN_TEST_SUMMARY_DELAY=3)
    _task("spm.summaries.tasks.generate_summary").delay("2026-11")
    wait_for(lambda: SummaryRun.objects.filter(state="running").exists(), 20, "the run to start\n" + workers.logs())
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)  # what the OOM killer does
    assert not Summary.objects.exists()
    summary = wait_for(
        lambda: Summary.objects.filter(period_key="2026-11").first(), 40, "the requeued task\n" + workers.logs()
    )
    run = SummaryRun.objects.get()
    assert (summary.revision, run.state, run.attempts) == (1, "done", 2)
    assert "WorkerLostError" in worker.output()


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of our own that the test may stop and start."""
    binary = shutil.which("redis-server")
    if not binary:
        missing_service("needs redis-server")

    class Server:
        proc = None
        url = f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0"

        def start(self):
            self.proc = subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(PRIVATE_REDIS_PORT),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--dir",
                    str(tmp_path),
                ],  # fmt: skip
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            from tests.conftest import redis_available

            wait_for(lambda: redis_available(self.url), 10, "the private redis")

        def stop(self):
            if self.proc and self.proc.poll() is None:
                self.proc.terminate()
                self.proc.wait(timeout=10)

    server = Server()
    server.start()
    yield server
    server.stop()


def test_redis_down_during_a_report_then_back_delivers_exactly_once(
    workers, personas, private_redis, client, require_postgres
):
    with broker_at(private_redis.url):
        workers("a", broker_url=private_redis.url)
        private_redis.stop()
        # A citizen reports a flood (high priority: officers are alerted) while Redis is down.
        started = time.monotonic()
        response = client.post(
            "/api/v1/reports/",
            {
                "category": "bencana-banjir",
                "description": "Air Sungai Rupit meluap, 12 rumah terendam.",
                "desa": "16.13.01.1007",
                "consent": True,
                "reporter_email": "warga@example.test",
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert time.monotonic() - started < 5
        incident = Incident.objects.get(tracking_code=response.json()["tracking_code"])
        message = OutboxMessage.objects.get()
        assert message.task_name == "incidents.notify.tasks.deliver_incident_created"
        # The relay's minute comes while Redis is still down: nothing lost, nothing sent.
        started = time.monotonic()
        assert outbox_relay() == 0
        assert time.monotonic() - started < 15
        message.refresh_from_db()
        assert message.state == "pending" and message.attempts == 1 and message.last_error
        # Redis is back; the worker reconnects, the next relay run delivers.
        private_redis.start()
        OutboxMessage.objects.filter(pk=message.pk).update(available_at=message.created_at)
        assert wait_for(lambda: outbox_relay() == 1, 20, "the relay to publish")
        wait_for(
            lambda: OutboundMessage.objects.filter(incident_id=incident.pk, state="sent").count() == 2,
            40,
            "the alert e-mails\n" + workers.logs(),
        )
        # A second publish of the same message (a relay that died before marking
        # it sent) is recognised by its id and sends nothing more.
        app.send_task(message.task_name, kwargs=message.kwargs, task_id=str(message.id))
        time.sleep(3)
    deliveries = OutboundMessage.objects.filter(incident_id=incident.pk)
    assert sorted(deliveries.values_list("recipient", "state", "attempts")) == [
        ("koordinator@example.test", "sent", 1),
        ("rupit@example.test", "sent", 1),
    ]
    subjects = [s for s in _sent_mails(workers.mail_dir) if "Banjir" in s]
    assert len(subjects) == 2
