"""Who sees which report, who may do what, and who sees the reporter."""

import pytest

from incidents import permissions
from incidents.models import Incident, Status
from incidents.selectors import events_for_user, incident_get_for_user, incidents_visible_to
from incidents.workflow.services import incident_assign, incident_transition
from tests.factories import DESA_NIBUNG


@pytest.fixture
def reports(personas, make_incident):
    rupit = make_incident()
    nibung = make_incident(desa=DESA_NIBUNG, category="konflik-antarwarga")
    incident_assign(incident=nibung, actor=personas.koordinator, agency="bpbd")
    return rupit, nibung


def visible(user):
    return set(incidents_visible_to(user).values_list("pk", flat=True))


@pytest.mark.django_db
def test_visibility_per_persona(personas, reports):
    rupit, nibung = reports
    both = {rupit.pk, nibung.pk}
    assert visible(personas.officer_rupit) == {rupit.pk}
    assert visible(personas.officer_nibung) == {nibung.pk}
    assert visible(personas.mitra_bpbd) == {nibung.pk}
    assert visible(personas.mitra_polres) == set()
    for reader in (personas.koordinator, personas.tim_efektif, personas.pimpinan, personas.admin):
        assert visible(reader) == both


@pytest.mark.django_db
def test_citizen_and_roleless_accounts_see_nothing(personas, reports):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()
    assert visible(None) == set()
    assert visible(get_user_model().objects.create_user("warga")) == set()


@pytest.mark.django_db
def test_petugas_without_kecamatan_sees_nothing(personas, reports):
    personas.officer_rupit.staff_profile.kecamatan.clear()
    permissions.forget_access(personas.officer_rupit)
    assert visible(personas.officer_rupit) == set()


@pytest.mark.django_db
def test_mitra_visibility_is_not_duplicated_by_several_assignments(personas, reports):
    _rupit, nibung = reports
    incident_assign(incident=nibung, actor=personas.koordinator, agency="polres")
    assert incidents_visible_to(personas.mitra_bpbd).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["abc", "-1", "0", "99999999999999999999999", None, "1.5"])
def test_get_for_user_rejects_odd_ids(personas, reports, bad):
    from django.http import Http404

    with pytest.raises(Http404):
        incident_get_for_user(personas.koordinator, bad)


@pytest.mark.django_db
def test_get_for_user_is_404_outside_the_area(personas, reports):
    from django.http import Http404

    rupit, nibung = reports
    assert incident_get_for_user(personas.officer_rupit, rupit.pk) == rupit
    with pytest.raises(Http404):
        incident_get_for_user(personas.officer_rupit, nibung.pk)
    with pytest.raises(Http404):
        incident_get_for_user(personas.mitra_polres, nibung.pk)


@pytest.mark.django_db
def test_role_predicates(personas, reports):
    rupit, nibung = reports
    p = personas
    assert all(
        permissions.is_desk_user(u)
        for u in (p.officer_rupit, p.koordinator, p.mitra_bpbd, p.tim_efektif, p.pimpinan, p.admin)
    )
    assert permissions.is_koordinator(p.koordinator) and permissions.is_koordinator(p.admin)
    assert not permissions.is_koordinator(p.officer_rupit)
    assert [
        permissions.can_write(u) for u in (p.officer_rupit, p.koordinator, p.mitra_bpbd, p.tim_efektif, p.pimpinan)
    ] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert permissions.can_edit(p.officer_rupit, rupit) and not permissions.can_edit(p.officer_rupit, nibung)
    assert not permissions.can_edit(p.mitra_bpbd, nibung)
    assert permissions.editable_fields(p.mitra_bpbd, nibung) == ("arrived_at",)
    assert permissions.editable_fields(p.pimpinan, nibung) == ()
    assert permissions.can_assign(p.koordinator, rupit) and not permissions.can_assign(p.officer_rupit, rupit)
    assert permissions.can_add_note(p.mitra_bpbd, nibung) and not permissions.can_add_note(p.mitra_polres, nibung)
    assert not permissions.can_add_note(p.tim_efektif, rupit)
    assert permissions.can_create(p.officer_rupit) and not permissions.can_create(p.mitra_bpbd)
    assert not permissions.can_create(p.pimpinan) and not permissions.can_create(p.tim_efektif)


@pytest.mark.django_db
def test_allowed_transitions_per_role(personas, reports):
    rupit, _nibung = reports
    assert permissions.allowed_transitions(personas.koordinator, rupit) == ["diverifikasi", "ditolak", "duplikat"]
    assert permissions.allowed_transitions(personas.officer_rupit, rupit) == ["diverifikasi"]
    for user in (personas.officer_nibung, personas.mitra_bpbd, personas.tim_efektif, personas.pimpinan):
        assert permissions.allowed_transitions(user, rupit) == []


@pytest.mark.django_db
def test_who_sees_the_reporter(personas, make_incident):
    named = make_incident()
    secret = make_incident(anonymous=True)
    p = personas
    for user in (p.officer_rupit, p.koordinator, p.tim_efektif, p.pimpinan, p.admin):
        assert permissions.can_see_identity(user, named)
    assert not permissions.can_see_identity(p.mitra_bpbd, named)
    assert permissions.can_see_identity(p.koordinator, secret)
    for user in (p.officer_rupit, p.mitra_bpbd, p.tim_efektif, p.pimpinan, p.admin):
        assert not permissions.can_see_identity(user, secret)
    assert permissions.identity_view_is_audited(p.koordinator, secret)
    assert not permissions.identity_view_is_audited(p.koordinator, named)


@pytest.mark.django_db
def test_staff_see_internal_events(personas, reports):
    rupit, _ = reports
    incident_transition(incident=rupit, actor=personas.koordinator, to=Status.DITOLAK, note="internal", public=False)
    assert "internal" in [e.note for e in events_for_user(personas.officer_rupit, rupit)]
    from django.contrib.auth.models import AnonymousUser

    assert list(events_for_user(AnonymousUser(), rupit)) == []


@pytest.mark.django_db
def test_roles_are_computed_once_per_user_object(personas, reports, django_assert_max_num_queries):
    user = type(personas.officer_rupit).objects.get(pk=personas.officer_rupit.pk)
    permissions.user_roles(user)
    with django_assert_max_num_queries(0):
        permissions.user_roles(user)
        permissions.is_desk_user(user)
        permissions.user_kecamatan_codes(user)
    assert Incident.objects.count() == 2
