"""Writing diary entries, and the Moral Bank's service that turns one into a claim."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from jiceng.bank.errors import ClaimError
from jiceng.bank.models import ClaimState, FiledMode
from jiceng.bank.services.claims import claim_file_from_diary
from jiceng.diary.errors import DiaryError
from jiceng.diary.services.entries import diary_entry_create
from jiceng.diary.tests.factories import make_entry


def _photo_with_location() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x8825] = {2: (30.0, 38.0, 0.0), 4: (104.0, 2.0, 0.0)}  # GPS latitude and longitude
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile("p.jpg", buf.getvalue())


def test_it_writes_a_private_entry_by_default(personas):
    person = personas["resident"].person
    entry = diary_entry_create(person=person, date=timezone.localdate(), category="helping", text=" 扶老人 ")
    assert (entry.text, entry.is_shared, entry.district_id) == ("扶老人", False, person.district_id)


def test_it_shares_an_entry_when_asked(personas):
    person = personas["resident"].person
    entry = diary_entry_create(
        person=person, date=timezone.localdate(), category="helping", text="帮忙", is_shared=True
    )
    assert entry.is_shared


def test_photos_lose_their_location(personas):
    person = personas["resident"].person
    entry = diary_entry_create(
        person=person,
        date=timezone.localdate(),
        category="helping",
        text="清理楼道",
        photos=[_photo_with_location()],
    )
    assert not Image.open(entry.photos.get().image).getexif().get(0x8825)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"category": "nonsense"}, "请选择类别"),
        ({"text": "   "}, "不能为空"),
        ({"date": timezone.localdate() + dt.timedelta(days=1)}, "不能晚于今天"),
        ({"photos": [SimpleUploadedFile("x.jpg", b"not an image")]}, "不是可识别的图片"),
        ({"photos": [_photo_with_location() for _i in range(7)]}, "最多上传 6 张"),
    ],
)
def test_it_refuses_what_it_cannot_keep_and_says_why(personas, fields, message):
    data = {"date": timezone.localdate(), "category": "helping", "text": "扶老人"} | fields
    with pytest.raises(DiaryError, match=message):
        diary_entry_create(person=personas["resident"].person, **data)


def test_an_entry_becomes_a_claim_with_its_text_date_and_photos(personas, rules):
    resident = personas["resident"]
    entry = diary_entry_create(
        person=resident.person,
        date=timezone.localdate() - dt.timedelta(days=2),
        category="environment",
        text="清理了楼道里的杂物",
        photos=[_photo_with_location()],
    )
    claim = claim_file_from_diary(filer=resident, entry=entry)
    assert (claim.rule, claim.deed_date, claim.text) == (rules["environment"], entry.date, entry.text)
    assert (claim.diary_entry, claim.filed_mode, claim.photos.count()) == (entry, FiledMode.SELF, 1)


def test_only_the_author_claims_an_entry(personas, rules):
    entry = make_entry(personas["resident"].person)
    with pytest.raises(ClaimError, match="只能申报自己的日记"):
        claim_file_from_diary(filer=personas["worker"], entry=entry)


def test_an_entry_is_claimed_again_only_after_a_rejection(personas, rules):
    resident = personas["resident"]
    entry = make_entry(resident.person)
    claim = claim_file_from_diary(filer=resident, entry=entry, rule=rules["helping"])
    with pytest.raises(ClaimError, match="已经申报过了"):
        claim_file_from_diary(filer=resident, entry=entry)
    claim.state = ClaimState.REJECTED
    claim.save(update_fields=["state"])
    assert claim_file_from_diary(filer=resident, entry=entry).pk != claim.pk
