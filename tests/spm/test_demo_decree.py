"""seed_spm_demo records a plausible SK Tim Efektif and two signatories, all
marked as demo data (so data_health keeps warning), and stays idempotent."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from incidents.models import Holiday
from spm.data_health import data_gaps
from spm.models import Signatory, TeamDecree
from spm.selectors import current_decree, signatories


@pytest.mark.django_db
def test_demo_decree_and_signatories_are_marked_and_made_once(personas):
    call_command("seed_spm_demo", seed=3, stdout=io.StringIO())
    today = timezone.localdate()
    decree = current_decree(on=today)
    assert decree.number == f"188.45/123/KPTS/{today.year - 1}" and decree.is_demo
    assert all(s is not None and s.name.startswith("Contoh") and s.is_demo for s in signatories().values())
    codes = {gap.code for gap in data_gaps()}
    assert {"team-decree-demo", "signatory-demo-prepared", "signatory-demo-approved", "population-demo"} <= codes
    assert not Holiday.objects.exists()  # no made-up holidays

    out = io.StringIO()
    call_command("seed_spm_demo", if_empty=True, stdout=out)
    assert "tidak dibuat" in out.getvalue()
    assert (TeamDecree.objects.count(), Signatory.objects.count()) == (1, 2)


@pytest.mark.django_db
def test_demo_keeps_real_signatories(personas):
    real = Signatory.objects.create(role="approved", name="Drs. H. Budi Santoso", position="Asisten I")
    call_command("seed_spm_demo", seed=3, stdout=io.StringIO())
    assert signatories()["approved"] == real
    assert signatories()["prepared"].is_demo
