"""Drafts awaiting approval: those who may publish are e-mailed once each when
a draft is saved (never its author, never a role without the publish right),
see it in the "Menunggu persetujuan" block of their landing page, and the
warnings list says what each draft waits for, to the person looking."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from kitaaman.celery import app
from kitaaman.models import OutboundMessage
from spm.warnings import services
from spm.warnings.approval import approval_message_id
from tests.factories import PASSWORD, staff_user_create

pytestmark = pytest.mark.django_db
PUBLISHERS = {"koordinator@example.test", "tim@example.test", "admin@example.test"}
NEVER = {"rupit@example.test", "nibung@example.test", "polres@example.test", "asisten1@example.test"}


def mailed():
    return sorted(address for m in mail.outbox for address in m.to)


def test_a_bpbd_draft_mails_each_publisher_once_and_nobody_else(personas, draft, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        alert = draft()
    assert set(mailed()) == PUBLISHERS and len(mailed()) == len(PUBLISHERS)
    assert not set(mailed()) & (NEVER | {"bpbd@example.test"})
    message = mail.outbox[0]
    assert message.subject.startswith("[KITA AMAN] Peringatan menunggu persetujuan: Banjir Sungai Rupit")
    author = personas.mitra_bpbd
    assert f"/petugas/peringatan/{alert.pk}/" in message.body
    assert (author.get_full_name() or author.get_username()) in message.body
    rows = OutboundMessage.objects.filter(message_id=approval_message_id(alert))
    assert sorted(rows.values_list("recipient", "state")) == sorted((a, "sent") for a in PUBLISHERS)

    # The task run again (redelivery) and an edit of the draft mail nobody a second time.
    app.tasks["spm.warnings.tasks.ask_for_approval"].apply(kwargs={"alert_id": alert.pk}, task_id="x", throw=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_edit(actor=personas.mitra_bpbd, alert_id=alert.pk, headline="Banjir Rupit meluas")
    assert len(mailed()) == len(PUBLISHERS)


def test_the_author_who_may_publish_is_not_asked_and_inactive_people_are_not(
    personas, draft, django_capture_on_commit_callbacks
):
    second = staff_user_create(username="tim2", role="tim_efektif", password=PASSWORD, email="tim2@example.test")
    second.is_active = False
    second.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        draft(actor=personas.tim_efektif)
    assert set(mailed()) == {"koordinator@example.test", "admin@example.test"}


def test_a_petugas_without_the_publish_right_is_not_notified(personas, draft, django_capture_on_commit_callbacks):
    # Even a petugas of the kecamatan the warning is for, with an e-mail address.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        draft()
    assert "rupit@example.test" not in mailed()


def test_a_cancel_request_in_own_words_asks_for_approval_a_listed_reason_does_not(
    personas, published, django_capture_on_commit_callbacks
):
    first, second = published(), published(headline="Longsor Rupit–Noman")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_cancel(actor=personas.mitra_bpbd, alert_id=first.pk, reason_code="ancaman-berlalu")
    assert not [m for m in mail.outbox if "persetujuan" in m.subject]
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_cancel(actor=personas.koordinator, alert_id=second.pk, reason="Jalan sudah dibuka.")
    asked = [m for m in mail.outbox if "persetujuan" in m.subject]
    assert {a for m in asked for a in m.to} == {"tim@example.test", "admin@example.test"}
    assert asked[0].subject.startswith("[KITA AMAN] Pembatalan peringatan menunggu persetujuan")


def test_a_draft_already_published_when_the_task_runs_mails_nobody(personas, draft, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the outbox holds the request; the task runs later
    alert = draft()
    services.alert_publish(actor=personas.koordinator, alert_id=alert.pk)
    mail.outbox.clear()
    app.tasks["spm.warnings.tasks.ask_for_approval"].apply(kwargs={"alert_id": alert.pk}, throw=True)
    assert mail.outbox == []


# --- the landing pages ------------------------------------------------------------------------


def test_the_koordinator_lands_on_the_desk_with_the_drafts_awaiting_them(client, personas, draft):
    alert = draft()
    client.force_login(personas.koordinator)
    html = client.get("/petugas/").content.decode()
    assert 'data-testid="awaiting-approval"' in html and "Menunggu persetujuan" in html
    assert f'href="/petugas/peringatan/{alert.pk}/"' in html
    services.alert_publish(actor=personas.koordinator, alert_id=alert.pk)
    assert 'data-testid="awaiting-approval"' not in client.get("/petugas/").content.decode()


def test_the_tim_efektif_sees_the_block_on_the_dashboard_but_not_their_own_draft(client, personas, draft):
    theirs = draft(actor=personas.tim_efektif, headline="Draf Tim Efektif sendiri")
    bpbd = draft(headline="Draf dari BPBD")
    client.force_login(personas.tim_efektif)
    response = client.get("/dasbor/")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="awaiting-approval"' in html
    assert f'href="/petugas/peringatan/{bpbd.pk}/"' in html
    assert f'href="/petugas/peringatan/{theirs.pk}/"' not in html


@pytest.mark.parametrize("who", ["officer_rupit", "mitra_bpbd", "mitra_polres"])
def test_no_block_for_those_who_cannot_approve(client, personas, draft, who):
    draft()
    client.force_login(getattr(personas, who))
    html = client.get("/petugas/").content.decode()
    assert 'data-testid="awaiting-approval"' not in html


def test_a_koordinator_who_edited_a_draft_does_not_see_it_awaiting_them(client, personas, draft):
    Group.objects.get(name="tim_efektif").user_set.add(personas.koordinator)  # may draft too
    alert = draft()
    services.alert_edit(actor=personas.koordinator, alert_id=alert.pk, headline="Banjir meluas")
    client.force_login(personas.koordinator)
    assert f'href="/petugas/peringatan/{alert.pk}/"' not in client.get("/petugas/").content.decode()


# --- the warnings list ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, label, read_only",
    [
        ("koordinator", "Menunggu persetujuan Anda", False),
        ("tim_efektif", "Menunggu persetujuan Anda", False),
        ("mitra_bpbd", "Draf Anda, menunggu persetujuan orang lain", False),
        ("officer_rupit", "Menunggu persetujuan orang lain", True),
        ("pimpinan", "Menunggu persetujuan orang lain", True),
    ],
)
def test_the_list_says_what_a_draft_waits_for_to_each_viewer(client, personas, draft, published, who, label, read_only):
    draft()
    published(headline="Sudah terbit")
    client.force_login(getattr(personas, who))
    response = client.get("/petugas/peringatan/")
    html = response.content.decode()
    states = [row["for_viewer"]["label"] if row["for_viewer"] else None for row in response.context["rows"]]
    assert sorted(states, key=str) == sorted([label, None], key=str)
    assert f'data-testid="viewer-state">{label}</span>' in html
    assert ('<p class="badge">Hanya baca</p>' in html) is read_only
    # The list comes before the (folded) filter.
    assert html.index('class="warnings-table"') < html.index('id="saringan-peringatan"')
    assert 'id="saringan-peringatan" open' not in html


def test_the_filter_unfolds_when_one_is_active(client, personas, draft):
    draft()
    client.force_login(personas.koordinator)
    html = client.get("/petugas/peringatan/?status=draft").content.decode()
    assert 'id="saringan-peringatan" open' in html and "Daftar ini disaring." in html
