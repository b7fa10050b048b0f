"""The ID-number threat model, run as an attack.

Someone holds a full copy of the database and of the audit log, but not the keys
(FIELD_ENCRYPTION_KEY, LOOKUP_HASH_KEY). From the clear columns alone they must not be
able to narrow any resident's ID number to fewer than 100 candidates. The attack reads
raw rows (every column the table has, whatever it is called), so a clear column added
later is attacked too.
"""

import datetime as dt
import functools
import json
import random
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from jiceng.core.models import AuditLog, User
from jiceng.core.validators import ID_CHECK, ID_WEIGHTS, id_check_char
from jiceng.people.models import Person
from jiceng.people.services import people_import
from jiceng.people.tests.factories import csv_bytes, good_rows

pytestmark = pytest.mark.django_db

ENOUGH = 100
DATE_KEYS = ("birth_date",)
YEAR_KEYS = ("birth_year",)


def _rows(table: str) -> list[dict]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM {table}")  # noqa: S608 - a fixed table name
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    return None


def _clues(person: dict, audit_rows: list[dict]) -> dict:
    """What the copy says about one resident: the visible ID digits, birth date or year, sex."""
    clues = {"pattern": person.get("id_number_masked") or "", "dates": set(), "years": set()}
    clues["gender"] = person.get("gender") or ""
    sources = [person]
    for row in audit_rows:
        for side in ("before", "after"):
            data = row[side]
            if isinstance(data, str):
                data = json.loads(data)
            if isinstance(data, dict):
                sources.append(data)
    for src in sources:
        for key in DATE_KEYS:
            if d := _as_date(src.get(key)):
                clues["dates"].add(d)
        for key in YEAR_KEYS:
            if src.get(key):
                clues["years"].add(int(src[key]))
        masked = src.get("id_number_masked")
        if isinstance(masked, str) and len(masked) == 18:
            # Two masked copies (an old one in the log, a new one in the table) add up.
            base = clues["pattern"] if len(clues["pattern"]) == 18 else "*" * 18
            clues["pattern"] = "".join(b if b != "*" else m for b, m in zip(base, masked, strict=True))
    return clues


@functools.cache
def _tail_sums(visible: str, sex: str) -> tuple[int, ...]:
    """Digits 15–17 that fit what shows of them (and the sex column while digit 17 is hidden),
    each as its part of the check-digit sum."""
    sums = []
    for seq in range(1000):
        tail = f"{seq:03d}"
        if any(c != "*" and c != s for c, s in zip(visible, tail, strict=True)):
            continue
        # The sex column says nothing more once digit 17 shows (and may disagree with it).
        if visible[2] == "*" and sex and (seq % 2 == 1) != (sex == "M"):
            continue
        sums.append(sum(int(c) * w for c, w in zip(tail, ID_WEIGHTS[14:17], strict=True)))
    return tuple(sums)


def _candidates(clues: dict, district_code: str, enough: int = ENOUGH) -> int:
    """Count ID numbers that fit every clue, stopping once `enough` are found.

    The check digit is a weighted sum mod 11, so the sum of digits 1–14 is taken once per
    date and each fitting tail adds its own part: the same count as trying every number.
    """
    pattern = clues["pattern"]
    # The attacker is granted the region digits: the district is on every row.
    head = pattern[:6] if "*" not in pattern[:6] else district_code[:6]
    if clues["dates"]:
        dates = sorted(clues["dates"])
    else:
        years = sorted(clues["years"]) or list(range(1900, dt.date.today().year + 1))
        dates = []
        for y in years:
            d = dt.date(y, 1, 1)
            while d.year == y:
                dates.append(d)
                d += dt.timedelta(days=1)
    tails = _tail_sums(pattern[14:17], clues["gender"] if pattern[16] == "*" else "")
    found = 0
    for d in dates:
        ymd = f"{d:%Y%m%d}"
        if any(c != "*" and c != s for c, s in zip(pattern[6:14], ymd, strict=True)):
            continue
        if pattern[17] == "*":
            found += len(tails)
        else:
            first14 = sum(int(c) * w for c, w in zip(head + ymd, ID_WEIGHTS[:14], strict=True))
            found += sum(1 for t in tails if ID_CHECK[(first14 + t) % 11] == pattern[17])
        if found >= enough:
            return found
    return found


def test_the_counting_shortcut_gives_the_check_digit_of_every_number():
    rng = random.Random(11643)
    for _ in range(2000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        first14 = sum(int(c) * w for c, w in zip(first17[:14], ID_WEIGHTS[:14], strict=True))
        tail = sum(int(c) * w for c, w in zip(first17[14:], ID_WEIGHTS[14:17], strict=True))
        assert ID_CHECK[(first14 + tail) % 11] == id_check_char(first17)


def test_the_attack_counts_what_brute_force_counts():
    """A masked ID with one known birth date: every tail tried by hand, against the shortcut."""
    clues = {"pattern": "510107**********1X", "dates": {dt.date(1950, 5, 17)}, "years": set(), "gender": "M"}
    by_hand = sum(
        1
        for seq in range(1000)
        if f"{seq:03d}"[2] == "1" and id_check_char(f"51010719500517{seq:03d}") == "X"
    )
    assert _candidates(clues, "510107", enough=10_000) == by_hand > 0


def _admin_edits(client, district_admin, person):
    """A person created and edited through the admin site, as a member of staff would."""
    client.force_login(district_admin)
    fields = {
        "district": person.district_id,
        "community": person.community_id,
        "name": "管理员新增",
        "gender": "F",
        "phone": "13712345678",
        "is_active": "on",
    }
    if "birth_year" in {f.name for f in Person._meta.fields}:
        fields["birth_year"] = "1970"
    else:
        fields["birth_date"] = "1970-03-04"
    response = client.post(reverse("admin:people_person_add"), fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Person.objects.get(name="管理员新增")
    response = client.post(
        reverse("admin:people_person_change", args=[person.pk]),
        {**fields, "name": person.name, "phone": "13798765432", "gender": person.gender},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return added


@pytest.fixture
def demo_copy(settings, tmp_path, client):
    """The demo district, plus a roster import and admin edits, as a thief's copy would hold them."""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", "--no-progress", stdout=StringIO())
    admin = User.objects.get(username="district")
    someone = Person.objects.exclude(id_number_masked="").order_by("id").first()
    _admin_edits(client, admin, someone)
    people_import(
        data=csv_bytes(*good_rows(someone.community.code)),
        filename="p.csv",
        scope_region=someone.community,
        actor=admin,
    )
    return someone.community.district_code


def test_no_id_number_narrows_below_100_candidates_and_the_log_holds_no_clear_values(demo_copy):
    people = _rows("people_person")
    audit = _rows("core_auditlog")
    by_target: dict[str, list[dict]] = {}
    for row in audit:
        if row["target_type"] == "people.Person":
            by_target.setdefault(str(row["target_id"]), []).append(row)
    attacked = 0
    for person in people:
        clues = _clues(person, by_target.get(str(person["id"]), []))
        if not clues["pattern"]:
            continue
        attacked += 1
        found = _candidates(clues, demo_copy)
        assert found >= ENOUGH, f"person {person['id']}: {found} candidates from {clues}"
    assert attacked > 100
    _audit_holds_no_personal_clear_text()


PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_FULL = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
ID_FRAGMENT = re.compile(r"\d{4}\*{4,}")
FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _audit_holds_no_personal_clear_text():
    """Every entry of the demo, the import and the admin edits: masked values only."""
    entries = list(AuditLog.objects.all())
    assert any(e.target_type == "people.Person" for e in entries)
    for e in entries:
        text = json.dumps([e.before, e.after, e.target_repr], ensure_ascii=False)
        assert not PHONE.search(text), (e.action, text)
        assert not ID_FULL.search(text), (e.action, text)
        assert not ID_FRAGMENT.search(text), (e.action, text)
        for side in (e.before, e.after):
            for key, value in (side or {}).items() if isinstance(side, dict) else ():
                if "birth" in key:
                    assert not (isinstance(value, str) and FULL_DATE.match(value)), (e.action, key, value)


def test_the_attack_would_catch_the_old_mask():
    """Digits 15–18 shown with the birth year leave about 33 numbers: the attack must say so."""
    clues = {"pattern": "510107********121X", "dates": set(), "years": {1950}, "gender": "M"}
    assert 0 < _candidates(clues, "510107") < ENOUGH
    clues["pattern"] = "510107**********1X"
    assert _candidates(clues, "510107") >= ENOUGH
