"""Sentences of the Moral Bank's audit codes, shown on the audit log page."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "rule.create": _("%(actor)s 新建了积分规则「%(target)s」"),
    "rule.edit": _("%(actor)s 修改了积分规则「%(target)s」"),
    "bank.disburse": _("%(actor)s 从爱心池发放积分：%(target)s"),
    "bank.need_name": _("%(actor)s 把「%(target)s」列入需要帮助的居民"),
    "bank.need_end": _("%(actor)s 结束了对「%(target)s」的帮扶"),
    "bank.settlement_export": _("%(actor)s 导出了积分结算报表"),
    "objection.uphold": _("%(actor)s 认定异议成立：%(target)s"),
    "objection.dismiss": _("%(actor)s 认定异议不成立：%(target)s"),
    "alliance.apply": _("%(actor)s 申请加入道德联盟：%(target)s"),
    "alliance.approve": _("%(actor)s 批准「%(target)s」加入道德联盟"),
    "alliance.reject": _("%(actor)s 驳回了「%(target)s」加入道德联盟的申请"),
    "alliance.suspend": _("%(actor)s 暂停了联盟单位「%(target)s」"),
    "alliance.partner_rewards_suspend": _("%(actor)s 暂停了「%(target)s」发布兑换物品"),
    "alliance.partner_rewards_reinstate": _("%(actor)s 恢复了「%(target)s」发布兑换物品"),
    "alliance.reward_create": _("%(actor)s 上架了兑换物品「%(target)s」"),
    "alliance.reward_update": _("%(actor)s 修改了兑换物品「%(target)s」"),
    "alliance.statement_export": _("%(actor)s 导出了月度对账单"),
}
