"""What every located row of the service circle shares: WGS-84 degrees in range."""

from django.db.models import Q

WGS84_OK = Q(lon__gte=-180) & Q(lon__lte=180) & Q(lat__gte=-90) & Q(lat__lte=90)
