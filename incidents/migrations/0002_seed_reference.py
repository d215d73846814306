from django.db import migrations


def forwards(apps, schema_editor):
    from incidents.reference.seed import seed_reference

    seed_reference(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
