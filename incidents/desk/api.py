"""Staff API: /api/v1/incidents/ and its actions."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from incidents import permissions, selectors
from incidents.desk.filters import SORT_CHOICES, DateBoundFilter, FlagFilter, IncidentFilter
from incidents.desk.queue import incident_queue
from incidents.desk.serializers import (
    AssignmentCompleteInput,
    AssignmentCreatedOutput,
    AssignmentInput,
    AssignmentOutput,
    EventOutput,
    IncidentCreateInput,
    IncidentDetailOutput,
    IncidentListOutput,
    IncidentUpdateInput,
    NoteInput,
    TransitionInput,
)
from incidents.exceptions import TransitionNotAllowed, VersionConflict
from incidents.intake.serializers import created_once
from incidents.intake.services import report_submit, staff_entry_check
from incidents.intake.submission import Submission
from incidents.models import Assignment, Category, Incident
from incidents.notify.reach import agency_unreachable_warning
from incidents.workflow.services import (
    assign_check,
    assignment_complete,
    complete_check,
    identity_view_record,
    incident_assign,
    incident_note_add,
    incident_transition,
    incident_update,
    note_check,
    transition_check,
    update_check,
)
from kitaaman.api_common import FirstRendererNegotiation, StaffApiView, validated
from kitaaman.api_errors import ApiError
from kitaaman.api_schema import ERR_400, blank_or, error, operation_schema
from kitaaman.http import client_ip

TAG = "Laporan (petugas)"


ERR_400_TRANSITION = error(
    "Data tidak valid, atau perubahan status tidak diizinkan saat ini (code transition_not_allowed, "
    "daftar status yang diizinkan di error.allowed)."
)


ERR_401 = error("Belum masuk (sesi atau token).")


ERR_403 = error("Peran Anda tidak berwenang melakukan tindakan ini.")


ERR_404 = error("Laporan tidak ada atau di luar wilayah/instansi Anda.")


ERR_409 = error("Versi laporan sudah usang: laporan telah diubah pengguna lain (error.current_version).")


ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id laporan.")


def incident_schema(operation_id, summary, *, ok, request=None, bad=ERR_400, stale=False, parameters=(ID_PARAM,)):
    """The OpenAPI description of an operation on one report. The answers every
    such operation shares are written here once: 400 for bad input (`bad`, None
    for a read), 401, 403, 404 for a report out of reach, and 409 for a write that
    carries `version` (`stale`)."""
    errors = {} if bad is None else {400: bad}
    errors.update({401: ERR_401, 403: ERR_403, 404: ERR_404})
    if stale:
        errors[409] = ERR_409
    body = {} if request is None else {"request": request}
    return operation_schema(operation_id, summary, tag=TAG, ok=ok, errors=errors, parameters=list(parameters), **body)


class IsDeskUser(BasePermission):
    """Signed in with a staff role. Anonymous -> 401, other accounts -> 403."""

    message = gettext_lazy("Anda tidak berwenang melakukan tindakan ini.")

    def has_permission(self, request, view):
        return permissions.is_desk_user(request.user)


class DeskApiView(StaffApiView):
    permission_classes = [IsDeskUser]

    def incident(self, pk, *, for_detail=False) -> Incident:
        return selectors.incident_get_for_user(self.request.user, pk, for_detail=for_detail)

    def change(self, pk, check, service, body):
        """One change to a report: the report (404 outside the user's scope),
        the service's own check of who may (403 whatever the body says), the
        body as `body` validates it (400), then the workflow service called
        with the body's values. Returns what the service returns."""
        incident = self.incident(pk)
        check(self.request.user, incident)
        values = validated(body, self.request.data)
        return run_service(service, incident=incident, actor=self.request.user, **values)

    def detail_response(self, incident, *, status_code=status.HTTP_200_OK):
        incident = self.incident(incident.pk, for_detail=True)
        user = self.request.user
        if permissions.identity_view_is_audited(user, incident):
            identity_view_record(user=user, incident=incident, ip=client_ip(self.request))
        data = IncidentDetailOutput(incident, context={"user": user, "request": self.request}).data
        return Response(data, status=status_code)


def run_service(fn, **kwargs):
    """Call a workflow service and turn its domain errors into API errors."""
    try:
        return fn(**kwargs)
    except VersionConflict as exc:
        raise ApiError(
            str(exc),
            code="version_conflict",
            status_code=status.HTTP_409_CONFLICT,
            extra={"current_version": exc.current_version},
        )
    except TransitionNotAllowed as exc:
        allowed = ", ".join(exc.allowed) or _("tidak ada")
        raise ApiError(
            _("%(message)s Status yang diizinkan saat ini: %(allowed)s.") % {"message": exc, "allowed": allowed},
            code="transition_not_allowed",
            status_code=status.HTTP_400_BAD_REQUEST,
            extra={"allowed": exc.allowed, "current": exc.current},
        )


def _filter_parameter(name, spec) -> OpenApiParameter:
    # An empty value means "no filter" (what a form sends for a field left
    # empty): the schema says so, or a client sending one breaks its contract.
    schema = {FlagFilter: {"type": "boolean"}, DateBoundFilter: {"type": "string", "format": "date"}}.get(type(spec))
    kind = blank_or(schema) if schema else OpenApiTypes.STR
    return OpenApiParameter(name, kind, description=f"{spec.label}: {spec.api_help}.")


# The list's parameters are the desk's filters (declared once in
# incidents.desk.filters) plus the keyset pagination's own.
LIST_PARAMS = [
    *(_filter_parameter(name, spec) for name, spec in IncidentFilter.base_filters.items()),
    OpenApiParameter(
        "sort",
        {"type": "string", "enum": [*(v for v, _label in SORT_CHOICES), ""]},
        description="Urutan; kosong: terbaru dulu.",
    ),
    OpenApiParameter("cursor", OpenApiTypes.STR, description="Penunjuk halaman dari next/previous."),
    OpenApiParameter(
        "limit",
        blank_or({"type": "integer", "minimum": 1, "maximum": 200}),
        description="Jumlah per halaman (1-200, bawaan 50).",
    ),
]


IncidentPageOutput = inline_serializer(
    "IncidentPage",
    {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": IncidentListOutput(many=True),
    },
)


# The answers of both operations on the collection, besides their own `ok`.
COLLECTION_ERRORS = {400: ERR_400, 401: ERR_401, 403: ERR_403}


class IncidentListCreateApi(DeskApiView):
    @operation_schema(
        "incidents_list",
        "Daftar laporan yang boleh Anda lihat (halaman kursor, terbaru dulu)",
        tag=TAG,
        ok={200: IncidentPageOutput},
        errors=COLLECTION_ERRORS,
        parameters=LIST_PARAMS,
    )
    def get(self, request):
        params = request.query_params
        try:
            limit = int(params.get("limit") or 50)
        except ValueError:
            raise exceptions.ValidationError({"limit": [_("Jumlah per halaman harus berupa angka.")]})
        if not 1 <= limit <= 200:
            raise exceptions.ValidationError({"limit": [_("Jumlah per halaman antara 1 dan 200.")]})
        # A bad filter or cursor (ValidationError) becomes a 400 in kitaaman.api_errors.
        page = incident_queue(request.user, params, cursor=params.get("cursor") or None, limit=limit)

        def link(cursor):
            if not cursor:
                return None
            query = request.query_params.copy()
            query["cursor"] = cursor
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        results = IncidentListOutput(page.items, many=True, context={"user": request.user, "now": timezone.now()}).data
        return Response({"next": link(page.next_cursor), "previous": link(page.prev_cursor), "results": results})

    @operation_schema(
        "incidents_create",
        "Catat laporan atas nama warga (telepon, datang langsung, patroli)",
        tag=TAG,
        ok=created_once(IncidentDetailOutput),
        errors=COLLECTION_ERRORS,
        request=IncidentCreateInput,
    )
    def post(self, request):
        staff_entry_check(request.user)
        v = validated(IncidentCreateInput, request.data)
        category = Category.objects.filter(code=v["category"], active=True).first()
        if category is None:
            raise exceptions.ValidationError({"category": [_("Kategori tidak dikenal.")]})
        incident, created = report_submit(
            Submission.from_fields(
                v, category=category, entered_by=request.user, staff_entry=True, entrant_area_only=True
            )
        )
        return self.detail_response(incident, status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class IncidentDetailApi(DeskApiView):
    @incident_schema(
        "incidents_retrieve",
        "Rincian laporan (riwayat, penugasan, foto, batas waktu)",
        ok={200: IncidentDetailOutput},
        bad=None,
    )
    def get(self, request, pk):
        return self.detail_response(self.incident(pk))

    @incident_schema(
        "incidents_partial_update",
        "Ubah data triase (wajib menyertakan version)",
        request=IncidentUpdateInput,
        ok={200: IncidentDetailOutput},
        stale=True,
    )
    def patch(self, request, pk):
        return self.detail_response(self.change(pk, update_check, incident_update, IncidentUpdateInput))


class IncidentTransitionApi(DeskApiView):
    @incident_schema(
        "incidents_transition",
        "Ubah status laporan",
        request=TransitionInput,
        ok={200: IncidentDetailOutput},
        bad=ERR_400_TRANSITION,
        stale=True,
    )
    def post(self, request, pk):
        return self.detail_response(self.change(pk, transition_check, incident_transition, TransitionInput))


class IncidentAssignmentApi(DeskApiView):
    @incident_schema(
        "incidents_assign",
        "Tugaskan instansi (koordinator)",
        request=AssignmentInput,
        ok={201: AssignmentCreatedOutput},
        stale=True,
    )
    def post(self, request, pk):
        assignment = self.change(pk, lambda user, _incident: assign_check(user), incident_assign, AssignmentInput)
        warning = agency_unreachable_warning(assignment.agency)
        output = AssignmentCreatedOutput(assignment, context={"warnings": [warning] if warning else []})
        return Response(output.data, status=status.HTTP_201_CREATED)


class AssignmentCompleteApi(DeskApiView):
    @incident_schema(
        "incidents_assignment_complete",
        "Instansi menyatakan tugasnya selesai (mitra)",
        parameters=(
            ID_PARAM,
            OpenApiParameter("agency", OpenApiTypes.STR, OpenApiParameter.PATH, description="Kode instansi."),
        ),
        request=AssignmentCompleteInput,
        ok={200: AssignmentOutput},
    )
    def post(self, request, pk, agency):
        incident = self.incident(pk)
        assignment = get_object_or_404(
            Assignment.objects.select_related("agency", "incident"), incident=incident, agency__code=agency
        )
        complete_check(request.user, assignment)
        note = validated(AssignmentCompleteInput, request.data)["note"]
        assignment = run_service(assignment_complete, assignment=assignment, actor=request.user, note=note)
        assignment.refresh_from_db()
        return Response(AssignmentOutput(assignment).data)


class IncidentNoteApi(DeskApiView):
    @incident_schema(
        "incidents_note_add",
        "Tambah catatan (publik tampil di halaman lacak warga)",
        request=NoteInput,
        ok={201: EventOutput},
    )
    def post(self, request, pk):
        event = self.change(pk, note_check, incident_note_add, NoteInput)
        return Response(EventOutput(event).data, status=status.HTTP_201_CREATED)


class IncidentPhotoApi(DeskApiView):
    """A report's photo through the access rule (media files are never public)."""

    # A photo is answered as a file whatever the client accepts; errors as JSON.
    content_negotiation_class = FirstRendererNegotiation

    @incident_schema(
        "incidents_photo",
        "Foto laporan (ukuran penuh, atau gambar kecil pada /thumbnail/)",
        parameters=(ID_PARAM, OpenApiParameter("photo_pk", OpenApiTypes.INT, OpenApiParameter.PATH)),
        ok={(200, mime): OpenApiTypes.BINARY for mime in ("image/jpeg", "image/png", "image/webp")},
        bad=None,
    )
    def get(self, request, pk, photo_pk, size="full"):
        incident = self.incident(pk)
        item = incident.photos.filter(pk=photo_pk).first()
        if item is None:
            raise exceptions.NotFound()
        field = item.thumbnail if size == "thumb" else item.image
        try:
            handle = field.open("rb")
        except (OSError, ValueError):
            raise exceptions.NotFound()
        content_type = "image/jpeg" if size == "thumb" else (item.content_type or "application/octet-stream")
        response = FileResponse(handle, content_type=content_type)
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


@extend_schema_view(get=extend_schema(operation_id="incidents_photo_thumbnail", summary="Gambar kecil foto laporan"))
class IncidentPhotoThumbnailApi(IncidentPhotoApi):
    pass


urlpatterns = [
    path("incidents/", IncidentListCreateApi.as_view(), name="api-incidents"),
    path("incidents/<int:pk>/", IncidentDetailApi.as_view(), name="api-incident-detail"),
    path("incidents/<int:pk>/transitions/", IncidentTransitionApi.as_view(), name="api-incident-transitions"),
    path("incidents/<int:pk>/assignments/", IncidentAssignmentApi.as_view(), name="api-incident-assignments"),
    path(
        "incidents/<int:pk>/assignments/<slug:agency>/complete/",
        AssignmentCompleteApi.as_view(),
        name="api-incident-assignment-complete",
    ),
    path("incidents/<int:pk>/notes/", IncidentNoteApi.as_view(), name="api-incident-notes"),
    path("incidents/<int:pk>/photos/<int:photo_pk>/", IncidentPhotoApi.as_view(), name="api-incident-photo"),
    path(
        "incidents/<int:pk>/photos/<int:photo_pk>/thumbnail/",
        IncidentPhotoThumbnailApi.as_view(),
        {"size": "thumb"},
        name="api-incident-photo-thumb",
    ),
]
