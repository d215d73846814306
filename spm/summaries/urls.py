from django.urls import path

from . import views

app_name = "summaries"
urlpatterns = [
    path("ringkasan/", views.summary_list, name="list"),
    path("ringkasan/<int:pk>/", views.summary_detail, name="detail"),
    path("ringkasan/<int:pk>/pdf/", views.summary_pdf, name="pdf"),
    path("ringkasan/<int:pk>/xlsx/", views.summary_xlsx, name="xlsx"),
]
