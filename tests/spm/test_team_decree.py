"""The SK Tim Efektif and the signatories: NIP validation, one active
signatory per role, the selectors, and the admin."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from spm.decree import validate_nip
from spm.models import Signatory, TeamDecree
from spm.selectors import current_decree, signatories

NIP = "197501012000031002"  # born 1 Jan 1975, appointed March 2000, male


def test_nip_is_blank_or_eighteen_plausible_digits():
    validate_nip("")
    validate_nip(NIP)
    for bad in (
        "19750101200003100",
        "19750101200003100X",
        "197513012000031002",
        "197501012000131002",
        "197501012000033002",
    ):
        with pytest.raises(ValidationError):
            validate_nip(bad)


@pytest.mark.django_db
def test_one_active_signatory_per_role():
    Signatory.objects.create(role="approved", name="Budi", position="Asisten I", nip=NIP)
    Signatory.objects.create(role="approved", name="Lama", position="Asisten I", active=False)
    second = Signatory(role="approved", name="Citra", position="Asisten I")
    with pytest.raises(ValidationError):
        second.full_clean()
    with pytest.raises(IntegrityError):
        second.save()


@pytest.mark.django_db
def test_signatories_by_role():
    assert signatories() == {"prepared": None, "approved": None}
    approved = Signatory.objects.create(role="approved", name="Budi", position="Asisten I", nip=NIP)
    Signatory.objects.create(role="prepared", name="Lama", position="Kabid", active=False)
    assert signatories() == {"prepared": None, "approved": approved}


@pytest.mark.django_db
def test_current_decree_on_a_day():
    old = TeamDecree.objects.create(
        number="188.45/10/KPTS/2023",
        title="Tim Efektif",
        signed_on=date(2023, 1, 2),
        valid_from=date(2023, 1, 2),
        valid_until=date(2024, 12, 31),
    )
    new = TeamDecree.objects.create(
        number="188.45/123/KPTS/2025",
        title="Tim Efektif",
        signed_on=date(2024, 12, 20),
        valid_from=date(2025, 1, 1),
    )
    assert current_decree(on=date(2022, 12, 31)) is None
    assert current_decree(on=date(2024, 12, 31)) == old
    assert current_decree(on=date(2025, 1, 1)) == new
    assert current_decree(on=date(2030, 6, 1)) == new  # until revoked


@pytest.mark.django_db
def test_a_decree_cannot_end_before_it_starts():
    decree = TeamDecree(
        number="1", title="x", signed_on=date(2025, 1, 1), valid_from=date(2025, 1, 1), valid_until=date(2024, 1, 1)
    )
    with pytest.raises(ValidationError):
        decree.full_clean()
    with pytest.raises(IntegrityError):
        decree.save()


@pytest.mark.django_db
def test_only_the_admin_records_them_in_the_admin(client, personas):
    for url in ("/admin/spm/teamdecree/add/", "/admin/spm/signatory/add/"):
        client.force_login(personas.tim_efektif)
        assert client.get(url).status_code == 302  # to the admin login: not staff
        client.force_login(personas.admin)
        assert client.get(url).status_code == 200
    response = client.post(
        "/admin/spm/signatory/add/",
        {"role": "prepared", "name": "Hendra", "position": "Kabid Tibum", "nip": "12345", "active": "on"},
    )
    assert response.status_code == 200 and "18 angka" in response.content.decode()
    response = client.post(
        "/admin/spm/signatory/add/",
        {"role": "prepared", "name": "Hendra", "position": "Kabid Tibum", "nip": NIP, "active": "on"},
    )
    assert response.status_code == 302 and Signatory.objects.get().nip == NIP
