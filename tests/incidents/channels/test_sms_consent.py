"""Consent is recorded only on what was actually said to the villager: the
guided conversation says who sees the number before YA (agreed); the
one-message form said nothing before the report arrived, so the report is
held on the notice sent with its confirmation."""

import pytest
from django.core.exceptions import ValidationError

from incidents.intake.services import report_submit
from incidents.intake.submission import Place, Reporter, Submission
from incidents.models import Category, Channel, ConsentBasis, Incident
from kitaaman.models import OutboundMessage
from tests.factories import DESA_RUPIT
from tests.incidents.channels.scenarios import SCENARIOS, play

pytestmark = pytest.mark.django_db

PRIVACY = "hanya dilihat petugas"


def test_the_one_message_form_is_held_on_the_notice_sent_with_its_confirmation(sms):
    (reply,) = sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang sejak subuh")
    incident = Incident.objects.get()
    assert incident.consent_basis == ConsentBasis.NOTICE_IN_REPLY
    # The notice is the confirmation itself, queued with the report.
    assert PRIVACY in reply and "RAHASIA" in reply
    queued = OutboundMessage.objects.get(text=reply)
    assert incident.consent_at is not None and abs((queued.created_at - incident.consent_at).total_seconds()) < 5


def test_the_guided_report_is_agreed_after_the_sentence_was_said(sms):
    cost = play(sms, SCENARIOS["clean guided report"])
    incident = Incident.objects.get()
    assert incident.consent_basis == ConsentBasis.AGREED and incident.consent_at is not None
    said = next(i for i, r in enumerate(cost.replies) if PRIVACY in r)
    # Said before the confirmation asked for YA, not after.
    assert said < len(cost.replies) - 1 and PRIVACY not in cost.replies[-1]


def _submission(**given):
    values = {
        "category": Category.objects.get(code="bencana-banjir"),
        "description": "Air naik setinggi pinggang sejak subuh.",
        "place": Place(desa_code=DESA_RUPIT),
        "reporter": Reporter(phone="+6281234567890"),
        "consent": False,
    }
    values.update(given)
    return Submission(**values)


def test_a_notice_is_no_basis_outside_the_message_channels():
    with pytest.raises(ValidationError) as error:
        report_submit(_submission(channel=Channel.WEB, consent_basis=ConsentBasis.NOTICE_IN_REPLY))
    assert "consent" in error.value.message_dict


def test_without_agreement_or_notice_nothing_is_stored():
    with pytest.raises(ValidationError) as error:
        report_submit(_submission(channel=Channel.SMS))
    assert "consent" in error.value.message_dict
    assert not Incident.objects.exists()
