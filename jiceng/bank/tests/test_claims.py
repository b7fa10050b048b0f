"""Filing deed claims: caps, evidence, photos, and the claims of an activity."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from conftest import make_person
from jiceng.bank.services.claims import ClaimError, claims_file_for_activity
from jiceng.bank.tests.factories import file_claim, photo


def test_a_claim_over_a_cap_is_refused_with_the_numbers(personas, rules):
    person = personas["resident"].person
    for _ in range(6):
        file_claim(personas["resident"], person, rules["helping"])  # 6 × 5 = 30, the monthly cap
    with pytest.raises(ClaimError, match="本月已累计 30 分，上限 30 分，本次 5 分"):
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


def test_claims_for_an_activity_use_the_volunteer_rule(personas, rules, regions):
    people = [make_person(regions["A1"], f"志愿者{i}") for i in range(2)]
    claims = claims_file_for_activity(
        activity_id=7,
        attendees=[(people[0], 90), (people[1], 30)],
        filed_by=personas["worker"],
        deed_date=timezone.localdate(),
        text="社区清洁活动",
    )
    assert [c.points for c in claims] == [3, 1] and all(c.rule.code == "volunteer" for c in claims)
    assert (
        claims_file_for_activity(
            activity_id=7,
            attendees=[(people[0], 90)],
            filed_by=personas["worker"],
            deed_date=timezone.localdate(),
            text="社区清洁活动",
        )
        == []
    )
