from django.urls import path

from jiceng.core import views

app_name = "core"
urlpatterns = [
    path("text-size/", views.text_size, name="text_size"),
    path("me/profile/", views.profile, name="profile"),
    path("audit/", views.audit_log, name="audit"),
    path("audit.xlsx", views.audit_log_xlsx, name="audit_xlsx"),
]
