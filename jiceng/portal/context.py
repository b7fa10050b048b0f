"""What every page's shell needs: the menu for the user's roles and the display mode."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiceng.core.models import Role
from jiceng.core.scope import scope_for
from jiceng.core.text_size import text_size_context

# Headings of the staff menus: the district's menu holds thirty pages, so it is read by area of work.
OVERVIEW = _("总览与联动")
BANK = _("道德银行")
ALLIANCE = pgettext_lazy("menu", "区域党建")
CIRCLE = _("一刻钟服务圈")
PEOPLE = pgettext_lazy("menu", "居民与组织")
WORKFORCE = pgettext_lazy("menu", "队伍与经费")
ASSESSMENT = pgettext_lazy("menu", "考核")
SYSTEM = _("系统")
MINE = pgettext_lazy("menu", "我的")

# Subdistrict and district administrators share one menu, grouped by area of work;
# the district adds its settings to the groups they belong to; each reads the audit trail of its own region.
ADMIN_MENU = [
    (OVERVIEW, _("工作台"), "portal:workbench"),
    (OVERVIEW, _("四级总览"), "cockpit:overview"),
    (OVERVIEW, _("四级联动任务"), "linkage:list"),
    (OVERVIEW, pgettext_lazy("menu", "网格"), "linkage:grids"),
    (BANK, _("公示栏"), "bank:my_board"),
    (BANK, pgettext_lazy("menu", "积分规则"), "bank:rules"),
    (BANK, _("联盟单位审批"), "bank:partner_review"),
    (BANK, _("积分结算报表"), "bank:settlement"),
    (BANK, _("公平性提示"), "bank:signals"),
    (ALLIANCE, _("党建联盟"), "alliance:home"),
    (ALLIANCE, _("联盟任务"), "alliance:actions"),
    (ALLIANCE, _("三张清单"), "alliance:needs"),
    (ALLIANCE, _("活动"), "activities:list"),
    (ALLIANCE, _("新兴领域覆盖"), "alliance:coverage"),
    (CIRCLE, _("一刻钟服务圈"), "circle:map"),
    (CIRCLE, _("服务阵地"), "circle:places"),
    (PEOPLE, pgettext_lazy("menu", "居民"), "people:list"),
    (PEOPLE, _("导入居民"), "people:import"),
    (PEOPLE, _("组织"), "orgs:list"),
    (WORKFORCE, pgettext_lazy("menu", "社区工作者"), "workforce:workers"),
    (WORKFORCE, _("社工工资表"), "workforce:pay_sheets"),
    (WORKFORCE, _("社工配备"), "workforce:staffing"),
    (WORKFORCE, _("经费保障"), "funding:funds"),
    (WORKFORCE, _("购买服务"), "funding:contracts"),
    (ASSESSMENT, _("考核结果"), "assessment:runs"),
]

# (heading or None, label, url name) — one menu per role, in the order the role uses the pages;
# `menu_for` gathers each heading's pages together.
MENU = {
    Role.DISTRICT_ADMIN: ADMIN_MENU
    + [
        (WORKFORCE, _("社工职业体系设置"), "workforce:settings"),
        (WORKFORCE, _("三社联动目标"), "funding:target"),
        (ASSESSMENT, _("考核方案"), "assessment:schemes"),
        (SYSTEM, _("行政区划"), "regions:tree"),
        (SYSTEM, _("审计日志"), "core:audit"),
    ],
    Role.SUBDISTRICT_ADMIN: ADMIN_MENU + [(SYSTEM, _("审计日志"), "core:audit")],
    Role.COMMUNITY_WORKER: [
        (OVERVIEW, _("工作台"), "portal:workbench"),
        (OVERVIEW, pgettext_lazy("menu", "上级任务"), "linkage:list"),
        (OVERVIEW, pgettext_lazy("menu", "网格"), "linkage:grids"),
        (OVERVIEW, _("社区总览"), "cockpit:overview"),
        (BANK, _("审核申报"), "bank:review"),
        (BANK, _("代办申报"), "bank:office_claim"),
        (BANK, _("公示栏"), "bank:my_board"),
        (BANK, pgettext_lazy("menu", "积分规则"), "bank:rules"),
        (BANK, _("爱心池"), "bank:love_pool"),
        (BANK, _("需要帮助的居民"), "bank:persons_in_need"),
        (PEOPLE, pgettext_lazy("menu", "居民"), "people:list"),
        (PEOPLE, _("导入居民"), "people:import"),
        (CIRCLE, _("一刻钟服务圈"), "circle:map"),
        (CIRCLE, _("服务阵地"), "circle:places"),
        (ALLIANCE, _("三张清单"), "alliance:needs"),
        (ALLIANCE, _("联盟任务"), "alliance:actions"),
        (ALLIANCE, _("我的会议"), "alliance:my_meetings"),
        (ALLIANCE, _("党建联盟"), "alliance:home"),
        (ALLIANCE, _("活动"), "activities:list"),
        (ALLIANCE, _("报到党员"), "alliance:report_ins"),
        (MINE, _("我的职级与工资"), "workforce:me"),
    ],
    Role.GRID_WORKER: [
        (None, _("网格工作台"), "linkage:grid_home"),
        (None, pgettext_lazy("menu", "上级任务"), "linkage:list"),
    ],
    Role.UNIT_OPERATOR: [
        (None, _("本单位"), "portal:unit_home"),
        (BANK, _("道德联盟"), "bank:partner_home"),
        (BANK, _("扫码核销"), "bank:partner_scan"),
        (BANK, _("兑换记录"), "bank:partner_redemptions"),
        (BANK, _("月度对账"), "bank:partner_statement"),
        (ALLIANCE, _("联盟任务"), "alliance:actions"),
        (ALLIANCE, _("我的会议"), "alliance:my_meetings"),
        (ALLIANCE, _("资源清单"), "alliance:resources"),
        (ALLIANCE, _("活动"), "activities:list"),
        (ASSESSMENT, _("考核结果"), "assessment:runs"),
    ],
    # a resident's phone shows the home page's tiles instead; the strip menu has no headings
    Role.RESIDENT: [
        (None, _("我的首页"), "portal:resident_home"),
        (None, _("我的积分"), "bank:my_points"),
        (None, _("积分兑换"), "bank:rewards"),
        (None, _("我的兑换券"), "bank:my_vouchers"),
        (None, _("善行传递"), "bank:give"),
        (None, _("道德日记"), "diary:list"),
        (None, _("我的申报"), "bank:my_claims"),
        (None, _("公示栏"), "bank:my_board"),
        (None, _("社区活动"), "activities:list"),
        (None, _("我的需求"), "alliance:my_needs"),
        (None, _("到社区报到"), "alliance:report_in_me"),
    ],
}


def menu_for(roles, path: str) -> list[dict]:
    """The menu of every role the user holds, each page once, the pages of one heading together (in
    the order the headings first appear); an item carries its heading when it opens a group."""
    groups: dict = {}
    seen = set()
    for r in roles:
        for heading, label, name in MENU.get(Role(r), []):
            if name not in seen:
                seen.add(name)
                url = reverse(name)
                groups.setdefault(heading, []).append({"label": label, "url": url, "active": path == url})
    menu = []
    for heading, items in groups.items():
        for n, item in enumerate(items):
            menu.append(item | {"heading": heading if n == 0 else None})
    return menu


def shell(request):
    user = getattr(request, "user", None)
    menu = []
    role = None
    if user is not None and user.is_authenticated:
        scope = scope_for(user)
        role = scope.primary_role
        menu = menu_for(scope.roles, request.path)
    return {
        "menu": menu,
        "primary_role": role,
        "primary_role_label": Role(role).label if role else "",
        **text_size_context(request),
    }
