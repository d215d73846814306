from django.urls import path

from .summaries import views as summaries
from .views import dashboard, entry, export

app_name = "spm"
urlpatterns = [
    path("dasbor/", dashboard.dashboard, name="dashboard"),
    path("dasbor/ekspor/e-spm.xlsx", export.export_xlsx, name="export_xlsx"),
    path("dasbor/ekspor/e-spm.csv", export.export_csv, name="export_csv"),
    path("dasbor/layanan/", entry.service_list, name="services"),
    path("dasbor/sasaran/", entry.targets, name="targets"),
    path("dasbor/sasaran/<int:pk>/hapus/", entry.target_delete, name="target_delete"),
    path("dasbor/anggaran/", entry.budgets, name="budgets"),
    path("dasbor/kegiatan/", entry.activities, name="activities"),
    path("dasbor/kegiatan/<int:pk>/hapus/", entry.activity_delete, name="activity_delete"),
    path("dasbor/mutu/", entry.quality, name="quality"),
    path("dasbor/rencana-aksi/", entry.milestones, name="milestones"),
    path("dasbor/rencana-aksi/<int:pk>/", entry.milestone_edit, name="milestone_edit"),
    path("dasbor/bukti/<slug:kind>/<int:pk>/", entry.evidence, name="evidence"),
    # Compliance summaries for the Tim Efektif and the leadership.
    path("ringkasan/", summaries.summary_list, name="summary_list"),
    path("ringkasan/<int:pk>/", summaries.summary_detail, name="summary_detail"),
    path("ringkasan/<int:pk>/pdf/", summaries.summary_pdf, name="summary_pdf"),
    path("ringkasan/<int:pk>/xlsx/", summaries.summary_xlsx, name="summary_xlsx"),
]
