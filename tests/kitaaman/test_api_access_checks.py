"""API views decide access only through the shared rules: a permission class,
or the services' `*_check` functions that the pages call too. A view that asks
a role predicate itself (`permissions.can_…`, `is_…`) or raises
PermissionDenied on its own is the second copy of a rule, and fails here."""

import ast
import inspect
import sys
import textwrap

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from incidents import permissions

FRAMEWORK_PACKAGES = ("rest_framework", "django", "drf_spectacular", "builtins")


def api_view_classes(patterns=None) -> set[type]:
    """Every DRF view class the URL configuration can reach."""
    found = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            found |= api_view_classes(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            cls = getattr(entry.callback, "cls", None) or getattr(entry.callback, "view_class", None)
            # The schema and documentation views are drf-spectacular's own
            # (their access is SPECTACULAR_SETTINGS' SERVE_PERMISSIONS).
            if (
                isinstance(cls, type)
                and issubclass(cls, APIView)
                and cls.__module__.split(".")[0] not in FRAMEWORK_PACKAGES
            ):
                found.add(cls)
    return found


def _own_classes(view_cls):
    return [c for c in view_cls.__mro__ if c.__module__.split(".")[0] not in FRAMEWORK_PACKAGES]


def _resolve(node, namespace):
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, namespace)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def _is_role_predicate(obj) -> bool:
    module = getattr(obj, "__module__", "") or ""
    name = getattr(obj, "__name__", "")
    return callable(obj) and module.endswith("permissions") and name.startswith(("can_", "is_"))


def inline_access_decisions(view_cls) -> list[str]:
    """Where a view decides access itself instead of through the shared checks."""
    problems = []
    for cls in _own_classes(view_cls):
        namespace = vars(sys.modules[cls.__module__])
        for name, member in vars(cls).items():
            if not inspect.isfunction(member):
                continue
            tree = ast.parse(textwrap.dedent(inspect.getsource(member)))
            for node in ast.walk(tree):
                if isinstance(node, ast.Raise) and node.exc is not None:
                    target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                    raised = _resolve(target, namespace)
                    if isinstance(raised, type) and raised.__name__ == "PermissionDenied":
                        problems.append(f"{cls.__qualname__}.{name}: raises PermissionDenied itself")
                if isinstance(node, ast.Call) and _is_role_predicate(_resolve(node.func, namespace)):
                    problems.append(f"{cls.__qualname__}.{name}: asks {ast.unparse(node.func)}() itself")
    return problems


def declares_permissions(view_cls) -> bool:
    """The view (or a project base) names its permission classes instead of
    inheriting DRF's default from settings."""
    return any("permission_classes" in vars(c) for c in _own_classes(view_cls))


def test_the_url_configuration_reaches_the_api_views():
    names = {c.__name__ for c in api_view_classes()}
    # The staff desk, public, intake, SPM and warning APIs are all walked.
    assert {"IncidentTransitionApi", "ReportCreateApi", "TokenApi", "SummaryListApi"} <= names
    assert any(c.__module__.startswith("spm.warnings") for c in api_view_classes())


def test_no_api_view_decides_access_inline():
    problems = [
        p for cls in sorted(api_view_classes(), key=lambda c: c.__qualname__) for p in inline_access_decisions(cls)
    ]
    assert problems == []


def test_every_api_view_names_its_permission_classes():
    assert [c.__qualname__ for c in api_view_classes() if not declares_permissions(c)] == []


class _ViewThatChecksItself(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        if not permissions.can_write(request.user):
            raise PermissionDenied
        return None


class _ViewThatUsesTheSharedCheck(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        from incidents.workflow.services import assign_check

        assign_check(request.user)


class _ViewWithDefaultPermissions(APIView):
    def get(self, request):
        return None


def test_the_walk_catches_a_view_that_decides_by_itself():
    problems = inline_access_decisions(_ViewThatChecksItself)
    assert any("permissions.can_write" in p for p in problems)
    assert any("PermissionDenied" in p for p in problems)


def test_the_walk_passes_a_view_that_calls_the_shared_check():
    assert inline_access_decisions(_ViewThatUsesTheSharedCheck) == []


def test_the_walk_catches_a_view_without_named_permissions():
    assert not declares_permissions(_ViewWithDefaultPermissions)
    assert declares_permissions(_ViewThatUsesTheSharedCheck)
