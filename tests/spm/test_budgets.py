"""Budget (pagu and realisasi) per service and year: entered by the Tim Efektif
on /dasbor/anggaran/ through spm.services.budget_save, read by pimpinan."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from incidents.models import AuditLog
from spm import services
from spm.figures import budget_figures, budget_key
from spm.models import Budget

URL = "/dasbor/anggaran/"
POST = {"service": "tibum", "year": "2026", "pagu": "1.500.000.000", "realisasi": "Rp 600.000.000", "note": "DPA 2026"}


@pytest.mark.django_db
def test_tim_efektif_enters_a_budget_and_saving_again_replaces_it(client, personas):
    client.force_login(personas.tim_efektif)
    assert client.get(URL).status_code == 200
    response = client.post(URL, POST)
    assert response.status_code == 302 and response["Location"] == f"{URL}?year=2026"
    budget = Budget.objects.get(service__code="tibum", year=2026)
    assert (budget.pagu, budget.realisasi, budget.note, budget.updated_by) == (
        Decimal(1_500_000_000),
        Decimal(600_000_000),
        "DPA 2026",
        personas.tim_efektif,
    )
    # Realisasi above pagu is allowed (budgets change mid-year); the same key replaces.
    client.post(URL, {**POST, "realisasi": "1.600.000.000"})
    assert Budget.objects.count() == 1
    assert Budget.objects.get().realisasi == Decimal(1_600_000_000)
    audits = list(AuditLog.objects.filter(action="spm.budget.saved").order_by("id").values_list("data", flat=True))
    assert [a["realisasi"] for a in audits] == ["600000000", "1600000000"]
    assert audits[1]["previous"] == {"pagu": "1500000000", "realisasi": "600000000"}
    page = client.get(f"{URL}?year=2026").content.decode()
    assert "1.500.000.000" in page and "realisasi melebihi pagu" in page


@pytest.mark.django_db
def test_pimpinan_reads_but_may_not_write_and_petugas_may_not_enter(client, personas):
    client.force_login(personas.pimpinan)
    page = client.get(URL)
    assert page.status_code == 200 and b"Simpan anggaran" not in page.content
    assert client.post(URL, POST).status_code == 403
    client.force_login(personas.officer_rupit)
    assert client.get(URL).status_code == 403
    assert client.post(URL, POST).status_code == 403
    client.logout()
    assert client.post(URL, POST).status_code == 302  # to the login page
    assert not Budget.objects.exists()
    with pytest.raises(PermissionDenied):
        services.budget_save(actor=personas.pimpinan, service="tibum", year=2026, pagu=1, realisasi=1)


@pytest.mark.django_db
def test_negative_amounts_are_refused_in_indonesian_and_nothing_is_stored(client, personas):
    client.force_login(personas.tim_efektif)
    response = client.post(URL, {**POST, "pagu": "-5.000.000"})
    assert response.status_code == 200
    assert "Pagu anggaran tidak boleh negatif." in response.content.decode()
    response = client.post(URL, {**POST, "realisasi": "1,5"})
    assert "Tulis dalam rupiah utuh, misalnya 1.500.000.000." in response.content.decode()
    with pytest.raises(ValidationError) as exc:
        services.budget_save(actor=personas.tim_efektif, service="tibum", year=2026, pagu=100, realisasi=-1)
    assert exc.value.message_dict == {"realisasi": ["Realisasi anggaran tidak boleh negatif."]}
    assert not Budget.objects.exists()
    assert not AuditLog.objects.filter(action="spm.budget.saved").exists()


@pytest.mark.django_db
def test_budget_figures_carry_pagu_and_realisasi(personas):
    services.budget_save(
        actor=personas.tim_efektif, service="kebakaran", year=2026, pagu="400000000", realisasi="100000000"
    )
    figures = {f.key: f for f in budget_figures(2026)}
    fire = figures[budget_key("kebakaran")]
    assert (fire.value, fire.numerator, fire.denominator, fire.note) == (25.0, 100_000_000, 400_000_000, "")
    assert figures[budget_key("tibum")].value is None
    assert figures[budget_key("tibum")].note == "belum ada anggaran"
    assert len(figures) == 5


@pytest.mark.django_db
def test_the_completeness_link_opens_the_form_on_the_named_service_and_year(client, personas):
    client.force_login(personas.tim_efektif)
    form = client.get(f"{URL}?year=2027&service=kebakaran").context["form"]
    assert form.initial == {"year": 2027, "service": "kebakaran"}
    # A reader has no form at all, whatever the link names.
    client.force_login(personas.pimpinan)
    assert 'name="pagu"' not in client.get(f"{URL}?service=kebakaran").content.decode()
