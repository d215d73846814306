"""Conflict reports: residents answer in plain words; the UU 7/2012 Pasal 5
classification is the officer's field on the desk; old reports keep theirs."""

from importlib import import_module

import pytest
from django.apps import apps

from incidents.desk.forms import TriageForm
from incidents.intake.forms import ReportForm
from incidents.models import Category, Incident
from incidents.reference.seed import PLAIN_FOR_SOURCE, POKOK_MASALAH, SUMBER_KONFLIK
from incidents.workflow.services import incident_update

pytestmark = pytest.mark.django_db
migration = import_module("incidents.migrations.0006_conflict_plain_questions")
CONFLICT = ("konflik-perusahaan", "konflik-antarwarga")


def codes(category):
    return [q["code"] for q in category.questions]


def test_every_pasal_5_source_has_its_plain_answer():
    plain = {code for code, *_labels in POKOK_MASALAH}
    assert set(PLAIN_FOR_SOURCE) == {code for code, *_labels in SUMBER_KONFLIK}
    assert set(PLAIN_FOR_SOURCE.values()) <= plain
    assert "lainnya" in plain


@pytest.mark.parametrize("code", CONFLICT)
def test_residents_are_asked_in_plain_words_and_officers_classify(code):
    category = Category.objects.get(code=code)
    citizen = {q["code"]: q for q in category.citizen_questions()}
    assert citizen["pokok_masalah"]["required"] is True
    assert "sumber_konflik" not in citizen
    legal = next(q for q in category.questions if q["code"] == "sumber_konflik")
    assert legal["staff"] is True and legal["required"] is False
    assert "UU 7/2012 Pasal 5" in legal["label"]
    form = ReportForm(categories=[category])
    assert f"d_{code}_pokok_masalah" in form.fields
    assert f"d_{code}_sumber_konflik" not in form.fields


def test_public_api_does_not_offer_the_officers_question(client):
    data = {c["code"]: c for c in client.get("/api/v1/categories/").json()}
    for code in CONFLICT:
        assert "sumber_konflik" not in [q["code"] for q in data[code]["questions"]]


def test_officer_sets_the_legal_classification_on_the_desk(personas, make_incident):
    incident = make_incident(
        category="konflik-antarwarga",
        details={"pokok_masalah": "batas-wilayah", "ada_kekerasan": False},
    )
    assert "sumber_konflik" not in incident.details
    form = TriageForm(incident=incident)
    field = form.fields["d_konflik-antarwarga_sumber_konflik"]
    assert field.label == "Klasifikasi sumber konflik (UU 7/2012 Pasal 5)"
    assert form.initial["d_konflik-antarwarga_pokok_masalah"] == "batas-wilayah"
    incident_update(
        incident=incident,
        actor=personas.officer_rupit,
        version=incident.version,
        details={"pokok_masalah": "batas-wilayah", "ada_kekerasan": False, "sumber_konflik": "batas-wilayah"},
    )
    incident.refresh_from_db()
    assert incident.details["sumber_konflik"] == "batas-wilayah"
    assert incident.details["pokok_masalah"] == "batas-wilayah"


def legacy_questions(category):
    """The questions as they were before migration 0006."""
    return [
        dict(migration.LEGACY_QUESTION) if q["code"] == "pokok_masalah" else q
        for q in category.questions
        if not q.get("staff")
    ]


def test_migration_moves_old_categories_and_keeps_every_answer(make_incident):
    old = Incident.objects.filter(pk=make_incident(category="konflik-perusahaan").pk)
    old.update(details={"sumber_konflik": "sara", "perusahaan": "PT Contoh", "ada_kekerasan": True})
    unknown = Incident.objects.filter(pk=make_incident(category="konflik-antarwarga").pk)
    unknown.update(details={"sumber_konflik": "bukan-kode", "ada_kekerasan": False})
    flood = make_incident(category="bencana-banjir")
    for code in CONFLICT:
        category = Category.objects.get(code=code)
        category.questions = legacy_questions(category)
        category.save()
    before_flood = Category.objects.get(code="bencana-banjir").questions

    migration.forwards(apps, None)

    for code in CONFLICT:
        category = Category.objects.get(code=code)
        assert codes(category)[0] == "pokok_masalah" and codes(category)[-1] == "sumber_konflik"
        assert [q for q in category.questions if q["code"] == "sumber_konflik"][0]["staff"] is True
    assert old.get().details == {
        "sumber_konflik": "sara",
        "pokok_masalah": "agama-suku-adat",
        "perusahaan": "PT Contoh",
        "ada_kekerasan": True,
    }
    # A value the mapping does not know is kept as it was, with no invented answer.
    assert unknown.get().details == {"sumber_konflik": "bukan-kode", "ada_kekerasan": False}
    assert Category.objects.get(code="bencana-banjir").questions == before_flood
    assert Incident.objects.get(pk=flood.pk).details == flood.details

    # Running it again changes nothing; going back restores the old question.
    after = {c.code: c.questions for c in Category.objects.filter(code__in=CONFLICT)}
    migration.forwards(apps, None)
    assert {c.code: c.questions for c in Category.objects.filter(code__in=CONFLICT)} == after
    migration.backwards(apps, None)
    category = Category.objects.get(code="konflik-antarwarga")
    assert codes(category)[0] == "sumber_konflik" and category.questions[0]["required"] is True
    assert "pokok_masalah" not in codes(category)


def test_migration_leaves_a_category_an_admin_already_reshaped():
    category = Category.objects.get(code="konflik-antarwarga")
    reshaped = [*legacy_questions(category), dict(migration.PLAIN_CONFLICT_QUESTION)]
    category.questions = reshaped
    category.save()
    migration.forwards(apps, None)
    assert Category.objects.get(code="konflik-antarwarga").questions == reshaped
