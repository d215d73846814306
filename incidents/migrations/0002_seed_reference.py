from django.db import migrations


def forwards(apps, schema_editor):
    from incidents.reference.seed import seed_reference

    # The demo install's region (kitaaman's region profile does not exist yet).
    seed_reference(apps, region_names={"name": "Musi Rawas Utara", "official_name": "Kabupaten Musi Rawas Utara"})


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
