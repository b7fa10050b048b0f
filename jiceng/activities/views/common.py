"""What every activities page starts with: the scoped fetch of an activity, the resident, a QR code."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from jiceng.activities.models import Activity
from jiceng.activities.queries.activity import ORGANISERS, activity_list_organised
from jiceng.core.models import Role
from jiceng.core.qr import qr_svg as core_qr_svg
from jiceng.core.scope import require_role


def get_or_404(qs, pk: int) -> Activity:
    activity = qs.filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def organised_or_404(request: HttpRequest, pk: int) -> Activity:
    """An activity the user runs; 404 for anyone else."""
    require_role(request.user, *ORGANISERS)
    return get_or_404(activity_list_organised(request.user), pk)


def resident_or_404(request: HttpRequest):
    """The signed-in resident's person; 404 for other roles."""
    require_role(request.user, Role.RESIDENT)
    if request.user.person is None:
        raise Http404
    return request.user.person


def qr_svg(text: str, scale: int = 8, *, label: str = "") -> str:
    return core_qr_svg(text, label=label or _("签到二维码"), scale=scale, svgclass="")
