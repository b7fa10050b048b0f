"""Small helpers to build ledger and claim fixtures on the demo district's real regions."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from conftest import make_person
from jiceng.bank import ledger
from jiceng.bank.models import EarningRule
from jiceng.bank.services.claims import ClaimInput, claim_file
from jiceng.bank.services.rules import rule_catalogue_seed


def funded_wallet(community, points: int, name="钱多多", key_prefix="seed"):
    person = make_person(community, name)
    wallet = ledger.wallet_open(person)
    if points:
        ledger.award(
            wallet=wallet,
            community=community,
            key=f"{key_prefix}-{person.pk}",
            amount=points,
            reason="初始积分",
            pending=False,
        )
    wallet.refresh_from_db()
    return wallet


def rules_seeded(district) -> dict[str, EarningRule]:
    """The district's starting rule catalogue, by rule code."""
    rule_catalogue_seed(district=district)
    return {r.code: r for r in EarningRule.objects.filter(is_current=True)}


def file_claim(user, person, rule, **kw):
    data = ClaimInput(
        claimant=person,
        rule=rule,
        deed_date=kw.pop("deed_date", timezone.localdate()),
        text=kw.pop("text", "扶老人过马路并送回家"),
        **kw,
    )
    return claim_file(filer=user, data=data)


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
