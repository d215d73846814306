"""PostgreSQL loses its connections while citizens are sending reports.

Four clients post reports side by side (each its own thread and connection,
through the full request stack) while another connection keeps calling
pg_terminate_backend on every other backend of the test database. Each client
gets 201 or a clear 503, and retries a 503 with the same client_uuid as the
offline queue does. Afterwards the rows equal the reports answered 201/200,
once each, and nothing else was left: no event, photo or outbox message
without its report."""

import threading
import time
import uuid

import psycopg2
import pytest
from django.db import close_old_connections, connection, connections
from django.test import Client

from incidents.models import Incident, IncidentEvent
from kitaaman.models import OutboxMessage
from tests.factories import DESA_RUPIT
from tests.figures import record

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS, REPORTS_EACH, RETRIES = 4, 25, 8


def killer(stop: threading.Event, dsn: dict, kills: list):
    """Terminate every other backend of the test database, again and again."""
    conn = psycopg2.connect(**dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            while not stop.is_set():
                cur.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                kills.append(cur.fetchone()[0])
                time.sleep(0.15)
    finally:
        conn.close()


def sender(index: int, outcomes: list, answers: list):
    client = Client()
    try:
        for n in range(REPORTS_EACH):
            key = str(uuid.uuid4())
            body = {
                "category": "bencana-banjir",
                "description": f"Air naik di dusun {index}-{n}.",
                "desa": DESA_RUPIT,
                "consent": True,
                "client_uuid": key,
            }
            final = None
            for _attempt in range(RETRIES):
                # What Django's request handler does around every request (the
                # test client leaves it out): drop a connection that failed.
                close_old_connections()
                response = client.post(
                    "/api/v1/reports/", body, content_type="application/json", REMOTE_ADDR=f"10.9.{index}.1"
                )
                answers.append(response.status_code)
                if response.status_code == 503:
                    assert response.json()["error"]["code"] == "unavailable"
                    assert int(response["Retry-After"]) > 0
                final = response.status_code
                if final in (200, 201):
                    break
                time.sleep(0.02)
            outcomes.append((key, final))
    finally:
        connections.close_all()


def test_reports_while_connections_are_terminated(require_postgres, settings):
    rates = {scope: "1000000/hour" for scope in ("report_submit", "report_address", "track")}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    db = connection.settings_dict
    dsn = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432}
    if db.get("PASSWORD"):
        dsn["password"] = db["PASSWORD"]
    connection.close()  # this thread's connection would be terminated too

    stop, kills, outcomes, answers = threading.Event(), [], [], []
    storm = threading.Thread(target=killer, args=(stop, dsn, kills))
    storm.start()
    threads = [threading.Thread(target=sender, args=(i, outcomes, answers)) for i in range(CLIENTS)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    finally:
        stop.set()
        storm.join(timeout=30)
    assert len(outcomes) == CLIENTS * REPORTS_EACH, "a client thread failed"
    assert set(answers) <= {200, 201, 503}, sorted(set(answers))

    # Reports still without a 2xx are sent once more, now that the storm is over:
    # 201 if the lost attempt saved nothing, 200 if its commit went through after all.
    client = Client()
    settled = []
    for key, final in outcomes:
        if final not in (200, 201):
            body = {"category": "bencana-banjir", "description": "Air naik.", "desa": DESA_RUPIT}
            response = client.post(
                "/api/v1/reports/", {**body, "consent": True, "client_uuid": key}, content_type="application/json"
            )
            assert response.status_code in (200, 201)
            final = response.status_code
        settled.append((key, final))

    connection.close()
    rows = Incident.objects.count()
    ok_answers = sum(1 for _key, final in settled if final in (200, 201))
    assert rows == ok_answers == CLIENTS * REPORTS_EACH
    assert Incident.objects.filter(client_uuid__in=[k for k, _ in settled]).count() == rows
    # One creation event and one outbox message per report: no half-saved report, none twice.
    assert IncidentEvent.objects.filter(kind="created").count() == rows
    assert OutboxMessage.objects.count() == Incident.objects.filter(priority__gte=3).count()
    terminated = sum(kills)
    unavailable = answers.count(503)
    assert terminated > 0 and unavailable > 0, "the storm never hit a request"
    record(
        f"fault postgres terminate: {len(answers)} requests, {answers.count(201)} x 201, {answers.count(200)} x 200, "
        f"{unavailable} x 503, {terminated} backends terminated; rows {rows} = reports answered 2xx {ok_answers}"
    )
