import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_eager_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "eager"}}


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from tests.kitaaman.test_celery_config import broker_at

    with broker_at("redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]


@pytest.mark.django_db
def test_unknown_host_is_refused(client):
    response = client.get("/healthz", HTTP_HOST="evil.example")
    assert response.status_code == 400
