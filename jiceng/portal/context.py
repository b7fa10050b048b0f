"""What every page's shell needs: the menu for the user's roles and the display mode."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiceng.core.models import Role
from jiceng.core.scope import scope_for
from jiceng.core.text_size import text_size_context

# Subdistrict and district administrators share one menu, grouped by area of work;
# the district adds the region tree; each reads the audit trail of its own region.
ADMIN_MENU = [
    (_("工作台"), "portal:workbench"),
    (_("四级总览"), "cockpit:overview"),
    (_("四级联动任务"), "linkage:list"),
    (pgettext_lazy("menu", "网格"), "linkage:grids"),
    (_("公示栏"), "bank:my_board"),
    (pgettext_lazy("menu", "积分规则"), "bank:rules"),
    (_("联盟单位审批"), "bank:partner_review"),
    (_("积分结算报表"), "bank:settlement"),
    (_("公平性提示"), "bank:signals"),
    (_("党建联盟"), "alliance:home"),
    (_("联盟任务"), "alliance:actions"),
    (_("三张清单"), "alliance:needs"),
    (_("活动"), "activities:list"),
    (_("新兴领域覆盖"), "alliance:coverage"),
    (_("一刻钟服务圈"), "circle:map"),
    (_("服务阵地"), "circle:places"),
    (pgettext_lazy("menu", "居民"), "people:list"),
    (_("导入居民"), "people:import"),
    (_("组织"), "orgs:list"),
    (pgettext_lazy("menu", "社区工作者"), "workforce:workers"),
    (_("社工工资表"), "workforce:pay_sheets"),
    (_("社工配备"), "workforce:staffing"),
    (_("经费保障"), "funding:funds"),
    (_("购买服务"), "funding:contracts"),
    (_("考核结果"), "assessment:runs"),
]

# (label, url name) — one menu per role, in the order the role uses the pages.
MENU = {
    Role.DISTRICT_ADMIN: ADMIN_MENU
    + [
        (_("社工职业体系设置"), "workforce:settings"),
        (_("三社联动目标"), "funding:target"),
        (_("考核方案"), "assessment:schemes"),
        (_("行政区划"), "regions:tree"),
        (_("审计日志"), "core:audit"),
    ],
    Role.SUBDISTRICT_ADMIN: ADMIN_MENU + [(_("审计日志"), "core:audit")],
    Role.COMMUNITY_WORKER: [
        (_("工作台"), "portal:workbench"),
        (pgettext_lazy("menu", "上级任务"), "linkage:list"),
        (pgettext_lazy("menu", "网格"), "linkage:grids"),
        (_("审核申报"), "bank:review"),
        (_("代办申报"), "bank:office_claim"),
        (_("公示栏"), "bank:my_board"),
        (pgettext_lazy("menu", "积分规则"), "bank:rules"),
        (_("社区总览"), "cockpit:overview"),
        (pgettext_lazy("menu", "居民"), "people:list"),
        (_("导入居民"), "people:import"),
        (_("一刻钟服务圈"), "circle:map"),
        (_("服务阵地"), "circle:places"),
        (_("爱心池"), "bank:love_pool"),
        (_("需要帮助的居民"), "bank:persons_in_need"),
        (_("三张清单"), "alliance:needs"),
        (_("联盟任务"), "alliance:actions"),
        (_("我的会议"), "alliance:my_meetings"),
        (_("党建联盟"), "alliance:home"),
        (_("活动"), "activities:list"),
        (_("报到党员"), "alliance:report_ins"),
        (_("我的职级与工资"), "workforce:me"),
    ],
    Role.GRID_WORKER: [
        (_("网格工作台"), "linkage:grid_home"),
        (pgettext_lazy("menu", "上级任务"), "linkage:list"),
    ],
    Role.UNIT_OPERATOR: [
        (_("本单位"), "portal:unit_home"),
        (_("道德联盟"), "bank:partner_home"),
        (_("扫码核销"), "bank:partner_scan"),
        (_("兑换记录"), "bank:partner_redemptions"),
        (_("月度对账"), "bank:partner_statement"),
        (_("联盟任务"), "alliance:actions"),
        (_("我的会议"), "alliance:my_meetings"),
        (_("资源清单"), "alliance:resources"),
        (_("活动"), "activities:list"),
        (_("考核结果"), "assessment:runs"),
    ],
    Role.RESIDENT: [
        (_("我的首页"), "portal:resident_home"),
        (_("我的积分"), "bank:my_points"),
        (_("积分兑换"), "bank:rewards"),
        (_("我的兑换券"), "bank:my_vouchers"),
        (_("善行传递"), "bank:give"),
        (_("道德日记"), "diary:list"),
        (_("我的申报"), "bank:my_claims"),
        (_("公示栏"), "bank:my_board"),
        (_("社区活动"), "activities:list"),
        (_("我的需求"), "alliance:my_needs"),
        (_("到社区报到"), "alliance:report_in_me"),
    ],
}


def shell(request):
    user = getattr(request, "user", None)
    menu = []
    role = None
    if user is not None and user.is_authenticated:
        scope = scope_for(user)
        role = scope.primary_role
        seen = set()
        for r in scope.roles:
            for label, name in MENU.get(Role(r), []):
                if name not in seen:
                    seen.add(name)
                    menu.append(
                        {"label": label, "url": reverse(name), "active": request.path == reverse(name)}
                    )
    return {
        "menu": menu,
        "primary_role": role,
        "primary_role_label": Role(role).label if role else "",
        **text_size_context(request),
    }
