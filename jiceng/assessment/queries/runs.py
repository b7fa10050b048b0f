"""Reads of schemes, runs and scores, and the records behind a score."""

import datetime as dt

from django.apps import apps
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.assessment.catalogue import CATALOGUE
from jiceng.assessment.catalogue.registry import tally_of
from jiceng.assessment.models import (
    AssessmentRun,
    ObjectionState,
    Publication,
    RunObjection,
    Scheme,
    Score,
    ScoreLine,
)
from jiceng.assessment.records import RecordSet, Tally, decode, difference
from jiceng.core.models import Role
from jiceng.core.scope import scoped

VIEWERS = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.UNIT_OPERATOR)

# Records that have a page of their own: model label → URL name taking the id.
RECORD_PAGES = {
    "alliance.Meeting": "alliance:meeting",
    "alliance.Action": "alliance:action",
    "alliance.Need": "alliance:need",
    "linkage.Assignment": "linkage:detail",
    "workforce.CommunityWorker": "workforce:worker",
    "funding.PurchasedService": "funding:contract",
    "alliance.ReportIn": "alliance:report_in",
    "circle.ServicePlace": "circle:place",
    "activities.Activity": "activities:detail",
}


def scheme_list_for(user) -> QuerySet[Scheme]:
    return scoped(user, Scheme.objects.all(), region="district", roles=(Role.DISTRICT_ADMIN,))


def score_list_for(user) -> QuerySet[Score]:
    """Scores of the subjects in the user's scope: regions under their grants, or their organisations."""
    return scoped(
        user,
        Score.objects.select_related("run__scheme", "region", "organization"),
        region="region",
        org="organization",
        roles=VIEWERS,
    )


def run_list_for(user) -> QuerySet[AssessmentRun]:
    return (
        AssessmentRun.objects.filter(pk__in=score_list_for(user).values("run_id"))
        .select_related("scheme")
        .order_by("-computed_at", "-pk")
    )


RECORDS_PER_PAGE = 50


def score_records(score_line, page: int = 1, *, opened: bool = True) -> dict:
    """One page of the records a score line counted, each with a short description and its page
    where it has one: `{"rows", "page", "pages", "count", "changed", "deferred"}` (the first page when
    `page` is out of range). A tallied line lists its records from the computation's own query, in id
    order, and `changed` says when that query no longer gives the records that were counted; that reads a
    subject's whole year again (about 1.5 s for a subdistrict at a real district's scale), so it is done
    only for the line the reader `opened`, and the others are `deferred`."""
    records = score_line.records
    count = len(records)
    pages = max(1, -(-count // RECORDS_PER_PAGE))
    page = page if 1 <= page <= pages else 1
    offset, changed = (page - 1) * RECORDS_PER_PAGE, False
    by_label: dict[str, list[int]] = {}
    deferred = isinstance(records, Tally) and bool(count) and not opened
    if isinstance(records, Tally):
        if count and opened:
            listing = _listing(score_line)
            changed = tally_of(listing, records.label) != records
            pks = listing.order_by("pk").values_list("pk", flat=True)[offset : offset + RECORDS_PER_PAGE]
            by_label[records.label] = list(pks)
    else:
        for label, pk in records.page(offset, RECORDS_PER_PAGE):
            by_label.setdefault(label, []).append(pk)
    rows = []
    for label, pks in by_label.items():
        model = apps.get_model(label)
        objs = model.objects.in_bulk(pks)
        url_name = RECORD_PAGES.get(label)
        for pk in pks:
            obj = objs.get(pk)
            rows.append(
                {
                    "kind": model._meta.verbose_name,
                    "pk": pk,
                    "text": str(obj) if obj is not None else "",
                    "url": reverse(url_name, args=[pk]) if url_name and obj is not None else None,
                    "gone": obj is None,
                }
            )
    return {
        "rows": rows,
        "page": page,
        "pages": pages,
        "count": count,
        "changed": changed,
        "deferred": deferred,
    }


def _listing(score_line) -> QuerySet:
    """The records a tallied line's computation counts for its subject and period, as they are now."""
    score, run = score_line.score, score_line.score.run
    subject = score.organization if score.organization_id else score.region
    return CATALOGUE[score_line.indicator.code].listing(subject, run.period_start, run.period_end)


def computation_of(code: str):
    return CATALOGUE.get(code)


def run_final_problem(run: AssessmentRun, today: dt.date | None = None) -> str | None:
    """Why the run is not final yet, or None when it is.

    Final: published, its objection period over, every objection rejected or resolved by a
    later version, and no later version of the same scheme and period."""
    today = today or timezone.localdate()
    pub = Publication.objects.filter(run=run).first()
    if pub is None or pub.closes_on >= today:
        return _("考核结果须公示期满后才能据此奖惩或出具反馈单。")
    if (
        RunObjection.objects.filter(line__score__run=run)
        .exclude(state=ObjectionState.REJECTED)
        .filter(resolved_by_run=None)
        .exists()
    ):
        return _("还有未裁定或未更正的异议，这一版不是最终结果。")
    if AssessmentRun.objects.filter(
        scheme=run.scheme, period_start=run.period_start, period_end=run.period_end, version__gt=run.version
    ).exists():
        return _("这一版已有更新的版本，请据最新版本奖惩或出具反馈单。")
    return None


def run_previous(run: AssessmentRun) -> AssessmentRun | None:
    """The version computed before this one for the same scheme and period."""
    return (
        AssessmentRun.objects.filter(
            scheme=run.scheme,
            period_start=run.period_start,
            period_end=run.period_end,
            version__lt=run.version,
        )
        .order_by("-version")
        .first()
    )


def run_latest_after(run: AssessmentRun) -> AssessmentRun | None:
    """The newest version computed after this one for the same scheme and period, if any."""
    return (
        AssessmentRun.objects.filter(
            scheme=run.scheme,
            period_start=run.period_start,
            period_end=run.period_end,
            version__gt=run.version,
        )
        .order_by("-version")
        .first()
    )


def objection_list_upheld(scores) -> QuerySet[RunObjection]:
    """The upheld objections to the given scores' figures (the reader's own rows), oldest first."""
    return (
        RunObjection.objects.filter(line__score__in=scores, state=ObjectionState.UPHELD)
        .select_related("line__indicator", "line__score", "resolved_by_run")
        .order_by("raised_at", "pk")
    )


def run_changes(run: AssessmentRun, scores) -> list[dict]:
    """What changed against the previous version, for the given scores: each figure whose value or
    points moved, with how many records it newly counts and no longer counts."""
    before = run_previous(run)
    if before is None:
        return []
    old = {}
    for line in ScoreLine.objects.filter(score__run=before).select_related("score").defer("record_ids"):
        old[(line.score.region_id, line.score.organization_id, line.indicator_id)] = line
    moved = []
    for score in scores:
        for line in score.lines.select_related("indicator").defer("record_ids"):
            prev = old.get((score.region_id, score.organization_id, line.indicator_id))
            if prev is None or (prev.value, prev.points) != (line.value, line.points):
                moved.append((score, line, prev))
    wanted = [line.pk for _s, line, _p in moved] + [prev.pk for _s, _l, prev in moved if prev]
    blobs = dict(ScoreLine.objects.filter(pk__in=wanted).values_list("pk", "record_ids"))
    out = []
    for score, line, prev in moved:
        new_records = decode(blobs.get(line.pk))
        old_records = decode(blobs.get(prev.pk)) if prev else RecordSet()
        added, removed = difference(new_records, old_records)
        out.append(
            {
                "subject": score.subject_name,
                "indicator": line.indicator.name,
                "old_value": prev.value if prev else None,
                "new_value": line.value,
                "old_points": prev.points if prev else None,
                "new_points": line.points,
                "added": added,
                "removed": removed,
                "old_count": len(old_records),
                "new_count": len(new_records),
            }
        )
    return out
