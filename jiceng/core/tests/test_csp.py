"""Every page carries the Content-Security-Policy, and map tiles from the configured host are allowed."""

import pytest
from django.test import override_settings

from jiceng.core.csp import tile_source


def directives(response) -> dict[str, list[str]]:
    text = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in text.split(";"))}


@pytest.mark.django_db
def test_it_sends_the_policy_on_every_page(client):
    policy = directives(client.get("/login/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert not any("unsafe" in v for values in policy.values() for v in values)


@pytest.mark.django_db
def test_it_allows_the_configured_tile_host(client):
    with override_settings(MAP_TILE_URL="https://{s}.tiles.example.gov.cn/osm/{z}/{x}/{y}.png"):
        assert directives(client.get("/login/"))["img-src"] == [
            "'self'",
            "data:",
            "https://*.tiles.example.gov.cn",
        ]


@pytest.mark.django_db
def test_it_only_reports_on_a_trial(client):
    with override_settings(CSP_REPORT_ONLY=True):
        response = client.get("/login/")
    assert "Content-Security-Policy" not in response.headers
    assert "default-src 'self'" in response.headers["Content-Security-Policy-Report-Only"]


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("", None),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("http://10.1.2.3:8080/{z}/{x}/{y}.png", "http://10.1.2.3:8080"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ],
)
def test_it_derives_the_tile_source_from_the_tile_url(url, source):
    assert tile_source(url) == source
