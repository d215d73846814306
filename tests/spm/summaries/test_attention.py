""" "Perlu perhatian" is computed from the summary's own figures and names who
should act: a fire checklist rated 100 % against late arrivals is questioned,
overdue reports are grouped by who must act, services below target listed."""

import pytest
import time_machine

from spm import services
from spm.models import QualityItem, Service
from spm.summaries.display import summary_display
from spm.summaries.services import summary_generate
from tests.spm.test_figures_one_definition import NOW, quarter  # noqa: F401 (fixture)


@pytest.mark.django_db
def test_perlu_perhatian_questions_a_perfect_fire_checklist_and_names_who_acts(quarter):  # noqa: F811
    fire = Service.objects.get(code="kebakaran")
    items = QualityItem.objects.filter(service=fire, active=True)
    with time_machine.travel(NOW, tick=False):
        services.assessment_save(
            actor=quarter.tim_efektif, service=fire, year=2026, quarter=3, checks={i.pk: {"met": True} for i in items}
        )
        summary = summary_generate(period_key="2026-Q3", now=NOW)
        attention = summary_display(summary, with_charts=False)["attention"]
    kinds = [item["kind"] for item in attention]
    # 2 of 3 fires with an arrival were in time: the 100 % checklist is questioned, with Damkar.
    question = next(item for item in attention if item["kind"] == "periksa_mutu")
    assert "66,7" in question["text"] and "Damkar" in question["who"]
    # Below target: the fire service (its must-serve count is known), naming its lead agency.
    assert any(item["kind"] == "di_bawah_sasaran" and "kebakaran" in item["text"] for item in attention)
    # Overdue at 30 September, grouped by who must act: the unverified ones wait on verification.
    overdue = [item for item in attention if item["kind"] == "terlambat"]
    assert overdue and any("verifikasi" in item["who"] for item in overdue)
    assert all("30 September 2026" in item["text"] for item in overdue)
    assert "data" in kinds  # the demo has no holidays, SK or signatories


@pytest.mark.django_db
def test_no_question_when_the_checklist_is_not_perfect(quarter):  # noqa: F811
    fire = Service.objects.get(code="kebakaran")
    items = list(QualityItem.objects.filter(service=fire, active=True))
    with time_machine.travel(NOW, tick=False):
        services.assessment_save(
            actor=quarter.tim_efektif,
            service=fire,
            year=2026,
            quarter=3,
            checks={i.pk: {"met": n > 0} for n, i in enumerate(items)},
        )
        summary = summary_generate(period_key="2026-Q3", now=NOW)
        attention = summary_display(summary, with_charts=False)["attention"]
    assert not any(item["kind"] == "periksa_mutu" for item in attention)


@pytest.mark.django_db
def test_a_late_entry_is_a_correction_in_the_next_summary(personas, client):
    from datetime import datetime

    from incidents.models import Incident
    from spm.rollup import rebuild_stats
    from tests.spm.conftest import WIB, make_spm_report

    october = summary_generate(period_key="2026-10", now=datetime(2026, 11, 1, 7, 0, tzinfo=WIB))
    # Phoned in on 30 October, entered on 10 November, after October's summary was issued.
    late = make_spm_report(personas, "ketertiban-umum", datetime(2026, 11, 10, 9, 0, tzinfo=WIB))
    Incident.objects.filter(pk=late.pk).update(reported_at=datetime(2026, 10, 30, 20, 0, tzinfo=WIB))
    rebuild_stats()
    november = summary_generate(period_key="2026-11", now=datetime(2026, 12, 1, 7, 0, tzinfo=WIB))
    assert november.figures["corrections"]["count"] == 1
    assert october.figures["totals"]["reports"] == 0  # October's issued figures stay as they were
    client.force_login(personas.pimpinan)
    page = client.get(f"/ringkasan/{november.pk}/").content.decode()
    assert "Koreksi periode sebelumnya (1)" in page and late.tracking_code in page
    assert "30 Oktober 2026" in page and "10 November 2026" in page
    kinds = [item["kind"] for item in summary_display(november, with_charts=False)["attention"]]
    assert "koreksi" in kinds
