"""/livez (the process answers), /readyz (it can serve: the database; broker and cache named)
and /healthz, the old name of /readyz that existing monitors poll."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from kitaaman import views
from kitaaman.celery import app
from tests.kitaaman.test_celery_config import broker_at

READINESS_URLS = ["/readyz", "/healthz"]


@pytest.fixture(autouse=True)
def fresh_probe_memo():
    views.probes_forget()
    yield
    views.probes_forget()


@pytest.fixture
def database_down():
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("down")):
        yield


@pytest.fixture
def counted_broker_connections():
    """How many broker connections the readiness check opens."""
    opened = []
    real = app.connection_for_write

    def counting(*args, **kwargs):
        opened.append(1)
        return real(*args, **kwargs)

    with mock.patch.object(app, "connection_for_write", side_effect=counting):
        yield opened


def test_livez_answers_without_database_or_broker(client, database_down, counted_broker_connections):
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert counted_broker_connections == []
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_livez_runs_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/livez").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", READINESS_URLS)
def test_ready_reports_database_and_eager_broker(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "eager", "cache": "local"}}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", READINESS_URLS)
def test_ready_names_the_database_when_it_is_down(client, database_down, url):
    response = client.get(url)
    assert response.status_code == 503
    assert response.json()["down"] == ["database"]
    assert response.json()["checks"]["database"] == "down"


@pytest.mark.django_db
@pytest.mark.parametrize("url", READINESS_URLS)
def test_ready_names_the_broker_when_it_is_down(client, settings, url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with broker_at("redis://127.0.0.1:1/0"):
        response = client.get(url)
    # Reports are still saved (the outbox keeps their notifications): degraded, not unready.
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["degraded"] == ["broker"]
    assert response.json()["checks"]["broker"] == "down"
    assert "down" not in response.json()


@pytest.mark.django_db
def test_ready_does_not_reconnect_to_the_broker_on_every_hit(client, settings, counted_broker_connections):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with broker_at("redis://127.0.0.1:1/0"):
        answers = [client.get("/readyz").status_code for _ in range(5)]
        assert answers == [200] * 5
        assert len(counted_broker_connections) == 1
        # Once the remembered answer is old, the broker is asked again.
        with mock.patch.object(views.time, "monotonic", return_value=views.time.monotonic() + 60):
            assert client.get("/readyz").json()["degraded"] == ["broker"]
        assert len(counted_broker_connections) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/livez", "/readyz", "/healthz"])
def test_probes_answer_head_and_refuse_writes(client, url):
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.django_db
def test_unknown_host_is_refused(client):
    response = client.get("/readyz", HTTP_HOST="evil.example")
    assert response.status_code == 400
