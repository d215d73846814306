"""Understanding what residents type: desa names, categories, numbers."""

import pytest

from incidents.channels.matching import active_categories, match_category, match_desa, normalize_name
from incidents.channels.phone import normalize_number

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Muara Rupit", "Muara Rupit"),
        ("muara rupit", "Muara Rupit"),
        ("Kel. Muara Rupit", "Muara Rupit"),
        ("desa muara rupt", "Muara Rupit"),
        ("Ds. Noman", "Noman"),
        ("noman baru", "Noman Baru"),
        ("Karang Dapo 1", "Karang Dapo I"),
        ("Beringin Makmur 2", "Beringin Makmur II"),
        ("Surulangun", "Surulangun"),
        ("pasar surulangun", "Pasar Surulangun"),
        ("Simpang Nibung Rawas", "Simpang Nibung Rawas"),
        ("simpang nibung rawass", "Simpang Nibung Rawas"),
        ("Lesung Batu Muda", "Lesung Batu Muda"),
        ("Noman, Kec. Rupit", "Noman"),
        ("Lubuk Rumbai Bar", "Lubuk Rumbai Baru"),
    ],
)
def test_a_desa_is_found_despite_prefixes_case_and_spelling(typed, expected):
    match = match_desa(typed)
    assert match.desa is not None, (typed, [d.name for d in match.choices])
    assert match.desa.name == expected


@pytest.mark.parametrize("typed", ["Beringin Makmur", "Embacang", "Biaro"])
def test_an_unclear_name_offers_choices(typed):
    match = match_desa(typed)
    assert match.desa is None and len(match.choices) >= 2


@pytest.mark.parametrize("typed", ["Jakarta", "Palembang Ilir Barat", "", "desa"])
def test_an_unknown_name_offers_nothing(typed):
    match = match_desa(typed)
    assert match.desa is None and match.choices == []


def test_normalize_name():
    assert normalize_name("Kelurahan  Karang-Dapo 2") == "karang dapo ii"


@pytest.mark.parametrize(
    "typed, code",
    [
        ("banjir", "bencana-banjir"),
        ("BANJIR", "bencana-banjir"),
        ("longsor", "bencana-longsor"),
        ("karhutla", "bencana-karhutla"),
        ("bencana-gempa", "bencana-gempa"),
        ("puting beliung", "bencana-puting-beliung"),
        ("perusahaan", "konflik-perusahaan"),
        ("3", "bencana-banjir"),
    ],
)
def test_a_category_by_number_code_or_word(typed, code):
    found = match_category(typed, active_categories())
    assert [c.code for c in found] == [code]


@pytest.mark.parametrize("typed", ["kebakaran", "konflik"])
def test_a_shared_word_is_ambiguous(typed):
    assert len(match_category(typed, active_categories())) == 2


@pytest.mark.parametrize("typed", ["99", "0", "gajah", ""])
def test_nothing_matches(typed):
    assert match_category(typed, active_categories()) == []


@pytest.mark.parametrize(
    "raw, canonical",
    [
        ("081234567890", "+6281234567890"),
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("006281234567890", "+6281234567890"),
        ("+14155550100", "+14155550100"),
        ("bukan nomor", ""),
        ("12", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_numbers_take_one_form(raw, canonical):
    assert normalize_number(raw) == canonical
