"""URLs of the Moral Alliance (partners, rewards, vouchers), passing points on, and the settlement report."""

from django.urls import path

from jiceng.bank.views import giving, reports, rewards

urlpatterns = [
    # residents
    path("rewards/", rewards.reward_list, name="rewards"),
    path("rewards/<int:pk>/", rewards.reward_detail, name="reward"),
    path("rewards/<int:pk>/redeem/", rewards.reward_redeem, name="reward_redeem"),
    path("vouchers/", rewards.my_vouchers, name="my_vouchers"),
    path("vouchers/<int:pk>/", rewards.voucher, name="voucher"),
    path("vouchers/<int:pk>/cancel/", rewards.voucher_cancel, name="voucher_cancel"),
    path("give/", giving.give, name="give"),
    # alliance partners (unit operators)
    path("partner/", rewards.partner_home, name="partner_home"),
    path("partner/rewards/new/", rewards.reward_create, name="reward_create"),
    path("partner/rewards/<int:pk>/edit/", rewards.reward_edit, name="reward_edit"),
    path("partner/scan/", rewards.partner_scan, name="partner_scan"),
    path("partner/redemptions/", rewards.partner_redemptions, name="partner_redemptions"),
    path("partner/redemptions/<int:pk>/cancel/", rewards.partner_cancel, name="partner_cancel"),
    path("partner/statement/", rewards.partner_statement, name="partner_statement"),
    path("partner/statement.xlsx", rewards.partner_statement_xlsx, name="partner_statement_xlsx"),
    # subdistrict and district administrators
    path("alliance/partners/", rewards.partner_review, name="partner_review"),
    path("alliance/partners/<int:pk>/decide/", rewards.partner_decide, name="partner_decide"),
    path("reports/settlement/", reports.settlement, name="settlement"),
    path("reports/settlement.xlsx", reports.settlement_xlsx, name="settlement_xlsx"),
    path("reports/signals/", reports.signals, name="signals"),
    # community workers
    path("love-pool/", giving.love_pool, name="love_pool"),
    path("in-need/", giving.persons_in_need, name="persons_in_need"),
    path("in-need/<int:pk>/end/", giving.person_in_need_end, name="person_in_need_end"),
]
