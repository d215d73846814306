from django.urls import path

from . import api

urlpatterns = [
    path("spm/achievements/", api.AchievementsApi.as_view(), name="spm-achievements"),
    path("spm/figures/", api.FiguresApi.as_view(), name="spm-figures"),
    path("spm/targets/", api.TargetsApi.as_view(), name="spm-targets"),
    path("spm/activities/", api.ActivitiesApi.as_view(), name="spm-activities"),
]
