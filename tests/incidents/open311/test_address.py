"""address_string to desa: codes with or without dots, names with prefixes,
Arabic numerals, a typo, a kecamatan hint; ambiguity and unknown names are errors."""

import pytest
from django.core.exceptions import ValidationError

from incidents.models import Desa
from incidents.open311.address import desa_from_address, normalise

pytestmark = pytest.mark.django_db


def name_of(text):
    return desa_from_address(text).name


@pytest.mark.parametrize(
    "text, expected",
    [
        ("16.13.01.1007", "Muara Rupit"),
        ("1613011007", "Muara Rupit"),
        ("Muara Rupit", "Muara Rupit"),
        ("  kel. MUARA rupit ", "Muara Rupit"),
        ("Kelurahan Muara Rupit", "Muara Rupit"),
        ("Desa Muara Rupitt", "Muara Rupit"),  # one typo
        ("Pauh", "Pauh"),
        ("pauh 1", "Pauh I"),
        ("Desa Pauh I", "Pauh I"),
        ("Beringin Makmur 2", "Beringin Makmur II"),
        ("Karang Dapo", "Karang Dapo"),
        ("karang dapo 1", "Karang Dapo I"),
        ("Muara Rupit, Rupit", "Muara Rupit"),
    ],
)
def test_forgiving_matches(text, expected):
    assert name_of(text) == expected


def test_kecamatan_hint_narrows_an_ambiguous_name(settings):
    rupit = Desa.objects.get(code="16.13.01.1007")
    twin = Desa.objects.create(
        code="16.13.03.2999", kecamatan_id="16.13.03", name="Muara Rupit", jenis="desa", lat=-2.5, lng=102.9
    )
    with pytest.raises(ValidationError, match="lebih dari satu"):
        desa_from_address("Muara Rupit")
    assert desa_from_address("Muara Rupit, Kecamatan Nibung") == twin
    assert desa_from_address("Muara Rupit, Rupit") == rupit


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "kosong"),
        ("Jalan Sudirman 12 Jakarta", "tidak ditemukan"),
        ("16.13.09.9999", "tidak dikenal"),
        ("x" * 201, "terlalu panjang"),
        ("Desa", "tidak berisi nama"),
    ],
)
def test_refusals(text, message):
    with pytest.raises(ValidationError, match=message):
        desa_from_address(text)


def test_close_names_are_not_guessed_between():
    # "Noman" and "Noman Baru", "Maur Baru" and "Maur Lama": a half name is no match.
    with pytest.raises(ValidationError):
        desa_from_address("Maur")


def test_normalise():
    assert normalise("Ds. Karang-Dapo 1") == "karang dapo i"
    assert normalise("KELURAHAN  Pasar   Surulangun") == "pasar surulangun"
