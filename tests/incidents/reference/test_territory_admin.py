"""Adding a kecamatan or desa/kelurahan in the admin: the code's format, its
region and its parent are checked; only admins get there. The region profile
is one row: changed, never added twice."""

import pytest
from django.test import Client

from incidents.models import Desa, Kecamatan

pytestmark = pytest.mark.django_db

DESA_ADD = "/admin/incidents/desa/add/"
KECAMATAN_ADD = "/admin/incidents/kecamatan/add/"


@pytest.fixture
def admin_client(personas):
    client = Client()
    client.force_login(personas.admin)
    return client


def desa(**overrides):
    data = {"code": "16.13.01.2999", "kecamatan": "16.13.01", "name": "Sungai Baru", "jenis": "desa"}
    data |= {"lat": "-2.70", "lng": "102.60", "population": ""}
    return data | overrides


def test_an_admin_adds_a_desa(admin_client):
    response = admin_client.post(DESA_ADD, desa())
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Desa.objects.get(code="16.13.01.2999")
    assert (added.name, added.kecamatan_id) == ("Sungai Baru", "16.13.01")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"code": "16.13.01.99"}, "harus berbentuk pp.kk.cc.dddd"),
        ({"code": "16.13.02.2999"}, "harus diawali kode kecamatannya (16.13.01)"),
        ({"lat": "-6.2", "lng": "106.8"}, "di luar batas peta"),
    ],
)
def test_a_desa_with_a_wrong_code_parent_or_point_is_refused(admin_client, overrides, message):
    response = admin_client.post(DESA_ADD, desa(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Desa.objects.filter(name="Sungai Baru").exists()


def test_an_admin_adds_a_kecamatan_of_the_region_only(admin_client):
    data = {"code": "16.73.01", "name": "Kecamatan Lain", "lat": "-2.70", "lng": "102.60", "population": ""}
    data |= {"desa_set-TOTAL_FORMS": "0", "desa_set-INITIAL_FORMS": "0"}  # the desa inline, empty
    response = admin_client.post(KECAMATAN_ADD, data)
    assert "harus diawali kode Kabupaten Musi Rawas Utara (16.13)" in response.content.decode()
    response = admin_client.post(KECAMATAN_ADD, data | {"code": "16.13.08", "name": "Rupit Baru"})
    assert response.status_code == 302
    assert Kecamatan.objects.get(code="16.13.08").name == "Rupit Baru"


def test_the_code_of_an_existing_desa_cannot_be_changed(admin_client):
    admin_client.post("/admin/incidents/desa/16.13.01.1007/change/", desa(code="16.13.01.3000", name="Muara Rupit"))
    assert Desa.objects.filter(code="16.13.01.1007").exists()
    assert not Desa.objects.filter(code="16.13.01.3000").exists()


def test_staff_who_are_not_admins_cannot_add_territory(personas):
    client = Client()
    client.force_login(personas.koordinator)
    response = client.post(DESA_ADD, desa())
    assert response.status_code in (302, 403)
    assert not Desa.objects.filter(code="16.13.01.2999").exists()


def test_the_region_profile_is_changed_not_added_twice(admin_client):
    assert admin_client.get("/admin/kitaaman/regionprofile/1/change/").status_code == 200
    assert admin_client.get("/admin/kitaaman/regionprofile/add/").status_code == 403
