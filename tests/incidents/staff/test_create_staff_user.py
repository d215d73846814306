"""python manage.py create_staff_user ..."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from incidents import permissions
from incidents.models import StaffProfile

STRONG = "Muratara-Aman-2026"


def run(*args, **kwargs):
    call_command("create_staff_user", *args, **kwargs)


def roles(username):
    user = get_user_model().objects.get(username=username)
    return permissions.user_roles(user), user


@pytest.mark.django_db
def test_petugas_with_kecamatan():
    run("budi", "--role", "petugas", "--kecamatan", "16.13.01", "--kecamatan", "16.13.03", "--password", STRONG)
    found, user = roles("budi")
    assert found == {"petugas"}
    assert set(user.staff_profile.kecamatan.values_list("code", flat=True)) == {"16.13.01", "16.13.03"}
    assert user.check_password(STRONG) and not user.is_staff


@pytest.mark.django_db
def test_mitra_with_agency():
    run("bpbd1", "--role", "mitra", "--agency", "bpbd", "--password", STRONG)
    found, user = roles("bpbd1")
    assert found == {"mitra"} and user.staff_profile.agency.code == "bpbd"


@pytest.mark.django_db
def test_password_is_asked_when_not_given(monkeypatch):
    answers = iter([STRONG, STRONG])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    run("sari", "--role", "koordinator")
    assert get_user_model().objects.get(username="sari").check_password(STRONG)


@pytest.mark.django_db
def test_asked_passwords_must_match(monkeypatch):
    answers = iter([STRONG, STRONG + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CommandError, match="tidak sama"):
        run("sari", "--role", "koordinator")
    assert not get_user_model().objects.filter(username="sari").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x1", "--role", "raja", "--password", STRONG], "Peran tidak dikenal"),
        (["x2", "--role", "petugas", "--password", STRONG], "minimal satu kecamatan"),
        (["x3", "--role", "petugas", "--kecamatan", "99.99.99", "--password", STRONG], "Kode kecamatan tidak dikenal"),
        (["x4", "--role", "mitra", "--password", STRONG], "harus terhubung ke instansi"),
        (["x5", "--role", "mitra", "--agency", "cia", "--password", STRONG], "Instansi tidak dikenal"),
        (["x6", "--role", "koordinator", "--password", "12345678901"], "Kata sandi ditolak"),
        (["x7", "--role", "koordinator", "--password", "pendek"], "Kata sandi ditolak"),
    ],
)
def test_clear_indonesian_errors(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not get_user_model().objects.filter(username=args[0]).exists()


@pytest.mark.django_db
def test_running_again_changes_the_role():
    run("andi", "--role", "petugas", "--kecamatan", "16.13.01", "--password", STRONG)
    run("andi", "--role", "pimpinan", "--no-password")
    found, user = roles("andi")
    assert found == {"pimpinan"}
    assert user.check_password(STRONG)  # unchanged when no new password is given
    assert StaffProfile.objects.get(user=user).kecamatan.count() == 0


@pytest.mark.django_db
def test_admin_role_is_a_superuser():
    run("root2", "--role", "admin", "--password", STRONG)
    user = get_user_model().objects.get(username="root2")
    assert user.is_superuser and user.is_staff
