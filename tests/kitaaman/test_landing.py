"""Where each role lands after signing in: leaders on the SPM dashboard, the
people who work on reports on the desk; a `next` page always wins."""

import pytest
from django.test import Client

from incidents.staff.services import staff_user_create
from tests.factories import PASSWORD


def sign_in(username, next_url=None):
    client = Client()
    url = "/masuk/" + (f"?next={next_url}" if next_url else "")
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(url, data, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302, response.content[:300]
    return client, response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username, landing",
    [
        ("asisten1", "/dasbor/"),
        ("tim_efektif", "/dasbor/"),
        ("petugas_rupit", "/petugas/"),
        ("koordinator", "/petugas/"),
        ("mitra_bpbd", "/petugas/"),
        ("admin", "/petugas/"),
    ],
)
def test_each_role_lands_on_its_page(personas, username, landing):
    client, location = sign_in(username)
    assert location == landing
    assert client.get(location).status_code == 200


@pytest.mark.django_db
def test_next_page_wins_over_the_landing(personas):
    _client, location = sign_in("asisten1", next_url="/ringkasan/")
    assert location == "/ringkasan/"


@pytest.mark.django_db
def test_someone_who_also_works_on_reports_lands_on_the_desk(personas):
    user = staff_user_create(username="camat_pimpinan", role="petugas", kecamatan_codes=["16.13.01"], password=PASSWORD)
    user.groups.add(personas.pimpinan.groups.get())
    _client, location = sign_in("camat_pimpinan")
    assert location == "/petugas/"


@pytest.mark.django_db
def test_a_wrong_password_lands_nowhere(personas):
    response = Client().post("/masuk/", {"username": "asisten1", "password": "salah"}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200
    assert "/dasbor/" not in response.get("Location", "")
