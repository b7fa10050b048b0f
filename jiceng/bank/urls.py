from django.urls import include, path

from jiceng.bank.views import claims
from jiceng.bank.views import ledger as views

app_name = "bank"
urlpatterns = [
    path("log/<str:code>/", views.log_page, name="log"),
    path("log/<str:code>/consistency.json", views.consistency_proof, name="consistency"),
    path("me/", views.my_points, name="my_points"),
    path("me/transfers/<int:pk>/proof.json", views.my_proof, name="my_proof"),
    path("claims/new/", claims.claim_new, name="claim_new"),
    path("claims/mine/", claims.my_claims, name="my_claims"),
    path("claims/witness/", claims.witness_claim, name="witness_claim"),
    path("claims/office/", claims.office_claim, name="office_claim"),
    path("review/", claims.review_queue, name="review"),
    path("review/decide/", claims.review_decide, name="review_decide"),
    path("notices/", claims.my_board, name="my_board"),
    path("notices/<str:code>/", claims.notice_board, name="notices"),
    path("notices/item/<int:pk>/object/", claims.notice_object, name="notice_object"),
    path("objections/<int:pk>/decide/", claims.objection_decide, name="objection_decide"),
    path("rules/", claims.rules_list, name="rules"),
    path("rules/new/", claims.rule_new, name="rule_new"),
    path("rules/<int:pk>/edit/", claims.rule_edit, name="rule_edit"),
]

# The Moral Alliance, giving and reports have their own URL modules.
urlpatterns += [path("", include("jiceng.bank.rewards_urls"))]
