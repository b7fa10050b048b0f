"""Pages: the district edits schemes and runs them; subdistricts read only their own subjects' rows."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from jiceng.assessment.models import AssessmentRun, Scheme, SchemeState
from jiceng.assessment.tests.factories import published_scheme
from jiceng.assessment.tests.test_catalogue_bank import settled_claim

YEAR = timezone.localdate().year


def _run(regions, period):
    from jiceng.assessment.services import run_compute

    scheme = published_scheme(regions["district"], YEAR, "community", [("bank.coverage", Decimal(100), {})])
    return run_compute(scheme=scheme, period_start=period[0], period_end=period[1])


def test_the_district_builds_publishes_and_runs_a_scheme(client, personas, rules, regions):
    login_client(client, personas["district_admin"])
    settled_claim(personas, rules)
    r = client.post(
        reverse("assessment:schemes"),
        {
            "year": YEAR,
            "subject_type": "subdistrict",
            "name": "街道考核",
            "band_excellent": "90",
            "band_good": "80",
            "band_pass": "60",
        },
    )
    scheme = Scheme.objects.get(name="街道考核")
    assert r.status_code == 302 and scheme.district == regions["district"]
    url = reverse("assessment:scheme", args=[scheme.pk])
    r = client.post(url, {"code": "bank.coverage", "weight": "60", "max_points": "100", "rule": "linear"})
    assert r.status_code == 302
    r = client.post(url, {"code": "manual", "weight": "40", "max_points": "100", "rule": "linear"})
    assert "人工指标需要填写指标名称" in r.content.decode()
    client.post(
        url,
        {
            "code": "manual",
            "name": "安全稳定",
            "weight": "40",
            "max_points": "100",
            "rule": "linear",
            "target": "1",
        },
    )
    page = client.get(url).content.decode()
    assert "道德银行社区覆盖率" in page and "人工指标" in page and "当前权重合计：100" in page
    client.post(reverse("assessment:scheme_publish", args=[scheme.pk]))
    scheme.refresh_from_db()
    assert scheme.state == SchemeState.PUBLISHED
    r = client.post(
        reverse("assessment:run_create", args=[scheme.pk]),
        {"period_start": f"{YEAR}-01-01", "period_end": f"{YEAR}-12-31"},
    )
    run = AssessmentRun.objects.get(scheme=scheme)
    assert r.status_code == 302 and r["Location"] == reverse("assessment:run", args=[run.pk])
    page = client.get(r["Location"]).content.decode()
    assert regions["A"].name in page and regions["B"].name in page and run.input_hash in page


def test_a_bad_period_is_refused_in_chinese(client, personas, regions):
    scheme = published_scheme(regions["district"], YEAR, "community", [("bank.coverage", Decimal(100), {})])
    login_client(client, personas["district_admin"])
    r = client.post(
        reverse("assessment:run_create", args=[scheme.pk]),
        {"period_start": f"{YEAR}-12-01", "period_end": f"{YEAR}-01-01"},
        follow=True,
    )
    assert "结束日期不能早于开始日期" in r.content.decode() and not AssessmentRun.objects.exists()


def test_a_subdistrict_sees_only_its_own_communities(client, personas, rules, regions, period):
    settled_claim(personas, rules)
    run = _run(regions, period)
    login_client(client, personas["sub_admin"])
    page = client.get(reverse("assessment:run", args=[run.pk])).content.decode()
    assert regions["A1"].name in page and regions["B1"].name not in page
    a1 = run.scores.get(region=regions["A1"])
    b1 = run.scores.get(region=regions["B1"])
    assert client.get(reverse("assessment:score", args=[b1.pk])).status_code == 404
    why = client.get(reverse("assessment:score", args=[a1.pk])).content.decode()
    assert "道德银行社区覆盖率" in why and "所依据的 1 条记录" in why and "公示" in why
    assert client.get(reverse("assessment:schemes")).status_code == 404  # editing is the district's


def test_residents_and_workers_have_no_assessment_pages(client, personas, regions, period):
    run = _run(regions, period)
    for who in ("resident", "worker"):
        login_client(client, personas[who])
        assert client.get(reverse("assessment:runs")).status_code == 404
        assert client.get(reverse("assessment:run", args=[run.pk])).status_code == 404


def test_the_why_page_links_records_to_their_own_pages(client, personas, regions, period):
    import datetime as dt

    from jiceng.alliance import services
    from jiceng.alliance.tests.factories import alliance_a, held_meeting
    from jiceng.assessment.services import run_compute

    actor = personas["sub_admin"]
    meeting = held_meeting(
        alliance_a(regions, personas), actor, timezone.localdate() - dt.timedelta(days=3), kind="symposium"
    )
    services.meeting_record_minutes(meeting=meeting, minutes="纪要", actor=actor)
    scheme = published_scheme(
        regions["district"], YEAR, "subdistrict", [("alliance.symposia", Decimal(100), {})]
    )
    run = run_compute(scheme=scheme, period_start=period[0], period_end=period[1])
    login_client(client, personas["district_admin"])
    why = client.get(
        reverse("assessment:score", args=[run.scores.get(region=regions["A"]).pk])
    ).content.decode()
    assert reverse("alliance:meeting", args=[meeting.pk]) in why


def test_a_manual_value_needs_evidence_and_another_administrators_approval(
    client, personas, regions, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import make_user
    from jiceng.assessment.models import ManualEntry
    from jiceng.core.models import Role

    settings.MEDIA_ROOT = tmp_path
    scheme = published_scheme(
        regions["district"],
        YEAR,
        "subdistrict",
        [("manual", Decimal(100), {"name": "安全稳定", "target": Decimal(1)})],
    )
    ind = scheme.indicators.get()
    url = reverse("assessment:manual", args=[scheme.pk])
    login_client(client, personas["district_admin"])
    r = client.post(url, {"indicator": ind.pk, "subject": regions["A"].pk, "value": "1"})
    assert "必须上传证明材料" in r.content.decode() and not ManualEntry.objects.exists()
    bad = SimpleUploadedFile("x.txt", b"hello")
    r = client.post(url, {"indicator": ind.pk, "subject": regions["A"].pk, "value": "1", "evidence": bad})
    assert "只能是 PDF 文件" in r.content.decode()
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 evidence")
    client.post(url, {"indicator": ind.pk, "subject": regions["A"].pk, "value": "1", "evidence": pdf})
    entry = ManualEntry.objects.get()
    r = client.post(reverse("assessment:manual_approve", args=[entry.pk]), follow=True)
    assert "另一人复核" in r.content.decode()
    entry.refresh_from_db()
    assert not entry.is_approved
    second = make_user("d_admin2", Role.DISTRICT_ADMIN, region=regions["district"])
    login_client(client, second)
    client.post(reverse("assessment:manual_approve", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.approved_by == second
    assert client.get(reverse("assessment:manual_evidence", args=[entry.pk])).status_code == 200


def test_a_rerun_shows_what_changed_and_the_export_holds_only_own_rows(
    client, personas, rules, regions, period
):
    from io import BytesIO

    from openpyxl import load_workbook

    from jiceng.assessment.services import run_compute

    first = _run(regions, period)
    claim = settled_claim(personas, rules)
    second = run_compute(scheme=first.scheme, period_start=period[0], period_end=period[1])
    login_client(client, personas["sub_admin"])
    page = client.get(reverse("assessment:run", args=[second.pk])).content.decode()
    assert "与第1次计算相比" in page and "道德银行社区覆盖率" in page and "计入的记录由 0 条变为 1 条" in page
    assert f"{regions['A1'].name} · 道德银行社区覆盖率：0 → 100" in page
    third = run_compute(scheme=first.scheme, period_start=period[0], period_end=period[1])
    assert "结果与上次一致" in client.get(reverse("assessment:run", args=[third.pk])).content.decode()
    r = client.get(reverse("assessment:run_export", args=[second.pk]))
    book = load_workbook(BytesIO(r.content))
    names = [row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert regions["A1"].name in names and regions["B1"].name not in names
    assert claim.notice.pk


def test_the_why_page_shows_a_large_line_a_page_at_a_time(client, personas, rules, regions, period):
    """A subdistrict's line counts hundreds of thousands of records at a real district's scale: the page
    lists 50 at a time, says how many there are and pages through them, the rest of the page unchanged."""
    from jiceng.assessment.models import ScoreLine
    from jiceng.assessment.records import RecordSet

    notice = settled_claim(personas, rules).notice
    run = _run(regions, period)
    score = run.scores.get(region=regions["A1"])
    line = score.lines.get()
    assert line.records == [("bank.Notice", notice.pk)] and line.record_count == 1
    many = RecordSet.of("bank.Notice", [notice.pk, *range(10**6, 10**6 + 119)])
    ScoreLine.objects.filter(pk=line.pk).update(record_ids=many.encode(), record_count=len(many))
    login_client(client, personas["district_admin"])
    url = reverse("assessment:score", args=[score.pk])
    first = client.get(url).content.decode()
    assert "所依据的 120 条记录" in first and "第 1 / 3 页" in first and f"#{notice.pk}：" in first
    assert first.count("<li>") == 50 and f"?line={line.pk}&amp;page=2" in first
    last = client.get(url, {"line": line.pk, "page": 3}).content.decode()
    assert (
        "第 3 / 3 页" in last and last.count("<li>") == 20 and "#1000118" in last and "记录已不存在" in last
    )
    assert f"#{notice.pk}：" not in last
    for bad in ("0", "99", "x", "-2"):  # out of range or not a number: the first page
        assert "第 1 / 3 页" in client.get(url, {"line": line.pk, "page": bad}).content.decode()
    assert "第 2 / 3 页" in client.get(url, {"line": line.pk, "page": "２"}).content.decode()  # NFKC


def test_a_tallied_line_lists_its_records_from_the_query_and_says_when_they_changed(
    client, personas, rules, regions, period, monkeypatch
):
    """Coverage counts a district's year of notices, so its line keeps a tally, not the ids: the why page
    lists the notices from the computation's own query in id order, a page at a time, and warns once the
    query no longer gives the records that were counted."""
    from jiceng.assessment.queries import runs as run_queries
    from jiceng.assessment.records import Tally

    monkeypatch.setattr(run_queries, "RECORDS_PER_PAGE", 2)
    notices = sorted(settled_claim(personas, rules).notice.pk for _ in range(3))
    run = _run(regions, period)
    score = run.scores.get(region=regions["A1"])
    line = score.lines.get()
    assert isinstance(line.records, Tally) and line.record_count == 3
    assert line.records == [("bank.Notice", pk) for pk in notices]
    login_client(client, personas["district_admin"])
    url = reverse("assessment:score", args=[score.pk])
    closed = client.get(url).content.decode()  # listing it reads the year again: only on request
    assert "所依据的 3 条记录" in closed and f"?line={line.pk}#line-{line.pk}" in closed
    assert f"#{notices[0]}：" not in closed
    first = client.get(url, {"line": line.pk}).content.decode()
    assert "所依据的 3 条记录" in first and "第 1 / 2 页" in first and "记录有变动" not in first
    assert f"#{notices[0]}：" in first and f"#{notices[1]}：" in first and f"#{notices[2]}：" not in first
    second = client.get(url, {"line": line.pk, "page": 2}).content.decode()
    assert f"#{notices[2]}：" in second and f"#{notices[0]}：" not in second
    settled_claim(personas, rules)  # one more notice settles in the period after the run
    changed = client.get(url, {"line": line.pk}).content.decode()
    assert "所依据的 3 条记录" in changed and "记录有变动" in changed
