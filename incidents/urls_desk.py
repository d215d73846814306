from django.urls import path
from django.views.generic import RedirectView

app_name = "desk"
# Interim: replaced by the desk pages.
urlpatterns = [path("", RedirectView.as_view(url="/admin/"), name="home")]
