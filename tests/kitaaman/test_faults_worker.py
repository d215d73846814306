"""A worker process killed while it delivers a report's notifications.

The report alerts several officers; the worker's pool process is killed with
SIGKILL (what the OOM killer does) after the first e-mail went out and while
the second is being sent. The task is acknowledged late and rejected on a
lost worker, so it comes back at once; the recipient already served is
skipped, the one whose send was cut off is sent once its claim has gone
stale, and nobody gets the same alert twice."""

import os
import signal
from collections import Counter

import pytest

from incidents.models import Incident
from kitaaman.models import OutboundMessage, OutboxMessage
from kitaaman.outbox import outbox_relay
from tests.conftest import is_postgres
from tests.factories import PASSWORD, RUPIT
from tests.figures import record
from tests.kitaaman.test_worker_reliability import broker, wait_for, workers  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.redis,
    # Decided at collection: on SQLite's in-memory database the serialized
    # rollback this test needs would reload rows another test left behind.
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (set DATABASE_URL=postgres://...)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STALE_SECONDS = 3


def recipients_of(mail_dir):
    """Recipient of every message the file backend wrote (one 'To:' header each)."""
    found = []
    for path in mail_dir.glob("*"):
        found += [
            line.split(":", 1)[1].strip()
            for line in path.read_text(errors="replace").splitlines()
            if line.startswith("To:")
        ]
    return found


def test_killed_mid_delivery_each_alert_is_sent_once(workers, personas, make_incident):  # noqa: F811
    from incidents.staff.services import staff_user_create

    for n in range(2):  # more officers of Rupit: four recipients in all
        staff_user_create(
            username=f"petugas_rupit_{n}", role="petugas", kecamatan_codes=[RUPIT], password=PASSWORD,
            email=f"rupit{n}@example.test",
        )  # fmt: skip
    worker = workers(
        "a",
        EMAIL_BACKEND="tests.slow_mail.SlowFileBackend",
        KITAAMAN_TEST_MAIL_SECONDS=3,
        OUTBOUND_STALE_CLAIM_SECONDS=STALE_SECONDS,
    )
    incident = make_incident("kebakaran-permukiman")  # high priority: the koordinator and Rupit's officers
    assert outbox_relay() == 1
    deliveries = OutboundMessage.objects.filter(incident_id=incident.pk)

    # One e-mail out, the next one in the middle of being sent: kill the pool process.
    wait_for(
        lambda: deliveries.filter(state="sent").count() == 1 and deliveries.filter(state="sending").exists(),
        40,
        "the first delivery\n" + workers.logs(),
    )
    (child,) = worker.children()
    os.kill(child, signal.SIGKILL)

    wait_for(
        lambda: deliveries.count() == 4 and deliveries.filter(state="sent").count() == 4,
        90,
        "every delivery after the kill\n" + workers.logs(),
    )
    sent_to = Counter(recipients_of(workers.mail_dir))
    assert sorted(sent_to.values()) == [1, 1, 1, 1], sent_to
    assert set(sent_to) == set(deliveries.values_list("recipient", flat=True))
    assert "WorkerLostError" in worker.output()
    attempts = sorted(deliveries.values_list("attempts", flat=True))
    assert attempts[-1] == 2 and attempts.count(1) == 3  # only the cut-off send was claimed twice
    record(
        f"fault worker killed mid-delivery: reports {Incident.objects.count()}, outbox {OutboxMessage.objects.count()}, "
        f"delivery rows {deliveries.count()} (sent {deliveries.filter(state='sent').count()}), "
        f"e-mails written {sum(sent_to.values())} to {len(sent_to)} recipients"
    )
