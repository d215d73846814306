"""SPM API: /api/v1/spm/achievements/ (pimpinan, tim_efektif), targets and
activities (read: pimpinan, tim_efektif; write: tim_efektif). Anonymous calls
get 401 (token authentication first), other roles 403."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from incidents.models import Kecamatan
from kitaaman.api_common import StaffApiView, validated
from kitaaman.api_schema import error, operation_schema

from . import selectors, services
from .calculations import PeriodError, achievements
from .figures import FigurePeriod, period_figures
from .models import Activity
from .permissions import can_enter_data, can_view_dashboard
from .serializers import (
    AchievementsOutput,
    AchievementsQuery,
    ActivityInput,
    ActivityJsonInput,
    ActivityOutput,
    ActivityQuery,
    FiguresOutput,
    FiguresQuery,
    TargetInput,
    TargetOutput,
    TargetQuery,
)

PAGE_LIMIT = 500


ERR_400 = error("Parameter atau data tidak valid (error.fields).")
ERR_401 = error("Belum masuk (sesi atau token).")
ERR_403 = error("Hanya pimpinan dan Tim Efektif (menulis: hanya Tim Efektif).")


def spm_schema(operation_id, summary, *, ok, **more):
    """Every SPM operation answers 400, 401 and 403 besides its own `ok`."""
    return operation_schema(
        operation_id, summary, tag="spm", ok=ok, errors={400: ERR_400, 401: ERR_401, 403: ERR_403}, **more
    )


class CanViewSpm(BasePermission):
    message = gettext_lazy("Anda tidak berwenang melakukan tindakan ini.")

    def has_permission(self, request, view):
        if not can_view_dashboard(request.user):
            return False
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return can_enter_data(request.user)
        return True


class SpmApiView(StaffApiView):
    permission_classes = [CanViewSpm]

    def _kecamatan(self, params) -> dict | None:
        """The kecamatan asked for ({"code", "name"}), None for the whole kabupaten; 400 when unknown."""
        if not params.get("kecamatan"):
            return None
        kecamatan = Kecamatan.objects.filter(code=params["kecamatan"]).values("code", "name").first()
        if kecamatan is None:
            raise exceptions.ValidationError({"kecamatan": [_("Kecamatan tidak dikenal.")]})
        return kecamatan


class AchievementsApi(SpmApiView):
    @spm_schema(
        "spm_achievements",
        "Capaian SPM per layanan untuk satu periode",
        parameters=[AchievementsQuery],
        ok={200: AchievementsOutput},
    )
    def get(self, request):
        params = validated(AchievementsQuery, request.query_params)
        kecamatan = self._kecamatan(params)
        data = achievements(
            year=params["year"],
            quarter=params.get("quarter"),
            month=params.get("month"),
            kecamatan=kecamatan["code"] if kecamatan else None,
        )
        return Response(data)


class FiguresApi(SpmApiView):
    @spm_schema(
        "spm_figures",
        "Semua angka satu periode dan wilayah, dengan pembilang dan penyebutnya",
        parameters=[FiguresQuery],
        ok={200: FiguresOutput},
    )
    def get(self, request):
        params = validated(FiguresQuery, request.query_params)
        try:
            period = FigurePeriod.parse(params["period"])
        except PeriodError as exc:
            raise exceptions.ValidationError({"period": [str(exc)]})
        kecamatan = self._kecamatan(params)
        result = period_figures(period, kecamatan=kecamatan["code"] if kecamatan else None)
        return Response({"period": result.period_dict(), "kecamatan": kecamatan, "figures": result.as_list()})


class TargetsApi(SpmApiView):
    @spm_schema(
        "spm_targets_list",
        "Daftar sasaran",
        parameters=[TargetQuery],
        ok={200: TargetOutput(many=True)},
    )
    def get(self, request):
        params = validated(TargetQuery, request.query_params)
        qs = selectors.targets_list(year=params.get("year"), service=params.get("service"))
        return Response(TargetOutput(qs[:PAGE_LIMIT], many=True).data)

    @spm_schema(
        "spm_targets_save",
        "Isi sasaran (kunci yang sama: nilai diganti)",
        request=TargetInput,
        ok={201: TargetOutput, 200: TargetOutput},
    )
    def post(self, request):
        data = validated(TargetInput, request.data)
        # A service's ValidationError becomes a 400 in kitaaman.api_errors.
        target, created = services.target_save(
            actor=request.user,
            service=data["service"],
            year=data["year"],
            kecamatan=data.get("kecamatan"),
            hazard=data.get("hazard", ""),
            value=data["value"],
            note=data.get("note", ""),
        )
        return Response(TargetOutput(target).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ActivitiesApi(SpmApiView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @spm_schema(
        "spm_activities_list",
        "Daftar kegiatan (terbaru dulu, paling banyak 500)",
        parameters=[ActivityQuery],
        ok={200: ActivityOutput(many=True)},
    )
    def get(self, request):
        params = validated(ActivityQuery, request.query_params)
        qs = selectors.activities_list(
            year=params.get("year"), service=params.get("service"), kecamatan=params.get("kecamatan")
        )
        return Response(ActivityOutput(qs[:PAGE_LIMIT], many=True).data)

    @spm_schema(
        "spm_activities_create",
        "Catat kegiatan (berkas bukti opsional, multipart)",
        request={"application/json": ActivityJsonInput, "multipart/form-data": ActivityInput},
        ok={201: ActivityOutput},
    )
    def post(self, request):
        data = validated(ActivityInput, request.data)
        activity = services.activity_create(
            actor=request.user,
            service=data["service"],
            date_value=data["date"],
            desa=data["desa"],
            hazard=data.get("hazard", ""),
            kind=data.get("kind", Activity.Kind.KIE),
            people_reached=data["people_reached"],
            description=data["description"],
            evidence=data.get("evidence"),
        )
        return Response(ActivityOutput(activity).data, status=status.HTTP_201_CREATED)
