"""Logging in with a phone number or a username, and slowing down password guessing.

1. **One account, one count.** Whatever name is typed, username or phone (full-width
   digits included), failures are counted against the account it resolves to; a name
   that matches no account is counted under that name.
2. **The real client address.** `X-Forwarded-For` is read only when the request comes
   from a proxy listed in `TRUSTED_PROXIES`; otherwise `REMOTE_ADDR` is the client.
3. **Slow down, never lock out.** After `LOGIN_MAX_FAILURES` failures from one address
   against one account, that address waits before trying that account again, the wait
   doubling with each further failure (from `LOGIN_DELAY_SECONDS` up to
   `LOGIN_MAX_DELAY_SECONDS`). An address with four times as many failures against any
   accounts waits for all of them; an account with four times as many failures from
   everywhere makes every address that failed against it wait. The right password from
   another, clean address still works, so a flood never locks the owner out.
4. **The owner is told.** The next successful login shows how many wrong passwords were
   tried since the last one, and writes an audit entry with the count and the times
   (no address, no typed name).
"""

import datetime as dt
import ipaddress

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from jiceng.core.models import LoginFailure, User
from jiceng.core.validators import ascii_normalize, phone_normalize

# Failure rows older than this are removed as new ones arrive.
KEEP_FAILURES = dt.timedelta(days=1)


def account_get(identifier: str) -> User | None:
    """The account a typed username or phone number names, if any."""
    ident = ascii_normalize(identifier)
    if not ident:
        return None
    return User.objects.filter(Q(username=ident) | Q(phone=phone_normalize(ident))).first()


class PhoneOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = account_get(username)
        if user is None:
            # Hash anyway so timing doesn't reveal which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _trusted(address: str, proxies) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_ip(request) -> str | None:
    """The client's address: `X-Forwarded-For` counts only when it comes from a trusted proxy.

    The header is read from the right, skipping trusted proxies; the first other address is
    the client (anything further left could have been written by the client itself).
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = [ipaddress.ip_network(p, strict=False) for p in settings.TRUSTED_PROXIES]
    if not remote or not _trusted(remote, proxies):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # a malformed hop: trust nothing beyond it
        if not _trusted(hop, proxies):
            return hop
    return remote


def _account_key(identifier: str) -> str:
    user = account_get(identifier)
    return f"acct:{user.pk}" if user else f"name:{ascii_normalize(identifier).lower()[:150]}"


def _keys(identifier: str, ip: str | None) -> dict[str, str]:
    account = _account_key(identifier)
    keys = {"account": account}
    if ip:
        keys |= {"ip": f"ip:{ip}", "pair": f"pair:{account}|{ip}"}
    return keys


def _delay(excess: int) -> int:
    return min(settings.LOGIN_MAX_DELAY_SECONDS, settings.LOGIN_DELAY_SECONDS * 2 ** min(excess, 30))


def login_wait_seconds(identifier: str, ip: str | None) -> int:
    """Seconds this address must wait before trying this account again (0: it may try now)."""
    now = timezone.now()
    since = now - dt.timedelta(seconds=settings.LOGIN_WINDOW_SECONDS)
    keys = _keys(identifier, ip)
    rows = (
        LoginFailure.objects.filter(key__in=keys.values(), at__gte=since)
        .values("key")
        .annotate(n=Count("id"), last=Max("at"))
    )
    seen = {r["key"]: (r["n"], r["last"]) for r in rows}
    n = {name: seen.get(key, (0, None))[0] for name, key in keys.items()}
    last = {name: seen.get(key, (0, None))[1] for name, key in keys.items()}
    most = settings.LOGIN_MAX_FAILURES
    waits = []
    if n.get("pair", 0) >= most:
        waits.append((last["pair"], _delay(n["pair"] - most)))
    if n.get("ip", 0) >= 4 * most:
        waits.append((last["ip"], _delay(n["ip"] - 4 * most)))
    if n["account"] >= 4 * most and (n.get("pair", 0) > 0 or not ip):
        waits.append((last["account"], _delay(n["account"] - 4 * most)))
    remaining = [(at + dt.timedelta(seconds=delay) - now).total_seconds() for at, delay in waits]
    return max([0, *(int(r) + 1 for r in remaining if r > 0)])


def record_failure(identifier: str, ip: str | None) -> None:
    LoginFailure.objects.filter(at__lt=timezone.now() - KEEP_FAILURES).delete()
    LoginFailure.objects.bulk_create([LoginFailure(key=k) for k in _keys(identifier, ip).values()])


def failures_since_last_login(user: User, ip: str | None) -> dict | None:
    """On a successful login: the wrong passwords tried on this account since, then forget them.

    Returns {"failures", "first", "last", "addresses"} for the owner's notice and the audit
    trail, or None when there were none. The pair of this address is cleared too, so the
    owner's own address is clean again; other addresses keep their count.
    """
    account = f"acct:{user.pk}"
    stats = LoginFailure.objects.filter(key=account).aggregate(n=Count("id"), first=Min("at"), last=Max("at"))
    addresses = (
        LoginFailure.objects.filter(key__startswith=f"pair:{account}|").values("key").distinct().count()
    )
    LoginFailure.objects.filter(key=account).delete()
    if ip:
        LoginFailure.objects.filter(key=f"pair:{account}|{ip}").delete()
    if not stats["n"]:
        return None
    return {"failures": stats["n"], "first": stats["first"], "last": stats["last"], "addresses": addresses}
