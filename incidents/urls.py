from django.contrib.auth import views as auth_views
from django.urls import include, path

from kitaaman.landing import PortalLoginView

from .views import public

urlpatterns = [
    path("masuk/", PortalLoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("petugas/", include("incidents.urls_desk")),
    path("", public.home, name="home"),
    path("lapor/", public.report, name="report"),
    path("lapor/terkirim/<str:code>/", public.report_done, name="report_done"),
    path("lacak/", public.track, name="track"),
    path("lacak/<str:code>/", public.track, name="track_code"),
]
