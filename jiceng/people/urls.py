from django.urls import path

from jiceng.people.views import imports, residents

app_name = "people"
urlpatterns = [
    path("", residents.person_list, name="list"),
    path("import/", imports.person_import, name="import"),
    path("import/template.xlsx", imports.import_template, name="import_template"),
    path("import/<int:pk>/", imports.import_job, name="import_job"),
]
