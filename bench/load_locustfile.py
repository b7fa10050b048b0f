"""Locust users of the load run: residents browsing and redeeming, community workers reviewing claims.

Run by `bench/load_run.py` (`locust --headless -f bench/load_locustfile.py ...`), which sets:
- `LOAD_PLAN`: the JSON plan from `load_prepare.prepare` (logins, password, rewards);
- `LOAD_OUT`: a directory for two JSON-lines files: `requests.jsonl`, one line per request
  ([end time, name, milliseconds, ok]) and a `logged_in` line per login, from which the driver
  computes throughput and percentiles once every user is in; and `successes.jsonl`, one line per
  write that the server reported done (a redemption's form id and voucher, an approved
  claim), which `load_check.problems` later finds in the database.

Each simulated user logs in once (argon2 is slow on purpose), then keeps its session. A
login a user takes is its own: users are dealt the plan's logins in turn.
"""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
OUT = Path(os.environ["LOAD_OUT"])
OUT.mkdir(parents=True, exist_ok=True)
_requests = open(OUT / "requests.jsonl", "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (open for the run)
_successes = open(OUT / "successes.jsonl", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
_residents = itertools.cycle(PLAN["residents"])
_workers = itertools.cycle(PLAN["workers"])
REWARDS = [int(k) for k in PLAN["rewards"]]
RETRIES = 3  # posts of one redemption form when the first ones fail

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ONCE = re.compile(r'name="request_id" value="([^"]+)"')
VOUCHER = re.compile(r"/bank/vouchers/(\d+)/$")
REWARD_LINK = re.compile(r'href="/bank/rewards/(\d+)/"')
REVIEWABLE = re.compile(r'<input type="checkbox" name="claim" value="(\d+)">')


@events.request.add_listener
def _log_request(request_type, name, response_time, response_length, exception, **_kw):
    _requests.write(
        json.dumps([round(time.time(), 3), name, round(response_time, 1), exception is None]) + "\n"
    )


def _success(**fields) -> None:
    _successes.write(json.dumps(fields | {"t": round(time.time(), 3)}, ensure_ascii=False) + "\n")


class _LoggedIn(FastHttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    username = ""

    def on_start(self):
        self.logged_in = False
        self.login()

    def login(self) -> bool:
        with self.client.get("/login/", name="login page", catch_response=True) as page:
            token = CSRF.search(page.text or "")
            if not token:
                page.failure("登录页没有 CSRF 令牌")
                return False
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "username": self.username,
            "password": PLAN["password"],
        }
        with self.client.post(
            "/login/", data=form, name="login", allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 302:
                r.failure(f"登录失败：{r.status_code}")
                return False
        self.logged_in = True
        _requests.write(json.dumps({"logged_in": round(time.time(), 3), "user": self.username}) + "\n")
        return True

    def page(self, path: str, name: str, hops: int = 2) -> str | None:
        """GET a page as the logged-in user, following the site's own redirects (`/` to the role's home,
        the notices to the community's board) as requests of their own, named `<name> →`; a redirect
        to the login page is a failure (and logs in again)."""
        if not self.logged_in and not self.login():
            return None
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            target = (r.headers.get("Location") or "") if r.status_code == 302 else ""
            if "/login/" in target:
                self.logged_in = False
                r.failure("会话失效，被带回登录页")
                return None
            if target and hops:
                r.success()
            elif r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
                return None
            else:
                return r.text
        return self.page(target, f"{name} →", hops - 1)


class Resident(_LoggedIn):
    weight = 9

    def on_start(self):
        self.username = next(_residents)
        super().on_start()

    @task(3)
    def home(self):
        self.page("/", "home")

    @task(2)
    def wallet(self):
        self.page("/bank/me/", "wallet")

    @task(2)
    def notices(self):
        self.page("/bank/notices/", "notices")

    @task(2)
    def rewards(self):
        self.page("/bank/rewards/", "rewards")

    @task(1)
    def redeem(self):
        listed = self.page("/bank/rewards/", "rewards")
        if listed is None:
            return
        shown = [int(pk) for pk in REWARD_LINK.findall(listed) if int(pk) in REWARDS]
        reward = random.choice(shown or REWARDS)
        form = self.page(f"/bank/rewards/{reward}/redeem/", "redeem form")
        if form is None:
            return
        token, once = CSRF.search(form), ONCE.search(form)
        if not (token and once):
            return
        data = {"csrfmiddlewaretoken": token.group(1), "request_id": once.group(1)}
        # A post that failed (a killed worker, the database restarting) is sent again with the same
        # form id, as a resident taps again: it must lead to the one voucher, never to a second.
        for attempt in range(1, RETRIES + 1):
            with self.client.post(
                f"/bank/rewards/{reward}/redeem/",
                data=data,
                name="redeem" if attempt == 1 else "redeem again",
                allow_redirects=False,
                catch_response=True,
            ) as r:
                made = VOUCHER.search(r.headers.get("Location") or "") if r.status_code == 302 else None
                if made is None:
                    r.failure(f"兑换没有成功：HTTP {r.status_code}")
            if made is not None or r.status_code == 200:  # done, or refused in words: not a fault
                break
            time.sleep(1)
        if made is None:
            return
        _success(
            kind="redeem",
            user=self.username,
            request_id=once.group(1),
            voucher=int(made.group(1)),
            attempt=attempt,
        )
        self.page(f"/bank/vouchers/{made.group(1)}/", "voucher")


class Worker(_LoggedIn):
    weight = 1

    def on_start(self):
        self.username = next(_workers)
        super().on_start()

    @task
    def review(self):
        queue = self.page("/bank/review/", "review queue")
        if queue is None:
            return
        waiting = REVIEWABLE.findall(queue)
        token, once = CSRF.search(queue), ONCE.search(queue)
        if not (waiting and token and once):
            return
        claim = random.choice(waiting)
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "request_id": once.group(1),
            "claim": claim,
            "decision": "approve",
        }
        with self.client.post(
            "/bank/review/decide/", data=data, name="review", allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 302:
                r.failure(f"审核没有成功：HTTP {r.status_code}")
                return
        # Both an approval and a refusal lead back to the queue; its message says which it was.
        after = self.page("/bank/review/", "review queue")
        if after is not None and "已通过 1 条" in after:
            _success(kind="review", user=self.username, claim=int(claim), request_id=once.group(1))
