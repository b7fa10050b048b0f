from django.urls import path

from jiceng.core import views

app_name = "core"
urlpatterns = [
    path("work/", views.workbench, name="workbench"),
    path("unit/", views.unit_home, name="unit_home"),
    path("me/", views.resident_home, name="resident_home"),
    path("me/profile/", views.profile, name="profile"),
    path("community/<str:code>/", views.community, name="community"),
    path("audit/", views.audit_log, name="audit"),
]
