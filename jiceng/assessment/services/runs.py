"""A run computes every indicator of a published scheme for every subject and freezes the result."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from jiceng.assessment import records as record_sets
from jiceng.assessment.catalogue import CATALOGUE
from jiceng.assessment.catalogue.registry import reads_mapped, tallies_shared
from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.models import AssessmentRun, ManualEntry, Scheme, Score, ScoreLine
from jiceng.assessment.queries.subjects import subject_key, subject_list, subject_region
from jiceng.assessment.records import RecordSet
from jiceng.core.audit import audit


def _canon(value) -> str:
    return "null" if value is None else format(Decimal(value).normalize(), "f")


def run_inputs(scheme: Scheme, start: dt.date, end: dt.date) -> tuple[list, str]:
    """Every subject's value and records per indicator, and the SHA-256 of their canonical JSON."""
    indicators = list(scheme.indicators.all())
    manual = {
        (m.indicator_id, subject_key(m.subject)): m
        for m in ManualEntry.objects.filter(
            indicator__in=indicators, approved_by__isnull=False
        ).select_related("region", "organization")
    }
    subjects = subject_list(scheme)
    # one call per indicator for every subject when the computation has a batch form
    with tallies_shared(), reads_mapped():
        batched = {
            ind.code: CATALOGUE[ind.code].batch(subjects, start, end)
            for ind in indicators
            if not ind.is_manual and CATALOGUE[ind.code].batch is not None
        }
    out = []
    for subject in subjects:
        cells = []
        for ind in indicators:
            if ind.is_manual:
                m = manual.get((ind.pk, subject_key(subject)))
                value = m.value if m else None
                records = RecordSet.of("assessment.ManualEntry", [m.pk]) if m else RecordSet()
            else:
                if ind.code in batched:
                    res = batched[ind.code][subject.pk]
                else:
                    res = CATALOGUE[ind.code].fn(subject, start, end)
                value = None if res.value is None else Decimal(res.value)
                records = record_sets.coerce(res.records)
            cells.append((ind, value, records))
        out.append((subject, cells))
    canonical = {
        "scheme": [scheme.pk, scheme.version],
        "period": [start.isoformat(), end.isoformat()],
        "indicators": [
            [
                i.code,
                _canon(i.weight),
                _canon(i.max_points),
                i.rule,
                _canon(i.floor),
                _canon(i.target),
                _canon(i.base_points),
                _canon(i.per_event),
            ]
            for i in indicators
        ],
        "subjects": [
            [subject_key(s), [[i.code, _canon(v), len(recs), recs.digest()] for i, v, recs in cells]]
            for s, cells in out
        ],
    }
    blob = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return out, hashlib.sha256(blob.encode()).hexdigest()


@transaction.atomic
def run_compute(*, scheme: Scheme, period_start: dt.date, period_end: dt.date, by=None) -> AssessmentRun:
    if not scheme.is_frozen:
        raise AssessmentError(_("只有已发布的方案才能计算考核结果。"))
    if period_end < period_start:
        raise AssessmentError(_("考核期的结束日期不能早于开始日期。"))
    results, digest = run_inputs(scheme, period_start, period_end)
    last = AssessmentRun.objects.filter(
        scheme=scheme, period_start=period_start, period_end=period_end
    ).aggregate(v=Max("version"))["v"]
    run = AssessmentRun.objects.create(
        scheme=scheme,
        period_start=period_start,
        period_end=period_end,
        version=(last or 0) + 1,
        input_hash=digest,
        computed_by=by,
    )
    totals = []
    for subject, cells in results:
        lines, total = [], Decimal(0)
        for ind, value, records in cells:
            points = ind.points_for(value)
            weighted = (points / ind.max_points * ind.weight).quantize(Decimal("0.01"))
            total += weighted
            lines.append((ind, value, points, weighted, records))
        totals.append((subject, total.quantize(Decimal("0.1")), lines))
    totals.sort(key=lambda t: (-t[1], subject_key(t[0])))
    rank, prev = 0, None
    for n, (subject, total, lines) in enumerate(totals, start=1):
        if total != prev:
            rank, prev = n, total
        score = Score.objects.create(
            run=run,
            region=subject_region(subject),
            organization=None if subject_region(subject) is subject else subject,
            subject_name=subject.name,
            total=total,
            grade=scheme.grade_for(total),
            rank=rank,
        )
        ScoreLine.objects.bulk_create(
            ScoreLine(
                score=score,
                indicator=ind,
                value=value,
                points=points,
                weighted=weighted,
                record_ids=records.encode(),
                record_count=len(records),
                is_manual=ind.is_manual,
            )
            for ind, value, points, weighted, records in lines
        )
    audit(by, "run.compute", run)
    return run
