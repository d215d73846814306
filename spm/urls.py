from django.urls import path
from django.views.generic import RedirectView

app_name = "spm"
# Replaced by the SPM dashboard.
urlpatterns = [path("dasbor/", RedirectView.as_view(url="/"), name="dashboard")]
