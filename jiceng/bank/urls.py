"""URLs of the Moral Bank, grouped by area as the views are."""

from django.urls import path

from jiceng.bank.views import claims, giving, ledger, notices, reports, reviews, rewards, rules

app_name = "bank"
urlpatterns = [
    # the ledger: the public log, a resident's points and proofs
    path("log/<str:code>/", ledger.log_page, name="log"),
    path("log/<str:code>/consistency.json", ledger.consistency_proof, name="consistency"),
    path("me/", ledger.my_points, name="my_points"),
    path("me/transfers/<int:pk>/proof.json", ledger.my_proof, name="my_proof"),
    path("me/proofs.json", ledger.my_proofs, name="my_proofs"),
    # claims, review, the notice board and objections
    path("claims/new/", claims.claim_new, name="claim_new"),
    path("claims/mine/", claims.my_claims, name="my_claims"),
    path("claims/witness/", claims.witness_claim, name="witness_claim"),
    path("claims/office/", claims.office_claim, name="office_claim"),
    path("review/", reviews.review_queue, name="review"),
    path("review/decide/", reviews.review_decide, name="review_decide"),
    path("notices/", notices.my_board, name="my_board"),
    path("notices/<str:code>/", notices.notice_board, name="notices"),
    path("notices/<str:code>/poster/", notices.board_poster, name="notice_poster"),
    path("notices/item/<int:pk>/object/", notices.notice_object, name="notice_object"),
    path("notices/item/<int:pk>/withdraw/", notices.notice_withdraw, name="notice_withdraw"),
    path("objections/<int:pk>/decide/", notices.objection_decide, name="objection_decide"),
    # earning rules
    path("rules/", rules.rules_list, name="rules"),
    path("rules/new/", rules.rule_new, name="rule_new"),
    path("rules/<int:pk>/edit/", rules.rule_edit, name="rule_edit"),
    # rewards (the Moral Alliance): residents
    path("rewards/", rewards.reward_list, name="rewards"),
    path("rewards/<int:pk>/", rewards.reward_detail, name="reward"),
    path("rewards/<int:pk>/redeem/", rewards.reward_redeem, name="reward_redeem"),
    path("vouchers/", rewards.my_vouchers, name="my_vouchers"),
    path("vouchers/<int:pk>/", rewards.voucher, name="voucher"),
    path("vouchers/<int:pk>/cancel/", rewards.voucher_cancel, name="voucher_cancel"),
    # rewards: partners (unit operators)
    path("partner/", rewards.partner_home, name="partner_home"),
    path("partner/rewards/new/", rewards.reward_create, name="reward_create"),
    path("partner/rewards/<int:pk>/edit/", rewards.reward_edit, name="reward_edit"),
    path("partner/scan/", rewards.partner_scan, name="partner_scan"),
    path("partner/redemptions/", rewards.partner_redemptions, name="partner_redemptions"),
    path("partner/redemptions/<int:pk>/cancel/", rewards.partner_cancel, name="partner_cancel"),
    path("partner/statement/", rewards.partner_statement, name="partner_statement"),
    path("partner/statement.xlsx", rewards.partner_statement_xlsx, name="partner_statement_xlsx"),
    # rewards: subdistrict and district administrators approve partners
    path("rewards/partners/", rewards.partner_review, name="partner_review"),
    path("rewards/partners/<int:pk>/decide/", rewards.partner_decide, name="partner_decide"),
    path("rewards/partners/<int:pk>/reinstate/", rewards.partner_reinstate, name="partner_reinstate"),
    # passing points on
    path("give/", giving.give, name="give"),
    path("love-pool/", giving.love_pool, name="love_pool"),
    path("in-need/", giving.persons_in_need, name="persons_in_need"),
    path("in-need/<int:pk>/end/", giving.person_in_need_end, name="person_in_need_end"),
    # reports for administrators
    path("reports/settlement/", reports.settlement, name="settlement"),
    path("reports/settlement.xlsx", reports.settlement_xlsx, name="settlement_xlsx"),
    path("reports/signals/", reports.signals, name="signals"),
    path("reports/participation/", reports.participation, name="participation"),
]
