"""The demo for another region (`make run PEMDA=16.73`): after setup_pemda the
demo reports, officers, population and SPM records are Kota Lubuk Linggau's."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from incidents.models import Incident
from spm.models import Activity, Target, TeamDecree
from spm.population.models import Population
from tests.region_helpers import setup_lubuk_linggau

pytestmark = pytest.mark.django_db


def test_the_demo_is_generated_in_the_kotas_kelurahan():
    setup_lubuk_linggau()
    call_command("seed_demo", reports=120, seed=5, stdout=io.StringIO())
    call_command("seed_spm_demo", seed=5, stdout=io.StringIO())

    desa = set(Incident.objects.values_list("desa_id", flat=True))
    assert desa and all(code.startswith("16.73.") for code in desa)
    assert len({code[:8] for code in desa}) >= 4  # spread over the kota's kecamatan
    officer = get_user_model().objects.get(username="petugas_rupit")
    assert list(officer.staff_profile.kecamatan.values_list("code", flat=True)) == ["16.73.01"]
    nibung = get_user_model().objects.get(username="petugas_nibung")
    assert list(nibung.staff_profile.kecamatan.values_list("code", flat=True)) == ["16.73.03"]

    populated = set(Population.objects.values_list("kecamatan_id", flat=True)) | set(
        Population.objects.values_list("desa_id", flat=True)
    )
    populated.discard(None)
    assert populated and all(code.startswith("16.73.") for code in populated)
    assert all(code.startswith("16.73.") for code in Target.objects.values_list("kecamatan_id", flat=True))
    assert Activity.objects.exists()
    assert all(not a.startswith("16.13") for a in Activity.objects.values_list("kecamatan_id", flat=True))
    assert "Kota Lubuk Linggau" in TeamDecree.objects.get().title
