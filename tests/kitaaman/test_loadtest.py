"""The load-test command counts what it claims: every 201 is a stored report
(lost = 0), realistic reports pass the intake, and the per-address report
limit does not turn the run into 429s (each resident has its own address)."""

import re
import uuid
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from incidents.models import Incident
from kitaaman.loadgen import PhaseResult
from kitaaman.management.commands.loadtest import Command


def figure(pattern, text) -> int:
    match = re.search(pattern, text)
    assert match, text
    return int(match.group(1).replace(".", ""))


@pytest.mark.django_db(transaction=True)
def test_a_short_run_counts_every_accepted_report(live_server, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    out = StringIO()
    call_command(
        "loadtest",
        url=live_server.url,
        duration=2,
        read_duration=0.3,
        concurrency=1,  # one connection: the live server shares one SQLite connection between threads
        allow_sqlite=True,
        seed=7,
        stdout=out,
    )
    text = out.getvalue()
    accepted = figure(r"(\d[\d.]*) dijawab 201", text)
    assert accepted > 0
    assert accepted == Incident.objects.count()
    assert figure(r"hilang = (\d+)", text) == 0
    assert "jawaban lain -; galat -" in text
    reports_row = next(line for line in text.splitlines() if line.startswith("POST /api/v1/reports/"))
    assert reports_row.split()[-3:] == ["0", "0", "0"]  # no 429, no other status, no error
    for name in ("GET /", "GET /api/v1/reports/public.geojson", "GET /masuk/"):
        assert any(line.startswith(name + " ") for line in text.splitlines()), text
    # Realistic reports: several categories and desa, a point for some of them.
    assert Incident.objects.values("category").distinct().count() > 1
    assert Incident.objects.values("desa").distinct().count() > 1
    assert Incident.objects.filter(lat__isnull=False).exists() or accepted < 5


@pytest.mark.django_db
def test_the_lost_check_finds_a_missing_report(make_incident):
    stored = make_incident(client_uuid=uuid.uuid4())
    result = PhaseResult("POST /api/v1/reports/", accepted=[str(stored.client_uuid), str(uuid.uuid4())])
    result.statuses[201] = 2
    command = Command(stdout=StringIO())
    command._lost_check(result, SimpleNamespace(no_lost_check=False))
    text = command.stdout.getvalue()
    assert figure(r"dijawab 201: (\d+)", text) == 1
    assert figure(r"hilang = (\d+)", text) == 1


@pytest.mark.django_db
def test_sqlite_is_refused_without_allow_sqlite(monkeypatch):
    # The embedded default, whichever database this suite runs on.
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("loadtest", duration=1, stdout=StringIO())
