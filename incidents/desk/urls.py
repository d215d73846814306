from django.urls import path

from incidents.desk.views import (
    actions,
    assignment_request,
    bulk,
    channels,
    detail,
    entry,
    exports,
    privacy,
    queue,
    queue_map,
)

app_name = "desk"
urlpatterns = [
    path("", queue.home, name="home"),
    path("peta/", queue_map.map_page, name="map"),
    path("peta/laporan.geojson", queue_map.map_geojson, name="map_geojson"),
    path("laporan/baru/", entry.create, name="create"),
    path("laporan/<int:pk>/", detail.detail, name="detail"),
    path("laporan/<int:pk>/status/", actions.transition, name="transition"),
    path("laporan/<int:pk>/tugaskan/", actions.assign, name="assign"),
    path("laporan/<int:pk>/catatan/", actions.note, name="note"),
    path("laporan/<int:pk>/minta-penugasan/", assignment_request.request_assignment, name="request_assignment"),
    path("laporan/<int:pk>/ubah/", actions.update, name="update"),
    path("laporan/<int:pk>/tiba/", actions.arrival, name="arrival"),
    path("laporan/<int:pk>/identitas/", detail.reveal_identity, name="reveal_identity"),
    path("laporan/<int:pk>/tugas/<int:assignment_pk>/selesai/", actions.assignment_done, name="assignment_done"),
    path("laporan/<int:pk>/foto/<int:photo_pk>/", detail.photo, name="photo"),
    path("laporan/<int:pk>/foto/<int:photo_pk>/kecil/", detail.photo, {"size": "thumb"}, name="photo_thumb"),
    path("massal/", bulk.bulk, name="bulk"),
    path("ekspor/", exports.export_list, name="exports"),
    path("ekspor/<uuid:job_id>/unduh/", exports.export_download, name="export_download"),
    path("ekspor/<uuid:job_id>/ulangi/", exports.export_retry, name="export_retry"),
    # A reporter's request about their personal data (UU 27/2022).
    path("data-pribadi/", privacy.lookup, name="privacy"),
    path("data-pribadi/ekspor/", privacy.export, name="privacy_export"),
    path("data-pribadi/hapus/", privacy.erase, name="privacy_erase"),
    # SMS and WhatsApp: numbers the koordinator blocked, messages that could
    # not be read, and writing to a report's reporter.
    path("nomor-diblokir/", channels.blocked_list, name="blocked"),
    path("nomor-diblokir/<int:pk>/buka/", channels.unblock, name="unblock"),
    path("pesan-tak-terbaca/", channels.unreadable_list, name="unreadable"),
    path("laporan/<int:pk>/blokir-pengirim/", channels.block_reporter, name="block_reporter"),
    path("laporan/<int:pk>/pesan-pelapor/", channels.message_reporter, name="message_reporter"),
]
