"""The ground every demo loader stands on: the demo district's real region tree, with centre points."""

import random

from django.db import transaction

from jiceng.demo import DEMO_DISTRICT, DEMO_SOURCE
from jiceng.regions.models import Level, Region
from jiceng.regions.services import regions_import_divisions

CENTER = (104.043, 30.642)  # approximate centre of the demo district, WGS-84


def load_regions_demo(progress: bool = True) -> Region:
    """Import the demo district from the national codes and place approximate centres (idempotent)."""
    with transaction.atomic():
        regions_import_divisions(source=DEMO_SOURCE, district=DEMO_DISTRICT, progress=progress)
        district = Region.objects.get(code=DEMO_DISTRICT)
        rng = random.Random(7)
        todo = list(Region.objects.filter(district.subtree_q(), lon__isnull=True))
        subs = {r.code: r for r in todo if r.level == Level.SUBDISTRICT}
        for r in todo:
            if r.level == Level.DISTRICT:
                r.lon, r.lat = CENTER
            elif r.level == Level.SUBDISTRICT:
                r.lon, r.lat = CENTER[0] + rng.uniform(-0.05, 0.05), CENTER[1] + rng.uniform(-0.045, 0.045)
            else:
                parent = subs.get(r.subdistrict_code)
                base = (parent.lon, parent.lat) if parent and parent.lon else CENTER
                r.lon, r.lat = base[0] + rng.uniform(-0.012, 0.012), base[1] + rng.uniform(-0.01, 0.01)
        Region.objects.bulk_update(todo, ["lon", "lat"])
    return district
