"""The data migration to the one outbound ledger: every row of the two old
tables becomes a ledger row, what was pending stays pending (and is sent by
the task still queued for it), and outbox rows waiting under a stale task
name are renamed."""

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("kitaaman", "0002_notification_delivery"), ("channels", "0001_initial")]
AFTER = [("kitaaman", "0003_outbound_ledger"), ("channels", "0002_outbound_to_ledger")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_rows_move_to_the_ledger_and_pending_stays_pending():
    old = migrate(BEFORE)
    delivery_id, answer_id, sent_answer_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    Delivery = old.get_model("kitaaman", "NotificationDelivery")
    Delivery.objects.create(
        message_id=delivery_id, kind="incident_created", channel="email", recipient="a@x.test", incident_id=7
    )
    Delivery.objects.create(
        message_id=delivery_id, kind="incident_created", channel="sms", recipient="0812", status="sent", attempts=1
    )
    Answer = old.get_model("channels", "OutboundMessage")
    Answer.objects.create(id=answer_id, channel="whatsapp", recipient="+62812", kind="status", text="Kabar")
    Answer.objects.create(id=sent_answer_id, channel="sms", recipient="+62813", text="Balasan", state="sent")
    Outbox = old.get_model("kitaaman", "OutboxMessage")
    Outbox.objects.create(task_name="incidents.tasks_notify.deliver_incident_created", kwargs={"incident_id": 7})
    Outbox.objects.create(task_name="incidents.tasks.sla_sweep", kwargs={}, state="sent")

    new = migrate(AFTER)
    Ledger = new.get_model("kitaaman", "OutboundMessage")
    assert sorted(Ledger.objects.values_list("recipient", "channel", "kind", "state", "incident_id")) == [
        ("+62812", "whatsapp", "status", "pending", None),
        ("+62813", "sms", "reply", "sent", None),
        ("0812", "sms", "incident_created", "sent", None),
        ("a@x.test", "email", "incident_created", "pending", 7),
    ]
    # An answer keeps its id, and is its own batch: the old task's argument finds it.
    answer = Ledger.objects.get(pk=answer_id)
    assert answer.message_id == answer_id and answer.text == "Kabar"
    assert Ledger.objects.filter(message_id=delivery_id).count() == 2
    Outbox = new.get_model("kitaaman", "OutboxMessage")
    assert sorted(Outbox.objects.values_list("task_name", "state")) == [
        ("incidents.notify.tasks.deliver_incident_created", "pending"),
        ("incidents.tasks.sla_sweep", "sent"),  # history stays as it happened
    ]
    migrate(migrate_latest())


def migrate_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.loader.graph.leaf_nodes()
