from django.urls import path

from jiceng.workforce.views import imports, pay, settings, staffing, workers

app_name = "workforce"
urlpatterns = [
    path("", workers.worker_list, name="workers"),
    path("hire/", workers.worker_hire, name="worker_hire"),
    path("workers/<int:pk>/", workers.worker_detail, name="worker"),
    path("workers/<int:pk>/place/", workers.worker_place, name="worker_place"),
    path("workers/<int:pk>/leave/", workers.worker_leave, name="worker_leave"),
    path("workers/<int:pk>/qualification/", workers.qualification_add, name="qualification_add"),
    path("workers/<int:pk>/assessment/", workers.assessment_add, name="assessment_add"),
    path("workers/<int:pk>/correction/", workers.grade_correct, name="grade_correct"),
    path("me/", workers.worker_me, name="me"),
    path("qualifications/<int:pk>/scan/", workers.qualification_scan, name="qualification_scan"),
    path("settings/", settings.settings_page, name="settings"),
    path("pay-table/", settings.pay_table, name="pay_table"),
    path("pay/", pay.pay_sheet_list, name="pay_sheets"),
    path("pay/<int:pk>/", pay.pay_sheet_detail, name="pay_sheet"),
    path("pay/<int:pk>/compute/", pay.pay_sheet_recompute, name="pay_sheet_compute"),
    path("pay/<int:pk>/approve/", pay.pay_sheet_approve, name="pay_sheet_approve"),
    path("pay/<int:pk>/xlsx/", pay.pay_sheet_xlsx, name="pay_sheet_xlsx"),
    path("staffing/", staffing.staffing, name="staffing"),
    path("promotion/", staffing.promotion, name="promotion"),
    path("import/", imports.roster_import, name="import"),
    path("import/template.xlsx", imports.import_template, name="import_template"),
    path("import/<int:pk>/", imports.import_job, name="import_job"),
]
