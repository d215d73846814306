from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("petugas/", include("incidents.urls_desk")),
    # Interim names, replaced by the citizen pages (incidents/views/public.py).
    path("", RedirectView.as_view(url="/admin/"), name="home"),
    path("lapor/", RedirectView.as_view(url="/admin/"), name="report"),
    path("lacak/", RedirectView.as_view(url="/admin/"), name="track"),
]
