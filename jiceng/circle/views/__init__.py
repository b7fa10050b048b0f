"""Pages of the 15-minute service circle: the map (`circle.py`), the places and the imports."""

from jiceng.core.models import Role

STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)
