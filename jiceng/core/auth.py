"""Log in with a phone number or a username; failures are throttled per account and per address."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.utils import timezone

from jiceng.core.models import LoginFailure, User


class PhoneOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        ident = username.strip()
        user = User.objects.filter(Q(username=ident) | Q(phone=ident)).first()
        if user is None:
            # Hash anyway so timing doesn't reveal which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _keys(identifier: str, ip: str | None) -> list[str]:
    keys = [f"user:{identifier.strip().lower()}"]
    if ip:
        keys.append(f"ip:{ip}")
    return keys


def login_blocked(identifier: str, ip: str | None) -> bool:
    since = timezone.now() - dt.timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)
    for key in _keys(identifier, ip):
        limit = settings.LOGIN_MAX_FAILURES * (4 if key.startswith("ip:") else 1)
        if LoginFailure.objects.filter(key=key, at__gte=since).count() >= limit:
            return True
    return False


def record_failure(identifier: str, ip: str | None) -> None:
    LoginFailure.objects.bulk_create([LoginFailure(key=k) for k in _keys(identifier, ip)])


def clear_failures(identifier: str) -> None:
    LoginFailure.objects.filter(key__in=_keys(identifier, None)).delete()
