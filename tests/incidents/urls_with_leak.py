"""The portal's URLs plus two endpoints that forgot their access rule, for
the access-matrix guard test."""

from django.http import JsonResponse
from django.urls import include, path


def leaky(request, pk=None):
    return JsonResponse({"reports": "all of them"})


urlpatterns = [
    path("api/v1/bocor/", leaky),
    path("petugas/bocor/<int:pk>/", leaky),
    path("", include("kitaaman.urls")),
]
