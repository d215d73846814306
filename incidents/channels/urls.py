from django.urls import path

from incidents.channels import views

app_name = "channels"
urlpatterns = [
    path("sms/android/", views.sms_android_webhook, name="sms_android"),
    path("whatsapp/", views.whatsapp_webhook, name="whatsapp"),
]
