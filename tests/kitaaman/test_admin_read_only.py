"""One read-only admin (kitaaman.admin.ReadOnlyAdmin): nobody adds or edits
rows the services write; only the models that allow it may be deleted."""

from importlib import import_module

import pytest
from django.contrib import admin
from django.test import RequestFactory

from incidents.models import AuditLog, Incident, IncidentEvent
from kitaaman.admin import ReadOnlyMixin
from kitaaman.models import OutboundMessage
from spm.models import Activity, Budget, Target
from spm.summaries.models import Summary
from spm.warnings.models import Alert, Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def registered_admins():
    # What loading the URL configuration does (admin.autodiscover).
    import_module("incidents.admin")
    import_module("spm.admin")
    import_module("spm.summaries.admin")
    import_module("spm.warnings.admin")


EVIDENCE = [Incident, IncidentEvent, AuditLog, OutboundMessage]
DELETABLE = [Target, Budget, Activity, Summary, Alert, Subscriber]


@pytest.fixture
def request_of_superuser(django_user_model):
    request = RequestFactory().get("/admin/")
    request.user = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    return request


@pytest.mark.parametrize("model", EVIDENCE + DELETABLE, ids=lambda m: m.__name__)
def test_nobody_adds_or_edits_what_the_services_write(model, request_of_superuser):
    model_admin = admin.site.get_model_admin(model)
    assert isinstance(model_admin, ReadOnlyMixin)
    assert not model_admin.has_add_permission(request_of_superuser)
    assert not model_admin.has_change_permission(request_of_superuser)
    assert model_admin.has_view_permission(request_of_superuser)


@pytest.mark.parametrize("model", EVIDENCE, ids=lambda m: m.__name__)
def test_evidence_is_never_deleted_even_by_a_superuser(model, request_of_superuser):
    assert not admin.site.get_model_admin(model).has_delete_permission(request_of_superuser)


@pytest.mark.parametrize("model", DELETABLE, ids=lambda m: m.__name__)
def test_a_superuser_may_delete_where_the_model_allows(model, request_of_superuser):
    assert admin.site.get_model_admin(model).has_delete_permission(request_of_superuser)


def test_deleting_still_needs_the_permission(django_user_model):
    request = RequestFactory().get("/admin/")
    request.user = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    assert not admin.site.get_model_admin(Subscriber).has_delete_permission(request)
