"""Demo organisations: the party committees of every level, and a few units and new-sector places."""

import random

from django.db import transaction

from jiceng.core.validators import USCC_CHARS, uscc_check_char
from jiceng.orgs.models import Kind, Organization, PartyLevel, Sector
from jiceng.regions.models import Level, Region


def _valid_uscc(rng: random.Random) -> str:
    first17 = "91510107" + "".join(rng.choice(USCC_CHARS) for _ in range(9))
    return first17 + uscc_check_char(first17)


def load_orgs_demo(district: Region, progress: bool = False) -> None:
    """Idempotent: every organisation is looked up by region and name before it is made."""
    rng = random.Random(11)

    def ensure(region, name, **fields):
        org, _ = Organization.objects.get_or_create(
            district=district, region=region, name=name, defaults=fields
        )
        return org

    with transaction.atomic():
        top = ensure(
            district, f"中共{district.name}委员会", kind=Kind.PARTY, party_level=PartyLevel.COMMITTEE
        )
        for sub in Region.objects.filter(district.subtree_q(), level=Level.SUBDISTRICT).order_by("code"):
            wc = ensure(
                sub,
                f"中共{sub.name}工作委员会",
                kind=Kind.PARTY,
                party_level=PartyLevel.WORKING_COMMITTEE,
                parent=top,
            )
            for com in Region.objects.filter(sub.subtree_q(), level=Level.COMMUNITY).order_by("code"):
                short = com.name.removesuffix("居民委员会").removesuffix("社区居委会").removesuffix("居委会")
                ensure(
                    com,
                    f"中共{short}社区委员会",
                    kind=Kind.PARTY,
                    party_level=PartyLevel.COMMITTEE,
                    parent=wc,
                )
            if not Organization.objects.filter(region__parent=sub, kind=Kind.UNIT).exists():
                first = Region.objects.filter(parent=sub).order_by("code").first()
                for label in ("人民医院", "第一中学", "供电服务中心"):
                    ensure(
                        first,
                        f"{sub.name.removesuffix('街道')}{label}",
                        kind=Kind.UNIT,
                        uscc=_valid_uscc(rng),
                    )
                for sector, label in ((Sector.OFFICE_BUILDING, "商务大厦"), (Sector.MARKET, "农贸市场")):
                    ensure(
                        first,
                        f"{sub.name.removesuffix('街道')}{label}",
                        kind=Kind.NEW_SECTOR,
                        sector=sector,
                        uscc=_valid_uscc(rng),
                    )
