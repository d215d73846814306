"""A kecamatan can be assessed on its own: its index then uses its own quality
score and says "mutu tingkat kecamatan"; a kecamatan that was not assessed
uses the kabupaten's score and says "mutu tingkat kabupaten"."""

import pytest

from incidents.models import Kecamatan
from spm import services
from spm.calculations import achievements
from spm.figures import FigurePeriod, period_figures, service_key
from spm.models import PeriodAssessment, QualityItem
from tests import factories
from tests.spm.conftest import seed_q1_2026
from tests.spm.test_dashboard import login


def _tibum_items():
    return list(QualityItem.objects.filter(service__code="tibum").order_by("sort_order"))


def _assess_rupit(personas, met: int):
    items = _tibum_items()
    services.assessment_save(
        actor=personas.tim_efektif,
        service=items[0].service,
        year=2026,
        quarter=1,
        kecamatan=Kecamatan.objects.get(code=factories.RUPIT),
        checks={i.pk: {"met": n < met} for n, i in enumerate(items)},
    )


def _tibum(data):
    return next(s for s in data["services"] if s["code"] == "tibum")


def _weighted_share(items, met: int) -> float:
    total = sum(i.weight for i in items)
    return round(sum(i.weight for i in items[:met]) * 100 / total, 2)


@pytest.mark.django_db
def test_kecamatan_index_uses_its_own_quality_and_says_so(personas):
    seed_q1_2026(personas)  # the kabupaten: 4 of 5 tibum items met
    _assess_rupit(personas, met=1)
    items = _tibum_items()

    tibum = _tibum(achievements(year=2026, quarter=1))
    rows = {r["code"]: r for r in tibum["by_kecamatan"]}
    assert rows[factories.RUPIT]["quality"] == _weighted_share(items, 1)
    assert rows[factories.RUPIT]["quality_scope"] == "kecamatan"
    assert rows[factories.NIBUNG]["quality"] == _weighted_share(items, 4)
    assert rows[factories.NIBUNG]["quality_scope"] == "kabupaten"
    # The kabupaten's own index keeps the kabupaten's score.
    assert tibum["quality"] == _weighted_share(items, 4)

    kab = period_figures(FigurePeriod.parse("2026-Q1"))
    by_code = {k["code"]: k["services"]["tibum"] for k in kab.kecamatan_rows}
    assert by_code[factories.RUPIT]["quality_scope"] == "mutu tingkat kecamatan"
    assert by_code[factories.NIBUNG]["quality_scope"] == "mutu tingkat kabupaten"
    assert kab[service_key("tibum", "index")].note == "mutu tingkat kabupaten"

    rupit = period_figures(FigurePeriod.parse("2026-Q1"), kecamatan=factories.RUPIT)
    assert rupit[service_key("tibum", "index")].note == "mutu tingkat kecamatan"
    assert _tibum(rupit.achievements)["quality"] == _weighted_share(items, 1)
    nibung = period_figures(FigurePeriod.parse("2026-Q1"), kecamatan=factories.NIBUNG)
    assert nibung[service_key("tibum", "index")].note == "mutu tingkat kabupaten"
    # A service nobody assessed says so rather than borrowing a scope.
    assert kab[service_key("kebakaran", "index")].note == "mutu belum dinilai"


@pytest.mark.django_db
def test_a_later_kabupaten_quarter_replaces_an_older_kecamatan_one(personas):
    seed_q1_2026(personas)
    _assess_rupit(personas, met=1)
    items = _tibum_items()
    services.assessment_save(
        actor=personas.tim_efektif,
        service=items[0].service,
        year=2026,
        quarter=2,
        checks={i.pk: {"met": True} for i in items},
    )
    rows = {r["code"]: r for r in _tibum(achievements(year=2026, quarter=2))["by_kecamatan"]}
    assert (rows[factories.RUPIT]["quality"], rows[factories.RUPIT]["quality_scope"]) == (100.0, "kabupaten")


@pytest.mark.django_db
def test_tim_efektif_enters_a_kecamatan_checklist_on_the_page(client, personas):
    login(client, personas.tim_efektif)
    items = list(QualityItem.objects.filter(service__code="kebakaran").order_by("sort_order"))
    base = {"service": "kebakaran", "year": 2026, "quarter": 1}
    response = client.post(
        "/dasbor/mutu/", {**base, "kecamatan": factories.RUPIT, f"met_{items[0].pk}": "on", "problems": "Hidran rusak"}
    )
    assert response.status_code == 302
    assert f"kecamatan={factories.RUPIT}" in response["Location"]
    own = PeriodAssessment.objects.get(service__code="kebakaran", year=2026, quarter=1, kecamatan=factories.RUPIT)
    assert own.problems == "Hidran rusak"
    # The kabupaten's checklist of the same quarter is a separate row.
    client.post("/dasbor/mutu/", {**base, "kecamatan": "", "problems": "Sarana kurang"})
    kab = PeriodAssessment.objects.get(service__code="kebakaran", year=2026, quarter=1, kecamatan__isnull=True)
    assert kab.problems == "Sarana kurang"
    own.refresh_from_db()
    assert own.problems == "Hidran rusak"

    page = client.get(f"/dasbor/mutu/?service=kebakaran&year=2026&quarter=1&kecamatan={factories.RUPIT}")
    text = page.content.decode()
    assert "Kecamatan Rupit" in text and "Hidran rusak" in text
    assert "Sarana kurang" not in text


@pytest.mark.django_db
def test_pimpinan_reads_but_cannot_enter_a_kecamatan_checklist(client, personas):
    login(client, personas.pimpinan)
    response = client.post(
        "/dasbor/mutu/",
        {"service": "kebakaran", "year": 2026, "quarter": 1, "kecamatan": factories.RUPIT, "problems": "x"},
    )
    assert response.status_code == 403
    assert not PeriodAssessment.objects.filter(kecamatan=factories.RUPIT).exists()


@pytest.mark.django_db
def test_unknown_kecamatan_is_refused_in_indonesian(client, personas):
    login(client, personas.tim_efektif)
    response = client.get("/dasbor/mutu/?service=kebakaran&year=2026&quarter=1&kecamatan=99.99.99")
    assert response.status_code == 200
    assert "tidak valid" in response.content.decode()
