"""GeoReport v2 under /open311/v2/; every endpoint ends in .json or .xml."""

from django.urls import path

from . import views

app_name = "open311"

urlpatterns = [
    path("v2/discovery.<str:format>", views.discovery, name="discovery"),
    path("v2/services.<str:format>", views.services, name="services"),
    path("v2/services/<str:service_code>.<str:format>", views.service_definition, name="service"),
    path("v2/requests.<str:format>", views.requests, name="requests"),
    path("v2/requests/<str:service_request_id>.<str:format>", views.request_detail, name="request"),
]
