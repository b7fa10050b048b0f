"""A manual indicator counts only with uploaded evidence and a second approver."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.models import ManualEntry, SubjectType
from jiceng.assessment.services import manual_approve, manual_enter, run_compute
from jiceng.assessment.tests.factories import published_scheme

YEAR = timezone.localdate().year


def pdf():
    return SimpleUploadedFile("证明.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")


@pytest.fixture
def scheme(regions):
    return published_scheme(
        regions["district"],
        YEAR,
        SubjectType.SUBDISTRICT,
        [
            ("manual", Decimal(50), {"name": "安全生产无事故", "target": Decimal(1)}),
            ("bank.coverage", Decimal(50), {}),
        ],
    )


def test_without_evidence_it_is_refused(scheme, regions, personas):
    ind = scheme.indicators.get(code="manual")
    with pytest.raises(AssessmentError, match="必须上传证明材料"):
        manual_enter(
            indicator=ind, subject=regions["A"], value=1, evidence=None, by=personas["district_admin"]
        )
    assert not ManualEntry.objects.exists()


def test_the_person_who_entered_it_cannot_approve_it(scheme, regions, personas):
    ind = scheme.indicators.get(code="manual")
    entry = manual_enter(
        indicator=ind, subject=regions["A"], value=1, evidence=pdf(), by=personas["district_admin"]
    )
    with pytest.raises(AssessmentError, match="另一人复核"):
        manual_approve(entry=entry, by=personas["district_admin"])
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        ManualEntry.objects.filter(pk=entry.pk).update(approved_by=personas["district_admin"])


def test_only_an_approved_entry_counts_in_a_run(scheme, regions, personas, period):
    ind = scheme.indicators.get(code="manual")
    entry = manual_enter(
        indicator=ind, subject=regions["A"], value=1, evidence=pdf(), by=personas["district_admin"]
    )
    before = run_compute(scheme=scheme, period_start=period[0], period_end=period[1])
    line = before.scores.get(region=regions["A"]).lines.get(indicator=ind)
    assert line.value is None and line.points == 0 and line.is_manual
    manual_approve(entry=entry, by=personas["sub_admin"])
    after = run_compute(scheme=scheme, period_start=period[0], period_end=period[1])
    line = after.scores.get(region=regions["A"]).lines.get(indicator=ind)
    assert (line.value, line.points, line.records) == (
        Decimal("1"),
        Decimal("100.0"),
        [["assessment.ManualEntry", entry.pk]],
    )
    assert after.input_hash != before.input_hash


def test_a_computed_indicator_cannot_be_typed_in(scheme, regions, personas):
    ind = scheme.indicators.get(code="bank.coverage")
    with pytest.raises(AssessmentError, match="不能人工填报"):
        manual_enter(
            indicator=ind, subject=regions["A"], value=100, evidence=pdf(), by=personas["district_admin"]
        )
