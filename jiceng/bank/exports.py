"""The Moral Bank's .xlsx downloads, built from queries as `core.sheets.Sheet`s.

A partner's monthly statement (for its own books) and the settlement report (for the
finance offices of the subdistricts and the district).
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank.models import AlliancePartner
from jiceng.bank.queries.reports import Settlement
from jiceng.bank.queries.rewards import partner_month_list, redemption_list_collected
from jiceng.core.sheets import Sheet, about_sheet


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%d %H:%M")


def statement_sheets(partner: AlliancePartner, month: dt.date | None) -> list[Sheet]:
    """The partner's months, the vouchers it collected (in `month`, or ever), and what the file covers."""
    return [
        Sheet(
            _("月度汇总"),
            [_("月份"), _("领取笔数"), _("收到积分")],
            [[f"{m['month']:%Y-%m}", m["n"], m["points"]] for m in partner_month_list(partner)],
        ),
        Sheet(
            _("兑换明细"),
            [_("领取时间"), _("兑换码"), _("物品"), _("居民"), _("积分"), _("经办人")],
            [
                [
                    timezone.localtime(r.resolved_at).strftime("%Y-%m-%d %H:%M"),
                    r.code,
                    r.reward.name,
                    r.person.masked_name,
                    r.points,
                    str(r.collected_by or ""),
                ]
                for r in redemption_list_collected(partner, month)
            ],
        ),
        about_sheet(
            _("说明"),
            [
                (_("单位"), partner.organization.name),
                (_("范围"), f"{month:%Y-%m}" if month else _("全部月份")),
                (_("导出时间"), _now()),
            ],
        ),
    ]


def settlement_sheets(rep: Settlement) -> list[Sheet]:
    """What the report covers, then issuing per community and subdistrict, redeeming per partner, and flows."""
    about = [
        (_("范围"), rep.scope_name),
        (_("期间"), f"{rep.start:%Y-%m-%d} — {rep.end:%Y-%m-%d}"),
        (_("发放积分"), _("期间内入账的积分奖励（由社区积分发行账户发出），减去期间内对奖励的冲正")),
        (_("兑换积分"), _("期间内在道德联盟单位领取的兑换券所用积分")),
        (_("跨街道流向"), _("行：居民所在街道（积分在哪里挣）；列：兑换单位所在街道（积分在哪里花）")),
        (_("导出时间"), _now()),
    ]
    return [
        Sheet(_("说明"), [_("项目"), _("内容")], about, widths=(14, 80)),
        Sheet(
            _("社区发放"),
            [_("街道"), _("社区"), _("区划代码"), _("奖励笔数"), _("发放积分"), _("冲正积分"), _("净发放")],
            [
                [
                    c["subdistrict"].name if c["subdistrict"] else "",
                    c["region"].name,
                    c["region"].code,
                    c["awards"],
                    c["issued"],
                    c["reversed"],
                    c["net"],
                ]
                for c in rep.communities
            ],
        ),
        Sheet(
            _("街道汇总"),
            [
                _("街道"),
                _("发放积分"),
                _("冲正积分"),
                _("净发放"),
                _("本街道单位兑换积分"),
                _("本街道居民兑换积分"),
            ],
            [
                [
                    s["region"].name,
                    s["issued"],
                    s["reversed"],
                    s["net"],
                    s["redeemed_here"],
                    s["spent_by_residents"],
                ]
                for s in rep.subdistricts
            ],
        ),
        Sheet(
            _("联盟单位兑换"),
            [_("街道"), _("单位"), _("领取笔数"), _("兑换积分")],
            [
                [p["partner"].subdistrict.name, p["partner"].organization.name, p["n"], p["points"]]
                for p in rep.partners
            ],
        ),
        Sheet(
            _("跨街道流向"),
            [_("居民所在街道 \\ 兑换单位所在街道"), *[c.name for c in rep.flow_cols], _("合计")],
            [[row["region"].name, *row["cells"], row["total"]] for row in rep.flow_table],
            totals=[_("合计"), *rep.flow_col_totals, rep.flow_grand_total],
        ),
    ]
