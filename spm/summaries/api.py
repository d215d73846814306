from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import ListAPIView

from kitaaman.api_common import ClearCursorPagination
from kitaaman.api_schema import error

from .models import Summary
from .permissions import can_view_summaries
from .selectors import summaries_visible_to


class IsSummaryReader(permissions.BasePermission):
    message = _("Hanya Tim Efektif dan pimpinan yang dapat melihat ringkasan.")

    def has_permission(self, request, view):
        return can_view_summaries(request.user)


class SummaryPagination(ClearCursorPagination):
    page_size = 50
    ordering = ("-generated_at", "-id")


class SummaryOutput(serializers.ModelSerializer):
    period = serializers.CharField(source="period_key")
    label = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    page_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()

    class Meta:
        model = Summary
        fields = [
            "id", "kind", "kind_display", "period", "label", "start_date", "end_date", "revision", "provisional",
            "generated_at", "page_url", "pdf_url", "xlsx_url",
        ]  # fmt: skip

    def _url(self, name, obj):
        return self.context["request"].build_absolute_uri(reverse(name, args=[obj.pk]))

    def get_page_url(self, obj) -> str:
        return self._url("spm:summary_detail", obj)

    def get_pdf_url(self, obj) -> str | None:
        return self._url("spm:summary_pdf", obj) if obj.pdf else None

    def get_xlsx_url(self, obj) -> str | None:
        return self._url("spm:summary_xlsx", obj) if obj.xlsx else None


@extend_schema(
    tags=["Ringkasan kepatuhan"],
    summary="Daftar ringkasan kepatuhan",
    description=(
        "Ringkasan mingguan, bulanan, dan paket triwulanan e-SPM, terbaru dahulu, dengan tautan ke halaman, "
        "PDF, dan XLSX. Hanya untuk Tim Efektif dan pimpinan."
    ),
    responses={
        200: SummaryOutput(many=True),
        400: error("Penunjuk halaman (cursor) tidak valid."),
        401: error("Belum masuk (sesi atau token)."),
        403: error("Hanya Tim Efektif dan pimpinan."),
    },
)
class SummaryListApi(ListAPIView):
    permission_classes = [permissions.IsAuthenticated, IsSummaryReader]
    serializer_class = SummaryOutput
    pagination_class = SummaryPagination

    def get_queryset(self):
        return summaries_visible_to(self.request.user)
