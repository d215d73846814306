from django.urls import path
from django.views.generic import RedirectView

app_name = "summaries"
# Replaced by the summaries pages.
urlpatterns = [path("ringkasan/", RedirectView.as_view(url="/"), name="list")]
