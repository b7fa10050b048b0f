from django.urls import path

from jiceng.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("import/", views.person_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
]
