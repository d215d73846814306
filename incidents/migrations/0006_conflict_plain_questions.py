"""Conflict categories: residents answer "what is the trouble about" in plain
words; the UU 7/2012 Pasal 5 classification becomes the officer's question.

Nothing is lost: every report keeps its `sumber_konflik` answer (now the
officer's classification) and gains the plain answer that matches it, so
reports made before this change still pass the category's required questions.
"""

from django.db import migrations

from incidents.reference.seed import LEGAL_CONFLICT_QUESTION, PLAIN_CONFLICT_QUESTION, PLAIN_FOR_SOURCE, SUMBER_KONFLIK

BATCH = 500

# The citizen question as it was before this migration (for going back).
LEGACY_QUESTION = {
    "code": "sumber_konflik",
    "label": "Sumber konflik (UU 7/2012 Pasal 5)",
    "label_en": "Source of conflict",
    "type": "choice",
    "required": True,
    "choices": SUMBER_KONFLIK,
}


def _is_citizen_source_question(question):
    return question.get("code") == "sumber_konflik" and not question.get("staff")


def forwards(apps, schema_editor):
    Category = apps.get_model("incidents", "Category")
    Incident = apps.get_model("incidents", "Incident")
    changed = []
    for category in Category.objects.all():
        questions = list(category.questions or [])
        if not any(_is_citizen_source_question(q) for q in questions):
            continue
        if any(q.get("code") == "pokok_masalah" for q in questions):
            continue  # an admin already reshaped this category: leave it alone
        new = []
        for q in questions:
            new.append(dict(PLAIN_CONFLICT_QUESTION) if _is_citizen_source_question(q) else q)
        new.append(dict(LEGAL_CONFLICT_QUESTION))
        category.questions = new
        category.save(update_fields=["questions"])
        changed.append(category.pk)
    if not changed:
        return
    batch = []
    reports = Incident.objects.filter(category_id__in=changed).only("id", "details").order_by("id")
    for incident in reports.iterator(chunk_size=BATCH):
        details = incident.details or {}
        plain = PLAIN_FOR_SOURCE.get(details.get("sumber_konflik"))
        if plain and not details.get("pokok_masalah"):
            incident.details = {**details, "pokok_masalah": plain}
            batch.append(incident)
        if len(batch) >= BATCH:
            Incident.objects.bulk_update(batch, ["details"])
            batch = []
    if batch:
        Incident.objects.bulk_update(batch, ["details"])


def backwards(apps, schema_editor):
    # The answers stay in `details` (unknown keys are ignored); only the questions go back.
    Category = apps.get_model("incidents", "Category")
    for category in Category.objects.all():
        questions = list(category.questions or [])
        if not any(q.get("code") == "pokok_masalah" for q in questions):
            continue
        new = []
        for q in questions:
            if q.get("code") == "pokok_masalah":
                new.append(dict(LEGACY_QUESTION))
            elif not (q.get("code") == "sumber_konflik" and q.get("staff")):
                new.append(q)
        category.questions = new
        category.save(update_fields=["questions"])


class Migration(migrations.Migration):
    dependencies = [("incidents", "0005_open311")]

    operations = [migrations.RunPython(forwards, backwards)]
