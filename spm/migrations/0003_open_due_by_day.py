import datetime

from django.db import migrations, models


def clear_aggregates(apps, schema_editor):
    # The open-deadline aggregate changes from hours to days. The aggregates are
    # derived data: they are emptied here and refilled by `manage.py rebuild_stats`.
    for name in ("StatOpenDue", "StatDaily", "StatMonthly", "IncidentStatState"):
        apps.get_model("spm", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("spm", "0002_seed_reference")]

    operations = [
        migrations.RunPython(clear_aggregates, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="statopendue", name="spm_statopendue_key"),
        migrations.RemoveField(model_name="statopendue", name="due_hour"),
        migrations.AddField(
            model_name="statopendue",
            name="due_day",
            field=models.DateField(default=datetime.date(2000, 1, 1), verbose_name="tanggal batas waktu"),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="statopendue",
            constraint=models.UniqueConstraint(
                fields=("due_day", "category", "kecamatan", "status"), name="spm_statopendue_key"
            ),
        ),
        migrations.RemoveField(model_name="incidentstatstate", name="due_hour"),
        migrations.AddField(model_name="incidentstatstate", name="due_day", field=models.DateField(null=True)),
    ]
