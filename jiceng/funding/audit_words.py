"""Sentences of the funding audit codes, shown on the audit log page."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "budget.set": _("%(actor)s 设定了预算「%(target)s」"),
    "allocation.make": _("%(actor)s 下拨了经费「%(target)s」"),
    "expense.post": _("%(actor)s 登记了支出「%(target)s」"),
    "expense.reverse": _("%(actor)s 冲销了支出「%(target)s」"),
    "contract.create": _("%(actor)s 登记了购买服务合同「%(target)s」"),
    "contract.accept": _("%(actor)s 验收了购买服务合同「%(target)s」"),
    "milestone.add": _("%(actor)s 为合同增加了付款节点「%(target)s」"),
    "milestone.pay": _("%(actor)s 支付了合同付款节点「%(target)s」"),
}
