"""Warnings fixtures: a flood warning for two desa of Rupit, and helpers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from spm.warnings import services
from spm.warnings.models import Subscriber
from tests.factories import DESA_RUPIT

DESA_RUPIT_2 = "16.13.01.2001"
KEC_NIBUNG = "16.13.03"


def flood(**overrides):
    data = {
        "event": "banjir",
        "urgency": "Expected",
        "severity": "Severe",
        "certainty": "Likely",
        "headline": "Banjir Sungai Rupit, warga bantaran siaga",
        "description": "Debit Sungai Rupit naik 1,5 m dalam 6 jam; air diperkirakan masuk permukiman malam ini.",
        "instruction": "Pindahkan barang berharga ke tempat tinggi dan siapkan tas siaga.",
        "expires": timezone.now() + timedelta(hours=24),
        "areas": [DESA_RUPIT, DESA_RUPIT_2],
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(personas):
    """A draft written by the BPBD user."""

    def make(actor=None, **overrides):
        return services.alert_create(actor=actor or personas.mitra_bpbd, **flood(**overrides))

    return make


@pytest.fixture
def published(personas, draft):
    """A published flood warning (drafted by BPBD, published by the koordinator)."""

    def make(**overrides):
        alert = draft(**overrides)
        return services.alert_publish(actor=personas.koordinator, alert_id=alert.pk)

    return make


@pytest.fixture
def subscribers(db):
    """Confirmed subscribers: two in Muara Rupit (SMS, e-mail), one in the second
    desa, one in Nibung (not warned), one unconfirmed in Muara Rupit."""
    now = timezone.now()
    rows = [
        Subscriber.objects.create(desa_id=DESA_RUPIT, channel="sms", address="+6281200000001", confirmed_at=now),
        Subscriber.objects.create(desa_id=DESA_RUPIT, channel="email", address="warga@example.test", confirmed_at=now),
        Subscriber.objects.create(desa_id=DESA_RUPIT_2, channel="sms", address="+6281200000002", confirmed_at=now),
        Subscriber.objects.create(desa_id="16.13.03.2001", channel="sms", address="+6281200000003", confirmed_at=now),
        Subscriber.objects.create(desa_id=DESA_RUPIT, channel="sms", address="+6281200000009"),
    ]
    return rows
