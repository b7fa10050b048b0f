"""The Content-Security-Policy every response carries.

Scripts, styles, fonts, frames and connections come only from this site: every script
is a static file (values it needs travel in ``data-`` attributes or ``json_script``
blocks), and no template carries an inline ``<script>``, ``on*`` handler or ``style``
attribute. Images may also be ``data:`` URIs (Leaflet's and the QR codes' inline
images) and tiles from the host of ``MAP_TILE_URL``, which is derived here so the map
keeps working wherever an operator points it.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source of a Leaflet tile URL template, or None when tiles come from this site.

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` becomes ``https://*.tile.example.org``:
    the ``{s}`` subdomain placeholder stands for any subdomain.
    """
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "sub-placeholder"))
    if not parts.netloc:
        return None  # a path on this site: 'self' covers it
    host = parts.netloc.replace("sub-placeholder", "*")
    if "{" in host:
        # Another placeholder in the host (rare): allow any subdomain of what follows it.
        host = "*." + host.rsplit("}", 1)[-1].lstrip(".")
    return f"{parts.scheme}://{host}" if parts.scheme else host


def policy() -> str:
    """The policy text, built from settings."""
    img = ["'self'", "data:"]
    tiles = tile_source(settings.MAP_TILE_URL)
    if tiles:
        img.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": img,
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """Sets the policy on every response that has none (``CSP_REPORT_ONLY`` only reports)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Built per response (a few string joins) so a changed setting applies at once.
        response.headers.setdefault(REPORT_ONLY_HEADER if settings.CSP_REPORT_ONLY else HEADER, policy())
        return response
