from django.urls import include, path

from incidents.intake import offline
from incidents.intake import views as intake
from incidents.public import views as public
from kitaaman.landing import PortalLoginView, PortalLogoutView

urlpatterns = [
    path("masuk/", PortalLoginView.as_view(), name="login"),
    path("keluar/", PortalLogoutView.as_view(), name="logout"),
    path("petugas/", include("incidents.desk.urls")),
    path("channels/", include("incidents.channels.urls")),
    path("", public.home, name="home"),
    path("lapor/", intake.report, name="report"),
    # The service worker sits at the root so that its scope may cover /lapor/.
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.web_manifest, name="web_manifest"),
    path("lapor/terkirim/<str:code>/", intake.report_done, name="report_done"),
    path("lacak/", public.track, name="track"),
    path("lacak/<str:code>/", public.track, name="track_code"),
]
