"""Rotating on-site tokens: HMAC of an object and a 30-second window.

A screen at the site shows a QR code whose token is HMAC(key, subject, window). A token is
accepted in its own window and the next one, so a screenshot sent away from the site stops
working within a minute. The window number travels in the token, so an old token is told apart
from a forged one. Activities' check-in and the alliance's meeting check-in both use it; each
says in its own words what went wrong.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

WINDOW_SECONDS = 30
MAC_CHARS = 16


class Forged(Exception):
    """The token was not made for this object (or not by this server)."""


class Stale(Exception):
    """The token was made for this object, but more than one window ago."""


def key(namespace: str, extra: str = "") -> bytes:
    return hashlib.sha256(f"jiceng.{namespace}:{settings.SECRET_KEY}:{extra}".encode()).digest()


def window_of(now: dt.datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp()) // WINDOW_SECONDS


def seconds_left(now: dt.datetime | None = None) -> int:
    """Seconds until the current window ends (the QR on screen changes then)."""
    stamp = (now or timezone.now()).timestamp()
    return WINDOW_SECONDS - int(stamp) % WINDOW_SECONDS


def mac(namespace: str, secret: str, subject, window: int) -> str:
    return hmac.new(key(namespace, secret), f"{subject}:{window}".encode(), hashlib.sha256).hexdigest()[
        :MAC_CHARS
    ]


def token_for(namespace: str, secret: str, subject, now: dt.datetime | None = None) -> str:
    window = window_of(now)
    return f"{window:x}-{mac(namespace, secret, subject, window)}"


def verify(namespace: str, secret: str, subject, token: str, now: dt.datetime | None = None) -> None:
    """Accept a token of the current or the previous window; raise Forged or Stale otherwise."""
    try:
        window_hex, given = token.split("-", 1)
        window = int(window_hex, 16)
    except ValueError:
        raise Forged from None
    if not hmac.compare_digest(given, mac(namespace, secret, subject, window)):
        raise Forged
    current = window_of(now)
    if window > current:
        raise Forged
    if window < current - 1:
        raise Stale
