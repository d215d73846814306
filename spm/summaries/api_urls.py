from django.urls import path

from .api import SummaryListApi

urlpatterns = [path("summaries/", SummaryListApi.as_view(), name="api-summaries")]
