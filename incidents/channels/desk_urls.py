from django.urls import path

from incidents.channels import desk_views

app_name = "channels_desk"
urlpatterns = [
    path("nomor-diblokir/", desk_views.blocked_list, name="blocked"),
    path("nomor-diblokir/<int:pk>/buka/", desk_views.unblock, name="unblock"),
    path("pesan-tak-terbaca/", desk_views.unreadable_list, name="unreadable"),
    path("laporan/<int:pk>/blokir-pengirim/", desk_views.block_reporter, name="block_reporter"),
    path("laporan/<int:pk>/pesan-pelapor/", desk_views.message_reporter, name="message_reporter"),
]
