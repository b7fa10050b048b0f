"""Writes for the moral diary."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank.models import Category
from jiceng.bank.services.claims import MAX_PHOTOS, ClaimError, ClaimInput, claim_file, clean_photo, rules_for
from jiceng.diary.models import DiaryEntry, DiaryPhoto


@transaction.atomic
def diary_entry_create(
    *, person, date: dt.date, category: str, text: str, photos=(), is_shared=False
) -> DiaryEntry:
    """A private entry unless shared; photos lose their EXIF location on the way in."""
    if category not in Category.values:
        raise ClaimError(_("请选择类别"))
    if not text.strip():
        raise ClaimError(_("日记内容不能为空"))
    if date > timezone.localdate():
        raise ClaimError(_("日期不能晚于今天"))
    if len(photos) > MAX_PHOTOS:
        raise ClaimError(_("最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS})
    cleaned = [clean_photo(p) for p in photos]
    entry = DiaryEntry.objects.create(
        district_id=person.district_id,
        person=person,
        date=date,
        category=category,
        text=text.strip(),
        is_shared=is_shared,
    )
    for photo in cleaned:
        DiaryPhoto.objects.create(entry=entry, image=photo)
    return entry


def diary_entry_claim(*, user, entry: DiaryEntry, rule=None, minutes: int | None = None, witness: str = ""):
    """Turn a diary entry into a deed claim in one step: its text, date and photos become the evidence."""
    if entry.person_id != user.person_id:
        raise ClaimError(_("只能申报自己的日记"))
    if entry.claims.exclude(state__in=["rejected", "voided"]).exists():
        raise ClaimError(_("这篇日记已经申报过了"))
    if rule is None:
        rule = rules_for(entry.person.community, entry.date).filter(category=entry.category).first()
        if rule is None:
            raise ClaimError(_("没有适用于这个类别的积分规则，请选择其他规则"))
    photos = [p.image for p in entry.photos.all()]
    for p in photos:
        p.open("rb")
    return claim_file(
        filer=user,
        data=ClaimInput(
            claimant=entry.person,
            rule=rule,
            deed_date=entry.date,
            text=entry.text,
            minutes=minutes,
            witness=witness,
            photos=photos,
            diary_entry=entry,
        ),
    )
