from django.urls import path

from jiceng.assessment.views import feedback, manual, runs, sanctions, schemes

app_name = "assessment"
urlpatterns = [
    path("", runs.run_list, name="runs"),
    path("runs/<int:pk>/", runs.run_detail, name="run"),
    path("runs/<int:pk>/export/", runs.run_export, name="run_export"),
    path("scores/<int:pk>/", runs.score_detail, name="score"),
    path("schemes/", schemes.scheme_list, name="schemes"),
    path("schemes/<int:pk>/", schemes.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/publish/", schemes.scheme_publish, name="scheme_publish"),
    path("schemes/<int:pk>/revise/", schemes.scheme_revise, name="scheme_revise"),
    path("schemes/<int:pk>/run/", schemes.run_create, name="run_create"),
    path("schemes/<int:pk>/manual/", manual.manual_entries, name="manual"),
    path("manual/<int:pk>/approve/", manual.manual_approve, name="manual_approve"),
    path("manual/<int:pk>/evidence/", manual.manual_evidence, name="manual_evidence"),
    path("runs/<int:pk>/publish/", sanctions.run_publish, name="run_publish"),
    path("runs/<int:pk>/recompute/", sanctions.run_recompute, name="run_recompute"),
    path("runs/<int:pk>/sanction/", sanctions.run_sanction, name="run_sanction"),
    path("runs/<int:pk>/workers/", sanctions.run_workers, name="run_workers"),
    path("runs/<int:pk>/notice/", sanctions.run_notice, name="notice"),
    path("runs/<int:pk>/feedback/", feedback.run_feedback, name="feedback"),
    path("runs/<int:pk>/feedback/export/", feedback.run_feedback_export, name="feedback_export"),
    path("mine/", sanctions.my_scores, name="my_scores"),
    path("lines/<int:pk>/object/", sanctions.objection_new, name="objection_new"),
    path("partners/suspend/", sanctions.partners_suspend, name="partners_suspend"),
    path("objections/", sanctions.objection_list, name="objections"),
    path("objections/<int:pk>/decide/", sanctions.objection_decide, name="objection_decide"),
    path("sanctions/<int:pk>/plan/", sanctions.plan_edit, name="plan"),
]
