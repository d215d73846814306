from django.db import migrations, models
from django.db.models import Count


def clear(apps, schema_editor):
    apps.get_model("spm", "StatOpenDue").objects.all().delete()


def refill(apps, schema_editor):
    # Recomputed from the per-report contributions: no full rebuild needed.
    State = apps.get_model("spm", "IncidentStatState")
    StatOpenDue = apps.get_model("spm", "StatOpenDue")
    rows = (
        State.objects.filter(due_day__isnull=False)
        .values("due_day", "kecamatan_code", "status")
        .annotate(n=Count("incident_id"))
    )
    StatOpenDue.objects.bulk_create(
        [StatOpenDue(due_day=r["due_day"], kecamatan_id=r["kecamatan_code"], status=r["status"], n=r["n"]) for r in rows],
        batch_size=5000,
    )


class Migration(migrations.Migration):
    dependencies = [("spm", "0003_open_due_by_day")]

    operations = [
        migrations.RunPython(clear, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="statopendue", name="spm_statopendue_key"),
        migrations.RemoveField(model_name="statopendue", name="category"),
        migrations.AddConstraint(
            model_name="statopendue",
            constraint=models.UniqueConstraint(fields=("due_day", "kecamatan", "status"), name="spm_statopendue_key"),
        ),
        migrations.RunPython(refill, migrations.RunPython.noop),
    ]
