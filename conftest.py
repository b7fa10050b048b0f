"""Shared fixtures: the demo district's real regions and fixed personas.

Personas follow one pattern: each role inside subdistrict A / community A1, plus
outsiders in subdistrict B, so every view can be tested from outside its scope.
"""

import os
import shutil

import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
# Playwright's sync API runs an event loop in the test thread; the ORM calls in browser tests are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "persona-pass-2026"


@pytest.fixture
def regions(db):
    from jiceng.demo import DEMO_DISTRICT, DEMO_SOURCE
    from jiceng.regions.models import Region
    from jiceng.regions.services import regions_import_divisions

    regions_import_divisions(source=DEMO_SOURCE, district=DEMO_DISTRICT, progress=False)
    district = Region.objects.get(code=DEMO_DISTRICT)
    subs = list(Region.objects.filter(parent=district).order_by("code"))
    a, b = subs[0], subs[-1]
    a1, a2 = list(Region.objects.filter(parent=a).order_by("code"))[:2]
    b1 = Region.objects.filter(parent=b).order_by("code").first()
    return {"district": district, "A": a, "B": b, "A1": a1, "A2": a2, "B1": b1}


def make_person(community, name="王小明", **kw):
    from jiceng.people.models import Person

    return Person.objects.create(
        district_id=kw.pop("district_id", None) or _district_id(community),
        community=community,
        name=name,
        gender=kw.pop("gender", "M"),
        **kw,
    )


def _district_id(region):
    from jiceng.regions.models import Region

    return Region.objects.get(code=region.district_code).id


_persona_hashes: dict[tuple, str] = {}


def persona_password_hash() -> str:
    """The personas' shared password, hashed with the configured hasher once per test process.

    argon2 is slow on purpose (about a tenth of a second, several times that on a busy machine),
    and the personas fixture makes nine users for most tests; one salt for all of them is
    harmless, since the password is the fixture's own. Keyed by the hashers in force, since a
    test may change them.
    """
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    hashers = tuple(settings.PASSWORD_HASHERS)
    if hashers not in _persona_hashes:
        _persona_hashes[hashers] = make_password(PASSWORD)
    return _persona_hashes[hashers]


def make_user(username, role, *, region=None, organization=None, person=None, phone=None):
    from jiceng.core.models import RoleGrant, User

    user = User(username=username, phone=phone, person=person, display_name=username)
    user.password = persona_password_hash()
    user.save()
    RoleGrant.objects.create(user=user, role=role, region=region, organization=organization)
    return user


@pytest.fixture
def personas(regions):
    from jiceng.core.models import Role
    from jiceng.orgs.models import Organization

    unit = Organization.objects.create(
        district=regions["district"], region=regions["A1"], kind="unit", name="示范单位"
    )
    other_unit = Organization.objects.create(
        district=regions["district"], region=regions["B1"], kind="unit", name="外部单位"
    )
    resident_person = make_person(regions["A1"], "李建国")
    outsider_person = make_person(regions["B1"], "赵外人")
    return {
        "district_admin": make_user("d_admin", Role.DISTRICT_ADMIN, region=regions["district"]),
        "sub_admin": make_user("s_admin", Role.SUBDISTRICT_ADMIN, region=regions["A"]),
        "outsider_sub_admin": make_user("s_admin_b", Role.SUBDISTRICT_ADMIN, region=regions["B"]),
        "worker": make_user("worker_a1", Role.COMMUNITY_WORKER, region=regions["A1"]),
        "outsider_worker": make_user("worker_b1", Role.COMMUNITY_WORKER, region=regions["B1"]),
        "unit": make_user("unit_a", Role.UNIT_OPERATOR, organization=unit),
        "outsider_unit": make_user("unit_b", Role.UNIT_OPERATOR, organization=other_unit),
        "resident": make_user(
            "res_a1", Role.RESIDENT, region=regions["A1"], person=resident_person, phone="13912345678"
        ),
        "outsider": make_user("res_b1", Role.RESIDENT, region=regions["B1"], person=outsider_person),
    }


def login_client(client, user):
    client.force_login(user)
    return client


# Every page a browser test opens reports Content-Security-Policy violations to the console,
# where Chromium also logs each refused script, style or connection itself.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " refused " + (e.blockedURI || "inline") +
    " in " + e.sourceFile + ":" + e.lineNumber + " " + (e.sample || ""));
}, true);
"""


def csp_violation(text: str) -> bool:
    return "CSP violation" in text or "Content Security Policy" in text


class CspWatchingBrowser:
    """A Playwright browser whose every context collects CSP violations into `violations`."""

    def __init__(self, browser):
        self._browser = browser
        self.violations: list[str] = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def watch(self, context):
        context.add_init_script(CSP_WATCH)

        def on_console(msg):
            if csp_violation(msg.text):
                self.violations.append(f"{msg.page.url if msg.page else '?'}: {msg.text}")

        context.on("console", on_console)
        return context

    def new_context(self, **kwargs):
        # A resident's phone in China asks for Chinese; a test that means English says so.
        kwargs.setdefault("locale", "zh-CN")
        return self.watch(self._browser.new_context(**kwargs))

    def new_page(self, **kwargs):
        # Like Browser.new_page: a page in a context of its own, closed with the page.
        context = self.new_context(**kwargs)
        page = context.new_page()
        page.on("close", lambda _page: context.close())
        return page


@pytest.fixture
def browser():
    if CHROMIUM is None:
        pytest.skip(
            "未找到 Chromium，跳过浏览器测试 (no Chromium found: browser tests skipped; apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        watched = CspWatchingBrowser(b)
        yield watched
        b.close()
        assert watched.violations == [], "页面违反了内容安全策略 (CSP violations):\n" + "\n".join(
            watched.violations
        )


def pytest_terminal_summary(terminalreporter):
    if CHROMIUM is None:
        terminalreporter.write_line(
            "注意：本机没有 Chromium，浏览器测试已跳过。NOTICE: Chromium not found, browser tests were SKIPPED.",
            yellow=True,
            bold=True,
        )
