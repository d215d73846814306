from django.urls import path

from . import views, views_desk

app_name = "warnings"
urlpatterns = [
    path("peringatan/", views.public_list, name="public_list"),
    path("peringatan/<int:pk>/", views.public_detail, name="public_detail"),
    path("peringatan/langganan/", views.subscribe, name="subscribe"),
    path("peringatan/langganan/konfirmasi/<str:token>/", views.confirm, name="confirm"),
    path("peringatan/langganan/berhenti/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("cap/feed.atom", views.cap_feed, name="cap_feed"),
    path("cap/<str:identifier>.xml", views.cap_xml, name="cap_xml"),
    path("petugas/peringatan/", views_desk.alert_list, name="desk_list"),
    path("petugas/peringatan/baru/", views_desk.alert_create, name="desk_create"),
    path("petugas/peringatan/<int:pk>/", views_desk.alert_detail, name="desk_detail"),
    path("petugas/peringatan/<int:pk>/ubah/", views_desk.alert_edit, name="desk_edit"),
    path("petugas/peringatan/<int:pk>/perbarui/", views_desk.alert_update, name="desk_update"),
    path("petugas/peringatan/<int:pk>/terbitkan/", views_desk.alert_publish, name="desk_publish"),
    path("petugas/peringatan/<int:pk>/batalkan/", views_desk.alert_cancel, name="desk_cancel"),
]
