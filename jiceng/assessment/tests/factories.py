"""Builders of assessment fixtures: a published scheme of chosen indicators."""

from jiceng.assessment.services import indicator_add, scheme_create, scheme_publish


def published_scheme(district, year, subject_type, indicators, **bands):
    """`indicators`: (code, weight, scoring overrides) triples whose weights add up to 100."""
    scheme = scheme_create(district=district, year=year, subject_type=subject_type, name="测试方案", **bands)
    for code, weight, scoring in indicators:
        indicator_add(scheme=scheme, code=code, weight=weight, **scoring)
    return scheme_publish(scheme=scheme)
