from django.urls import path

from jiceng.linkage.views import assignments, grids

app_name = "linkage"
urlpatterns = [
    path("", assignments.assignment_list, name="list"),
    path("new/", assignments.assignment_new, name="new"),
    path("<int:pk>/", assignments.assignment_detail, name="detail"),
    path("<int:pk>/split/", assignments.assignment_split, name="split"),
    path("<int:pk>/report/", assignments.assignment_report, name="report"),
    path("<int:pk>/file/", assignments.assignment_file, name="file"),
    path("grids/", grids.grid_list, name="grids"),
    path("grids/import/", grids.grid_import, name="grid_import"),
    path("grids/import/template.xlsx", grids.grid_import_template, name="grid_import_template"),
    path("grids/import/<int:pk>/", grids.grid_import_job, name="grid_import_job"),
    path("grids/<str:code>/", grids.grid_detail, name="grid"),
    path("grid/", grids.grid_home, name="grid_home"),
]
