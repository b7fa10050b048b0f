import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from conftest import make_person, make_user
from jiceng.bank.models import Account, ClaimState, EarningRule, NoticeState, ObjectionState, Transfer
from jiceng.bank.services import claims as svc
from jiceng.bank.services.claims import ClaimError, ClaimInput
from jiceng.bank.verify import verify_district
from jiceng.core.models import Role
from jiceng.people.models import Household


@pytest.fixture
def rules(regions):
    svc.rules_seed_catalogue(regions["district"])
    return {r.code: r for r in EarningRule.objects.filter(is_current=True)}


@pytest.fixture
def worker2(regions):
    return make_user(
        "worker2_a1", Role.COMMUNITY_WORKER, region=regions["A1"], person=make_person(regions["A1"], "周二")
    )


def file_claim(user, person, rule, **kw):
    data = ClaimInput(
        claimant=person,
        rule=rule,
        deed_date=kw.pop("deed_date", timezone.localdate()),
        text=kw.pop("text", "扶老人过马路并送回家"),
        **kw,
    )
    return svc.claim_file(filer=user, data=data)


def photo(name="p.jpg", fmt="JPEG", exif=True):
    img = Image.new("RGB", (40, 30), "red")
    buf = io.BytesIO()
    if exif:
        ex = Image.Exif()
        ex[0x8825] = {2: (30.0, 38.0, 0.0), 4: (104.0, 2.0, 0.0)}  # GPS latitude and longitude
        img.save(buf, fmt, exif=ex)
    else:
        img.save(buf, fmt)
    return SimpleUploadedFile(name, buf.getvalue())


def test_it_walks_claim_review_notice_settle(personas, rules, regions):
    resident = personas["resident"]
    claim = file_claim(resident, resident.person, rules["helping"])
    assert claim.state == ClaimState.SUBMITTED and claim.filed_mode == "self"
    claim = svc.claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    assert claim.state == ClaimState.ON_NOTICE
    wallet = Account.objects.get(person=resident.person)
    assert (wallet.available, wallet.pending_in) == (0, 5)
    notice = claim.notice
    assert notice.masked_name == resident.person.masked_name and notice.state == NoticeState.OPEN
    assert svc.bank_settle() == 0  # the notice still runs
    assert svc.bank_settle(now=notice.ends_at + dt.timedelta(seconds=1)) == 1
    assert svc.bank_settle(now=notice.ends_at + dt.timedelta(seconds=2)) == 0  # idempotent
    wallet.refresh_from_db()
    claim.refresh_from_db()
    assert (wallet.available, wallet.pending_in, claim.state) == (5, 0, ClaimState.CREDITED)
    assert verify_district(regions["district"])[0] == []


def test_nobody_reviews_their_own_or_their_households_claim(personas, rules, regions):
    household = Household.objects.create(
        district=regions["district"], community=regions["A1"], number="9-9-901"
    )
    worker = personas["worker"]
    worker.person = make_person(regions["A1"], "孙工", household=household)
    worker.save()
    own = file_claim(worker, worker.person, rules["helping"])
    with pytest.raises(ClaimError, match="不能审核自己的申报"):
        svc.claim_review(reviewer=worker, claim=own, approve=True)
    relative = make_person(regions["A1"], "孙母", household=household)
    theirs = file_claim(worker, relative, rules["helping"])
    assert theirs.filed_mode == "office"
    with pytest.raises(ClaimError, match="本户家庭成员"):
        svc.claim_review(reviewer=worker, claim=theirs, approve=True)


def test_a_worker_of_another_community_cannot_review(personas, rules):
    claim = file_claim(personas["resident"], personas["resident"].person, rules["helping"])
    with pytest.raises(ClaimError, match="所在社区"):
        svc.claim_review(reviewer=personas["outsider_worker"], claim=claim, approve=True)


def test_a_rule_above_its_threshold_needs_two_different_reviewers(personas, rules, worker2):
    claim = file_claim(personas["resident"], personas["resident"].person, rules["bravery"], witness="王大爷")
    claim = svc.claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    assert claim.state == ClaimState.UNDER_REVIEW and claim.transfer is None
    with pytest.raises(ClaimError, match="另一位工作人员"):
        svc.claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    claim = svc.claim_review(reviewer=worker2, claim=claim, approve=True)
    assert claim.state == ClaimState.ON_NOTICE and claim.reviews.count() == 2


def test_a_claim_over_a_cap_is_refused_with_the_numbers(personas, rules):
    person = personas["resident"].person
    for _ in range(6):
        file_claim(personas["resident"], person, rules["helping"])  # 6 × 5 = 30, the monthly cap
    with pytest.raises(ClaimError, match="本月已累计 30 分，上限 30 分，本次 5 分"):
        file_claim(personas["resident"], person, rules["helping"])


def test_rejected_claims_do_not_count_towards_caps_and_need_a_reason(personas, rules):
    person = personas["resident"].person
    claim = file_claim(personas["resident"], person, rules["helping"])
    with pytest.raises(ClaimError, match="原因"):
        svc.claim_review(reviewer=personas["worker"], claim=claim, approve=False)
    claim = svc.claim_review(reviewer=personas["worker"], claim=claim, approve=False, reason="未核实")
    assert claim.state == ClaimState.REJECTED and claim.reject_reason == "未核实"
    for _ in range(6):
        file_claim(personas["resident"], person, rules["helping"])


def test_evidence_is_required_as_the_rule_says(personas, rules):
    me = personas["resident"]
    with pytest.raises(ClaimError, match="照片"):
        file_claim(me, me.person, rules["dedication"])
    with pytest.raises(ClaimError, match="证明人"):
        file_claim(me, me.person, rules["honesty"])
    with pytest.raises(ClaimError, match="现场签到"):
        file_claim(me, me.person, rules["volunteer"], minutes=60)


def test_photos_are_checked_and_lose_their_location(personas, rules):
    me = personas["resident"]
    claim = file_claim(me, me.person, rules["dedication"], photos=(photo(),))
    stored = Image.open(claim.photos.get().image)
    assert not stored.getexif().get(0x8825)
    with pytest.raises(ClaimError, match="不是可识别的图片"):
        file_claim(me, me.person, rules["dedication"], photos=(SimpleUploadedFile("x.jpg", b"not an image"),))
    with pytest.raises(ClaimError, match="GIF"):
        file_claim(me, me.person, rules["dedication"], photos=(photo("a.gif", "GIF", exif=False),))


def test_an_upheld_objection_voids_the_award(personas, rules, regions):
    me = personas["resident"]
    claim = svc.claim_review(
        reviewer=personas["worker"], claim=file_claim(me, me.person, rules["helping"]), approve=True
    )
    objection = svc.objection_file(user=personas["outsider"], notice=claim.notice, reason="当天他不在社区")
    assert svc.bank_settle(now=claim.notice.ends_at + dt.timedelta(seconds=1)) == 0  # an open objection waits
    svc.objection_decide(
        reviewer=personas["worker"], objection=objection, uphold=True, reason="经核实情况不属实"
    )
    claim.refresh_from_db()
    assert claim.state == ClaimState.VOIDED and claim.notice.state == NoticeState.VOIDED
    assert Transfer.objects.get(pk=claim.transfer_id).state == "voided"
    wallet = Account.objects.get(person=me.person)
    assert (wallet.posted, wallet.pending_in) == (0, 0)
    assert verify_district(regions["district"])[0] == []


def test_a_dismissed_objection_lets_the_award_settle(personas, rules):
    me = personas["resident"]
    claim = svc.claim_review(
        reviewer=personas["worker"], claim=file_claim(me, me.person, rules["helping"]), approve=True
    )
    objection = svc.objection_file(user=personas["outsider"], notice=claim.notice, reason="我觉得不属实")
    svc.objection_decide(
        reviewer=personas["worker"], objection=objection, uphold=False, reason="有现场照片为证"
    )
    assert objection.__class__.objects.get(pk=objection.pk).state == ObjectionState.DISMISSED
    assert svc.bank_settle(now=claim.notice.ends_at + dt.timedelta(seconds=1)) == 1


def test_objections_close_with_the_notice_period(personas, rules):
    me = personas["resident"]
    claim = svc.claim_review(
        reviewer=personas["worker"], claim=file_claim(me, me.person, rules["helping"]), approve=True
    )
    claim.notice.__class__.objects.filter(pk=claim.notice.pk).update(
        ends_at=timezone.now() - dt.timedelta(minutes=1)
    )
    claim.notice.refresh_from_db()
    with pytest.raises(ClaimError, match="公示期已结束"):
        svc.objection_file(user=personas["outsider"], notice=claim.notice, reason="理由理由理由")


def test_editing_a_rule_keeps_points_already_given(personas, rules):
    me = personas["resident"]
    claim = file_claim(me, me.person, rules["helping"])
    new = svc.rule_edit(actor=personas["district_admin"], rule=rules["helping"], points=8)
    assert (new.version, new.points) == (2, 8)
    claim.refresh_from_db()
    assert claim.points == 5 and claim.rule.version == 1
    assert file_claim(me, me.person, new).points == 8


def test_bulk_approval_lists_refusals(personas, rules, regions):
    people = [make_person(regions["A1"], f"居民{i}") for i in range(3)]
    claims = [file_claim(personas["worker"], p, rules["helping"]) for p in people]
    claims.append(file_claim(personas["outsider"], personas["outsider"].person, rules["helping"]))
    done, refused = svc.claims_review_bulk(reviewer=personas["worker"], claims=claims)
    assert done == 0 and len(refused) == 4 and "另一位工作人员" in refused[0]  # filed by this worker
    worker2 = make_user("w2", Role.COMMUNITY_WORKER, region=regions["A1"])
    done, refused = svc.claims_review_bulk(reviewer=worker2, claims=claims)
    assert done == 3 and len(refused) == 1 and "赵外人" in refused[0]


def test_claims_for_an_activity_use_the_volunteer_rule(personas, rules, regions):
    people = [make_person(regions["A1"], f"志愿者{i}") for i in range(2)]
    claims = svc.claims_file_for_activity(
        activity_id=7,
        attendees=[(people[0], 90), (people[1], 30)],
        filed_by=personas["worker"],
        deed_date=timezone.localdate(),
        text="社区清洁活动",
    )
    assert [c.points for c in claims] == [3, 1] and all(c.rule.code == "volunteer" for c in claims)
    assert (
        svc.claims_file_for_activity(
            activity_id=7,
            attendees=[(people[0], 90)],
            filed_by=personas["worker"],
            deed_date=timezone.localdate(),
            text="社区清洁活动",
        )
        == []
    )
