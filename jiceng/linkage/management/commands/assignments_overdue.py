"""List the recipients whose task is past its deadline and not done: who to remind (cron, daily)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jiceng.linkage.queries import assignment_list_overdue
from jiceng.regions.models import Level, Region


class Command(BaseCommand):
    help = _("列出逾期未完成任务的承办单位，供提醒")

    def handle(self, *args, **options):
        total = 0
        for district in Region.objects.filter(level=Level.DISTRICT, is_active=True):
            for s in assignment_list_overdue(district):
                a = s.assignment
                total += 1
                self.stdout.write(
                    _("%(region)s：「%(title)s」期限 %(deadline)s，进度 %(count)d/%(of)d（%(issuer)s 下派）")
                    % {
                        "region": a.region.name,
                        "title": a.title,
                        "deadline": a.deadline.isoformat(),
                        "count": s.count,
                        "of": s.of,
                        "issuer": a.parent.region.name,
                    }
                )
        self.stdout.write(_("共 %(n)d 项逾期未完成。") % {"n": total})
