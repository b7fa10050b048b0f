"""Moral Bank pages, one module per area: ledger (public log, my points), claims, reviews, notices,
rules, rewards (the Moral Alliance), giving and reports."""

from django.http import Http404, HttpRequest

from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.people.models import Person


def resident_or_404(request: HttpRequest) -> Person:
    """The resident behind the request; a page for residents does not exist for anyone else."""
    require_role(request.user, Role.RESIDENT)
    if request.user.person is None:
        raise Http404
    return request.user.person
