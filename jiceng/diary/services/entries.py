"""Writing diary entries: private unless shared; photos lose their EXIF location on the way in.

Turning an entry into a deed claim is the Moral Bank's own service,
`bank.services.claims.claim_file_from_diary`.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank.models import Category
from jiceng.core.photos import PhotoError, photos_clean
from jiceng.diary.errors import DiaryError
from jiceng.diary.models import DiaryEntry, DiaryPhoto


@transaction.atomic
def diary_entry_create(
    *, person, date: dt.date, category: str, text: str, photos=(), is_shared: bool = False
) -> DiaryEntry:
    """A resident's entry, private unless `is_shared` (then it shows on their community's page)."""
    if category not in Category.values:
        raise DiaryError(_("请选择类别"))
    if not text.strip():
        raise DiaryError(_("日记内容不能为空"))
    if date > timezone.localdate():
        raise DiaryError(_("日期不能晚于今天"))
    try:
        cleaned = photos_clean(photos)
    except PhotoError as exc:
        raise DiaryError(str(exc)) from None
    entry = DiaryEntry.objects.create(
        district_id=person.district_id,
        person=person,
        date=date,
        category=category,
        text=text.strip(),
        is_shared=is_shared,
    )
    for photo in cleaned:
        DiaryPhoto.objects.create(district_id=entry.district_id, entry=entry, image=photo)
    return entry
