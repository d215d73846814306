"""Bahasa Indonesia by default; English only by the visitor's choice."""

import pytest


@pytest.mark.django_db
def test_indonesian_is_the_default_even_for_an_english_browser(client):
    response = client.get("/lacak/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert "Lacak laporan" in response.content.decode()


@pytest.mark.django_db
def test_english_when_chosen_with_the_language_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/lacak/"})
    assert response.status_code == 302
    page = client.get("/lacak/")
    assert page["Content-Language"] == "en"
    assert "Track a report" in page.content.decode()


@pytest.mark.django_db
def test_api_clients_negotiate_with_accept_language(client):
    english = client.get("/api/v1/reports/track/KA-2222-22222/", HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"
    assert client.get("/api/v1/reports/track/KA-2222-22222/")["Content-Language"] == "id"
