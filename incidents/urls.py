from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
]
# Interim names, replaced by the citizen pages and the desk.
from django.views.generic import RedirectView  # noqa: E402

urlpatterns += [
    path("", RedirectView.as_view(url="/admin/"), name="home"),
    path("lapor/", RedirectView.as_view(url="/admin/"), name="report"),
    path("lacak/", RedirectView.as_view(url="/admin/"), name="track"),
    path("petugas/", include(([path("", RedirectView.as_view(url="/admin/"), name="home")], "desk"))),
]
