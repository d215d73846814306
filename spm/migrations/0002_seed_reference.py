from django.db import migrations


def forwards(apps, schema_editor):
    from spm.seed import seed_spm

    seed_spm(apps)


class Migration(migrations.Migration):
    dependencies = [("spm", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
