"""What the audit trail says about a target or an activity is the same when it
is saved, replaced and deleted."""

from datetime import date

import pytest

from incidents.models import AuditLog
from spm import services
from spm.models import Activity, Target
from tests.factories import DESA_RUPIT, RUPIT


def _last(action):
    return AuditLog.objects.filter(action=action).order_by("-pk").first().data


@pytest.mark.django_db
def test_a_target_is_audited_alike_when_saved_replaced_and_deleted(personas):
    tim = personas.tim_efektif
    services.target_save(actor=tim, service="info-bencana", year=2026, kecamatan=RUPIT, value=100, hazard="banjir")
    first = _last("spm.target.saved")
    target, created = services.target_save(
        actor=tim, service="info-bencana", year="2026", kecamatan=RUPIT, value=150, hazard="banjir"
    )
    assert not created and Target.objects.count() == 1
    expected = {
        "target": target.pk,
        "service": "info-bencana",
        "year": 2026,
        "kecamatan": RUPIT,
        "hazard": "banjir",
        "value": 150,
    }
    assert first == {**expected, "value": 100, "previous_value": None}
    assert _last("spm.target.saved") == {**expected, "previous_value": 100}
    services.target_delete(actor=tim, target=target)
    assert _last("spm.target.deleted") == expected


@pytest.mark.django_db
def test_an_activity_is_audited_alike_when_created_and_deleted(personas):
    tim = personas.tim_efektif
    activity = services.activity_create(
        actor=tim,
        service="info-bencana",
        date_value="2026-01-02",
        desa=DESA_RUPIT,
        people_reached=40,
        description="Sosialisasi banjir",
    )
    expected = {
        "activity": activity.pk,
        "service": "info-bencana",
        "date": "2026-01-02",
        "desa": DESA_RUPIT,
        "people_reached": 40,
    }
    assert _last("spm.activity.created") == expected
    services.activity_delete(actor=tim, activity=Activity.objects.get(pk=activity.pk))
    assert _last("spm.activity.deleted") == expected
    assert date(2026, 1, 2) == activity.date
