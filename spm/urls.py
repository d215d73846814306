from django.urls import path

from . import views

app_name = "spm"
urlpatterns = [
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/ekspor/e-spm.xlsx", views.export_xlsx, name="export_xlsx"),
    path("dasbor/ekspor/e-spm.csv", views.export_csv, name="export_csv"),
    path("dasbor/layanan/", views.service_list, name="services"),
    path("dasbor/sasaran/", views.targets, name="targets"),
    path("dasbor/sasaran/<int:pk>/hapus/", views.target_delete, name="target_delete"),
    path("dasbor/kegiatan/", views.activities, name="activities"),
    path("dasbor/kegiatan/<int:pk>/hapus/", views.activity_delete, name="activity_delete"),
    path("dasbor/mutu/", views.quality, name="quality"),
    path("dasbor/rencana-aksi/", views.milestones, name="milestones"),
    path("dasbor/rencana-aksi/<int:pk>/", views.milestone_edit, name="milestone_edit"),
    path("dasbor/bukti/<slug:kind>/<int:pk>/", views.evidence, name="evidence"),
]
