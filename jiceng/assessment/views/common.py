"""What the assessment pages share: who edits schemes and who reads scores."""

from jiceng.core.models import Role
from jiceng.core.scope import require_role

EDITORS = (Role.DISTRICT_ADMIN,)


def editor_scope(request):
    """The district's organisation department: a district administrator. Anyone else gets 404."""
    return require_role(request.user, *EDITORS)
