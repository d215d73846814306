from django.urls import path

from . import api

urlpatterns = [
    path("warnings/", api.WarningListCreateApi.as_view(), name="api-warnings"),
    path("warnings/<int:id>/", api.WarningDetailApi.as_view(), name="api-warning-detail"),
    path("warnings/<int:id>/publish/", api.WarningPublishApi.as_view(), name="api-warning-publish"),
    path("warnings/<int:id>/cancel/", api.WarningCancelApi.as_view(), name="api-warning-cancel"),
]
