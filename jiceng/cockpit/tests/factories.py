"""A few residents, households and party members spread over the demo district's communities."""

from conftest import make_person
from jiceng.people.models import Household, PartyMembership

# community key → (residents, of whom party members, households, inactive residents)
SPREAD = {"A1": (5, 2, 3, 1), "A2": (3, 1, 2, 0), "B1": (4, 3, 1, 2)}


def populate(regions, spread=SPREAD):
    """Make the people of `spread`; an inactive resident is also a party member, and counts for neither."""
    district = regions["district"]
    for key, (residents, members, households, inactive) in spread.items():
        community = regions[key]
        homes = [
            Household.objects.create(district=district, community=community, number=f"{key}-{n}")
            for n in range(households)
        ]
        for n in range(residents + inactive):
            person = make_person(
                community, f"{key}居民{n}", household=homes[n % len(homes)], is_active=n < residents
            )
            if n < members or n >= residents:
                PartyMembership.objects.create(person=person, district=district, origin="veteran")
