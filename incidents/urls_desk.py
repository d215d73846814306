from django.urls import path

from .views import desk

app_name = "desk"
urlpatterns = [
    path("", desk.home, name="home"),
    path("laporan/baru/", desk.create, name="create"),
    path("laporan/<int:pk>/", desk.detail, name="detail"),
    path("laporan/<int:pk>/status/", desk.transition, name="transition"),
    path("laporan/<int:pk>/tugaskan/", desk.assign, name="assign"),
    path("laporan/<int:pk>/catatan/", desk.note, name="note"),
    path("laporan/<int:pk>/ubah/", desk.update, name="update"),
    path("laporan/<int:pk>/tiba/", desk.arrival, name="arrival"),
    path("laporan/<int:pk>/identitas/", desk.reveal_identity, name="reveal_identity"),
    path("laporan/<int:pk>/tugas/<int:assignment_pk>/selesai/", desk.assignment_done, name="assignment_done"),
    path("laporan/<int:pk>/foto/<int:photo_pk>/", desk.photo, name="photo"),
    path("laporan/<int:pk>/foto/<int:photo_pk>/kecil/", desk.photo, {"size": "thumb"}, name="photo_thumb"),
    path("massal/", desk.bulk, name="bulk"),
    path("ekspor/", desk.export_list, name="exports"),
    path("ekspor/<uuid:job_id>/unduh/", desk.export_download, name="export_download"),
    path("ekspor/<uuid:job_id>/ulangi/", desk.export_retry, name="export_retry"),
]
