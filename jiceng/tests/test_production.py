"""The production path, for real: collected static files, gunicorn with DEBUG off, a real Chromium.

The server runs in its own processes with the settings an operator's machine has
(no test flags, secrets from a generated var/secrets.json), against this test's
database, so what passes here is what `make run` and docs/deploy.md serve.
"""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import PASSWORD
from jiceng.bank.tests.test_rewards import fund

# The service circle's hand-made network, places and points, for the map pages.
from jiceng.circle.tests.conftest import (  # noqa: E402, F401
    hand,
    hand_places,
    hand_points,
    line_network,
    located,
    var_dir,
)
from jiceng.core.testing import subprocess_env

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def production_var(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("production-var")


@pytest.fixture(scope="module")
def production_env(production_var, django_db_setup, django_db_blocker) -> dict:
    """The environment of an operator's machine: no test flags, secrets from var/secrets.json."""
    with django_db_blocker.unblock():
        env = subprocess_env(JICENG_VAR_DIR=str(production_var), SECURE_COOKIES="False")
    for name in ("JICENG_TESTING", "DEBUG", "TASKS_BACKEND", "SECRET_KEY", "LEDGER_SIGNER_KEY"):
        env.pop(name, None)
    return env


def jiceng_command(env: dict, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jiceng.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def production(production_var, production_env):
    """Secrets generated, static files collected, gunicorn serving on a free port with DEBUG off.

    One server for the module: each test's rows are committed (transactional tests), so the
    server's own connections see them, and the tables are emptied between tests as usual."""
    env = production_env
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300}
    keys = subprocess.run([sys.executable, "-m", "jiceng.keys"], **run)
    assert keys.returncode == 0, keys.stderr
    collect = subprocess.run([sys.executable, "-m", "jiceng.cli", "collectstatic", "--noinput", "-v0"], **run)
    assert collect.returncode == 0, collect.stderr
    assert (production_var / "static" / "staticfiles.json").exists()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jiceng.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/login/", timeout=10)
            break
        except OSError:  # refused, reset or timed out while gunicorn boots
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("gunicorn did not start:\n" + server.communicate()[0])
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=30)


def test_the_production_server_serves_pages_and_every_static_asset(browser, personas, production):
    page = browser.new_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    statics: dict[str, int] = {}
    page.on("response", lambda r: statics.__setitem__(r.url, r.status) if "/static/" in r.url else None)
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))

    page.goto(production + "/login/")
    page.fill("input[name=username]", personas["resident"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(production + "/me/")
    assert "我的社区" in page.content()
    page.goto(production + "/bank/rewards/")
    page.wait_for_load_state("networkidle")

    assert statics, "the pages loaded no static files"
    assert {url: code for url, code in statics.items() if code != 200} == {}
    assert failed == []
    # Hashed names from the manifest: a new release never serves a stale cached asset.
    assert all(Path(url).stem.count(".") >= 1 for url in statics)


def test_a_wrong_url_shows_the_products_own_404_not_a_debug_page(production):
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(production + "/no-such-page/", timeout=10)
    body = exc.value.read().decode()
    assert exc.value.code == 404
    assert "页面不存在" in body and "Traceback" not in body and "URLconf" not in body


def sign_in(browser, base: str, user, width: int = 360):
    page = browser.new_page(viewport={"width": width, "height": 740}, locale="zh-CN")
    page.goto(base + "/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.mark.usefixtures("hand")
def test_every_kind_of_page_keeps_to_the_content_security_policy(
    browser, personas, regions, production_env, production
):
    """Chromium reports every CSP violation (conftest's watching browser); none may occur on the
    pages that run scripts: the resident's pages, charts, maps, htmx partials and the ledger check."""
    fund(personas["resident"].person, 30)
    jiceng_command(production_env, "ledger", "checkpoint")  # signed with the server's own key
    with urllib.request.urlopen(production + "/login/", timeout=10) as response:
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]

    resident = sign_in(browser, production, personas["resident"])
    for path in ("/me/", "/bank/claims/new/", "/bank/vouchers/", "/bank/rewards/", "/bank/me/"):
        resident.goto(production + path)
        resident.wait_for_load_state("networkidle")
    resident.goto(f"{production}/bank/log/{regions['district'].code}/")
    resident.click("button:has-text('检查我的积分记录')")
    resident.wait_for_selector("#ledger-result[data-state=ok]")
    assert "您的 1 条积分记录都在公开账本里，没有被改过" in resident.inner_text("#ledger-result")
    resident.click("button.text-size")  # app.js changes the text size in place
    resident.wait_for_selector("html.large-type")
    resident.click("footer button[value=en]")  # the language switch, in the footer
    resident.wait_for_load_state("networkidle")

    admin = sign_in(browser, production, personas["district_admin"], width=1280)
    admin.wait_for_url(production + "/overview/")
    admin.wait_for_selector("[data-chart][data-drawn]")  # the cockpit's ECharts bars
    admin.hover("[data-chart]")  # its tooltip
    admin.goto(production + "/bank/reports/settlement/")
    admin.wait_for_selector("[data-chart][data-drawn]")
    admin.goto(production + "/alliance/coverage/")
    admin.wait_for_load_state("networkidle")
    admin.goto(production + "/circle/")
    admin.wait_for_selector("#circle-map[data-loaded='1']", timeout=15_000)
    admin.click("form.circle-recommend button")  # an htmx partial
    admin.wait_for_selector("#recommend-data", state="attached", timeout=15_000)

    assert browser.violations == []
