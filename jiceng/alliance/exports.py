"""The sheets of every alliance download, built from querysets the views have already scoped.

Each function takes what the user may see and returns `core.sheets.Sheet`s; the view
turns them into a file with `xlsx_response`, which keeps every cell inert and audits
the export.
"""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.alliance.models import (
    Action,
    Alliance,
    Attendance,
    Meeting,
    Need,
    Project,
    ReportIn,
    ReportInConfirmation,
    Resource,
    SectorBranch,
)
from jiceng.alliance.queries.coverage import (
    coverage_list_by_org,
    coverage_list_by_subdistrict,
    coverage_sum,
    sector_branch_is_faded,
    sector_branch_list_faded,
)
from jiceng.alliance.queries.report_in import ServiceRecord, service_record_list
from jiceng.core.sheets import Sheet
from jiceng.orgs.models import Organization


def member_sheets(alliance: Alliance) -> list[Sheet]:
    """The members, past and present, then the rotating chair's terms."""
    members = alliance.members.select_related("organization__region").order_by("kind", "organization__name")
    rows = [
        (
            m.organization.name,
            m.get_kind_display(),
            m.organization.region.name,
            m.joined_on,
            m.left_on,
            m.contact_name,
            m.contact_phone,
        )
        for m in members
    ]
    terms = [
        (t.member.organization.name, t.starts_on, t.ends_on)
        for t in alliance.chair_terms.select_related("member__organization").order_by("starts_on")
    ]
    headers = [
        _("成员单位"),
        _("成员类别"),
        _("所在区划"),
        _("加入日期"),
        _("退出日期"),
        _("联络人"),
        _("联系电话"),
    ]
    return [
        Sheet(_("成员单位"), headers, rows, (36, 14, 20, 12, 12, 12, 16)),
        Sheet(_("轮值主席"), [_("轮值主席单位"), _("开始日期"), _("结束日期")], terms, (36, 12, 12)),
    ]


def meeting_sheets(meetings: QuerySet[Meeting]) -> list[Sheet]:
    rows = []
    for m in meetings.prefetch_related("invitations", "resolutions", "agenda"):
        present = sum(1 for i in m.invitations.all() if i.attendance == Attendance.PRESENT)
        rows.append(
            (
                m.alliance.name,
                m.get_kind_display(),
                m.title,
                m.scheduled_at,
                m.place,
                m.get_status_display(),
                len(m.invitations.all()),
                present,
                len(m.agenda.all()),
                len(m.resolutions.all()),
                m.minutes,
            )
        )
    headers = [
        _("联盟"),
        _("会议类型"),
        _("会议名称"),
        _("会议时间"),
        _("会议地点"),
        _("状态"),
        _("邀请单位"),
        _("出席单位"),
        _("议题"),
        _("决议"),
        _("会议纪要"),
    ]
    return [Sheet(_("会议"), headers, rows, (24, 12, 30, 18, 20, 12, 10, 10, 8, 8, 60))]


def action_sheets(actions: QuerySet[Action]) -> list[Sheet]:
    today = timezone.localdate()
    rows = [
        (
            a.alliance.name,
            a.get_track_display(),
            a.title,
            a.owner.name,
            a.resolution.meeting.title,
            a.resolution.text,
            a.due_on,
            a.get_status_display(),
            _("逾期") if a.is_overdue(today) else "",
            a.progress,
            a.served_community.name if a.served_community_id else "",
            a.closed_at,
            a.result,
            a.rating,
            a.get_rating_source_display() if a.rating_source else "",
        )
        for a in actions
    ]
    headers = [
        _("联盟"),
        _("类别"),
        _("任务"),
        _("责任单位"),
        _("来源会议"),
        _("决议"),
        _("完成时限"),
        _("状态"),
        _("逾期"),
        _("进度（%）"),
        _("服务社区"),
        _("办结时间"),
        _("办理结果"),
        _("评价（1–5）"),
        _("评价方"),
    ]
    return [Sheet(_("任务"), headers, rows, (22, 10, 30, 24, 24, 30, 12, 10, 8, 10, 16, 18, 40, 10, 14))]


def need_sheets(needs: QuerySet[Need]) -> list[Sheet]:
    rows = [
        (
            n.pk,
            n.title,
            n.get_category_display(),
            n.get_urgency_display(),
            n.get_source_display(),
            n.requester.masked_name if n.requester_id else "",
            n.community.name,
            n.lon,
            n.lat,
            n.get_status_display(),
            n.created_at,
            n.resolved_at,
            n.rating,
            n.rated_at,
        )
        for n in needs
    ]
    headers = [
        _("编号"),
        _("需求"),
        _("类别"),
        _("紧急程度"),
        _("来源"),
        _("提出居民"),
        _("社区"),
        _("经度"),
        _("纬度"),
        _("状态"),
        _("提出时间"),
        _("解决时间"),
        _("满意度（1–5）"),
        _("评价时间"),
    ]
    return [Sheet(_("需求清单"), headers, rows, (8, 30, 10, 8, 10, 10, 20, 10, 10, 8, 18, 18, 10, 18))]


def resource_sheets(resources: QuerySet[Resource]) -> list[Sheet]:
    rows = [
        (
            r.pk,
            r.title,
            r.get_category_display(),
            r.amount,
            r.organization.name,
            r.community.name,
            r.lon,
            r.lat,
            _("可提供") if r.is_active else _("已撤下"),
            r.created_at,
        )
        for r in resources.order_by("-created_at")
    ]
    headers = [
        _("编号"),
        _("资源"),
        _("类别"),
        _("数量/频次"),
        _("提供单位"),
        _("所在社区"),
        _("经度"),
        _("纬度"),
        _("状态"),
        _("登记时间"),
    ]
    return [Sheet(_("资源清单"), headers, rows, (8, 30, 10, 16, 26, 20, 10, 10, 8, 18))]


def project_sheets(projects: QuerySet[Project]) -> list[Sheet]:
    rows = [
        (
            p.pk,
            p.title,
            p.need.title,
            p.need.community.name,
            "；".join(f"{r.title}（{r.organization.name}）" for r in p.resources.all()),
            p.owner.name,
            p.starts_on,
            p.ends_on,
            p.get_status_display(),
            p.closed_at,
            p.closure_note,
            p.rating,
            p.rating_comment,
            p.rated_at,
        )
        for p in projects.prefetch_related("resources__organization").order_by("-created_at")
    ]
    headers = [
        _("编号"),
        _("项目"),
        _("需求"),
        _("社区"),
        _("资源"),
        _("牵头单位"),
        _("开始日期"),
        _("计划完成日期"),
        _("状态"),
        _("结项时间"),
        _("结项说明"),
        _("需求方评价（1–5）"),
        _("评价意见"),
        _("评价时间"),
    ]
    return [
        Sheet(_("项目清单"), headers, rows, (8, 26, 26, 18, 40, 24, 12, 12, 8, 18, 40, 10, 24, 18)),
    ]


def report_in_sheets(report_ins: QuerySet[ReportIn], year: int) -> list[Sheet]:
    """Every reported-in member with what they served in `year`."""
    report_ins = list(report_ins.prefetch_related("posts").order_by("community__code", "pk"))
    records = service_record_list(report_ins, year)
    rows = [
        (
            r.person.name,
            r.get_origin_display(),
            r.home_label,
            r.community.name,
            r.reported_on,
            r.get_status_display(),
            "、".join(p.name for p in r.posts.all()),
            records[r.pk].activities,
            records[r.pk].minutes,
        )
        for r in report_ins
    ]
    headers = [
        _("姓名"),
        _("党员来源"),
        _("所在党组织/工作单位"),
        _("报到社区"),
        _("报到日期"),
        _("状态"),
        _("认领岗位"),
        _("%(y)d 年参加活动次数") % {"y": year},
        _("%(y)d 年服务时长（分钟）") % {"y": year},
    ]
    return [Sheet(_("报到党员"), headers, rows, (12, 10, 30, 20, 12, 12, 30, 14, 16))]


def report_in_feedback_sheets(
    report_in: ReportIn, confirmation: ReportInConfirmation, record: ServiceRecord
) -> list[Sheet]:
    """The yearly feedback for the member's home branch: the confirmed summary, then each activity."""
    community = report_in.community
    summary = [
        (_("姓名"), report_in.person.name),
        (_("党员来源"), report_in.get_origin_display()),
        (_("所在党组织/工作单位"), report_in.home_label),
        (_("报到社区"), f"{community.parent.name if community.parent_id else ''}{community.name}"),
        (_("报到日期"), report_in.reported_on),
        (_("认领岗位"), "、".join(p.name for p in report_in.posts.all())),
        (_("认领项目"), "、".join(p.title for p in report_in.projects.all())),
        (_("年度"), confirmation.year),
        (_("参加活动次数"), confirmation.activities),
        (_("服务时长（小时）"), round(confirmation.minutes / 60, 1)),
        (_("社区评价意见"), confirmation.comment),
        (_("确认人"), str(confirmation.confirmed_by)),
        (_("确认时间"), confirmation.confirmed_at),
    ]
    detail = [
        (
            timezone.localtime(c.checked_in_at).date(),
            c.activity.title,
            c.activity.place,
            c.checked_in_at,
            c.checked_out_at,
            c.minutes,
        )
        for c in record.rows
    ]
    return [
        Sheet(_("服务情况反馈表"), [_("项目"), _("内容")], summary, (22, 60)),
        Sheet(
            _("活动明细"),
            [_("日期"), _("活动"), _("地点"), _("签到"), _("签退"), _("服务时长（分钟）")],
            detail,
            (12, 30, 24, 18, 18, 14),
        ),
    ]


def coverage_sheets(
    orgs: QuerySet[Organization], branches: QuerySet[SectorBranch], months: int
) -> list[Sheet]:
    """New-sector coverage: the rate per subdistrict, each organisation, and the 边建边散 branches."""
    by_org = coverage_list_by_org(orgs)
    table = coverage_list_by_subdistrict(by_org, months)
    rates = [(r.name, r.total, r.covered, r.rate, r.members, r.faded) for r in table]
    total = coverage_sum(table)
    rates.append((_("合计"), total.total, total.covered, total.rate, total.members, total.faded))
    org_rows = [
        (
            r.org.name,
            r.org.get_sector_display(),
            r.org.region.name,
            _("已覆盖") if r.covered else _("未覆盖"),
            r.active.name if r.active else (r.latest.name if r.latest else ""),
            r.active.founded_on if r.active else (r.latest.founded_on if r.latest else None),
            None if r.active or not r.latest else r.latest.ended_on,
            "" if r.active or not r.latest else r.latest.get_state_display(),
            r.member_count,
            _("是") if any(sector_branch_is_faded(b, months) for b in r.branches) else "",
        )
        for r in by_org
    ]
    fades = [
        (
            b.sector_org.name,
            b.sector_org.region.name,
            b.name,
            b.founded_on,
            b.ended_on,
            b.get_state_display(),
            b.lived_days,
            b.note,
        )
        for b in sector_branch_list_faded(branches, months)
    ]
    return [
        Sheet(
            _("覆盖率"),
            [_("街道"), _("新兴领域组织"), _("已建党组织"), _("覆盖率（%）"), _("党员人数"), _("边建边散")],
            rates,
            (24, 14, 14, 12, 10, 10),
        ),
        Sheet(
            _("新兴领域组织"),
            [
                _("名称"),
                _("类别"),
                _("所在区划"),
                _("覆盖"),
                _("党组织"),
                _("成立日期"),
                _("停止日期"),
                _("停止情况"),
                _("党员人数"),
                _("边建边散"),
            ],
            org_rows,
            (28, 10, 20, 8, 30, 12, 12, 10, 10, 10),
        ),
        Sheet(
            _("边建边散"),
            [
                _("新兴领域组织"),
                _("所在区划"),
                _("党组织"),
                _("成立日期"),
                _("停止日期"),
                _("情况"),
                _("存续天数"),
                _("原因"),
            ],
            fades,
            (28, 20, 30, 12, 12, 10, 10, 30),
        ),
    ]
