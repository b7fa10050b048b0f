from django.urls import path

from jiceng.orgs.views import organizations

app_name = "orgs"
urlpatterns = [
    path("", organizations.organization_list, name="list"),
    path("new/", organizations.organization_create, name="create"),
    path("<int:pk>/edit/", organizations.organization_edit, name="edit"),
]
