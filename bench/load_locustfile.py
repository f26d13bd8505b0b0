"""A hall's day for locust (run by bench/load.py, which seeds the database, starts gunicorn
and reads the figures): tellers take cases in and complete them, reviewers take the next
case and decide, signers and leaders watch the sign-off page, auditors filter the log — with
human pauses — and every open page polls as the browser does (every 5 s, with the
X-Counterhall-Poll header, like htmx's ``hx-trigger="every 5s"``).

The staff, windows, business type and employers come from the JSON file in
``COUNTERHALL_LOAD_CONFIG`` (written by ``bench/load.py seed``). Requests are named by page,
so the figures are per page; a poll's name ends in "(poll)".
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

import gevent
from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["COUNTERHALL_LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
POLL_SECONDS = float(os.environ.get("COUNTERHALL_POLL_SECONDS", "5"))
PAUSE = float(os.environ.get("COUNTERHALL_PAUSE_SCALE", "1"))  # <1 = faster humans (ramp)
POLL = {"X-Counterhall-Poll": "1", "HX-Request": "true"}
DOC_FIELD = re.compile(r'name="(doc_[A-Za-z0-9_]+)"')
CASE_URL = re.compile(r"/cases/(\d+)/$")
STATE_POLL = re.compile(r'id="case-state" hx-get="([^"]+)"')
REVIEW_URL = re.compile(r"/review/cases/(\d+)/$")
_accounts: dict[str, itertools.cycle] = {
    role: itertools.cycle(names) for role, names in CONFIG["users"].items()
}


_signed = {"count": 0}


def _signed_in(environment) -> None:
    """The figures start when the last user has signed in: a sign-in hashes the password
    (PBKDF2, about a CPU second), so 32 of them at once hold both cores for several
    seconds; the staff of a hall sign in once a day, not during the measured work."""
    _signed["count"] += 1
    if _signed["count"] == environment.runner.target_user_count:
        environment.stats.reset_all()


PAGE_NAMES = (
    (re.compile(r"^/cases/\d+/$"), "case detail"),
    (re.compile(r"^/review/cases/\d+/$"), "review case"),
    (re.compile(r"^/review/$"), "review queue"),
)


def page_name(url: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0]
    return next((name for pattern, name in PAGE_NAMES if pattern.match(path)), path)


def pause(low: float, high: float) -> None:
    gevent.sleep(random.uniform(low, high) * PAUSE)


class Staff(HttpUser):
    """One member of staff: signs in, keeps one page open that polls, works with pauses."""

    abstract = True
    role = ""
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.username = next(_accounts[self.role])
        self.poll_url: str | None = None
        self.poll_name = ""
        self.client.get("/login/", name="login")
        with self.client.post(
            "/login/",
            {"username": self.username, "password": CONFIG["password"]},
            headers=self.csrf(),
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.username}: {response.status_code}")
        _signed_in(self.environment)
        self._poller = gevent.spawn(self._poll)

    def on_stop(self) -> None:
        self._poller.kill()

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host}

    def open_page(self, url: str, name: str, poll_url: str | None, poll_name: str = ""):
        """GET a page, and from now on poll its live part as the browser does."""
        response = self.client.get(url, name=name)
        self.poll_url, self.poll_name = poll_url, poll_name or f"{name} (poll)"
        return response

    def post(self, url: str, data: dict, name: str):
        """POST as a form does, then GET the page it redirects to as the browser does: two
        requests, each timed under its own name (a POST's figure is the POST alone)."""
        response = self.client.post(
            url, data, headers=self.csrf(), name=name, allow_redirects=False
        )
        target = response.headers.get("Location", "") if response.status_code in (302, 303) else ""
        if not target:
            return response
        return self.client.get(target, name=page_name(target))

    def _poll(self) -> None:
        while True:
            gevent.sleep(POLL_SECONDS)
            if self.poll_url:
                self.client.get(self.poll_url, headers=POLL, name=self.poll_name)


class Teller(Staff):
    """综合柜员: takes an employer's change (REG02) in, submits it, keeps the case page open
    (its state polls) until the reviewer approves, then completes it; between applicants
    looks at the worklist, the case list and the search."""

    role = "teller"
    weight = CONFIG["weights"]["teller"]

    @task(6)
    def take_in_and_complete(self) -> None:
        self.open_page("/", "home", "/cases/mine/", "worklist (poll)")
        pause(1, 3)
        page = self.open_page(f"/cases/new/?q={CONFIG['type_code']}", "case open", None)
        pause(2, 5)
        uscc = random.choice(CONFIG["employers"])
        with self.client.post(
            "/cases/new/",
            {
                "window": random.choice(CONFIG["windows"]),
                "business_type": CONFIG["type_id"],
                "subject": uscc,
                "applicant_name": "负载测试",
                "open": "1",
            },
            headers=self.csrf(),
            name="case open (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            found = CASE_URL.search(response.headers.get("Location", ""))
            if not found:
                response.failure(f"case not opened: {response.status_code} {response.url}")
                return
        case = f"/cases/{found.group(1)}/"
        page = self.open_page(case, "case detail", None)
        docs = dict.fromkeys(DOC_FIELD.findall(page.text), "on")
        pause(3, 8)
        self.post(f"{case}documents/", {"seen_state": "draft", **docs}, "case documents (post)")
        pause(5, 15)
        self.post(
            f"{case}application/",
            {
                "seen_state": "draft",
                "uscc": uscc,
                "address": f"汪清县负载路{random.randint(1, 10**9)}号",
            },
            "case application (post)",
        )
        pause(2, 4)
        page = self.post(f"{case}submit/", {"seen_state": "draft"}, "case submit (post)")
        # the case page is open with the applicant at the window: its state polls (the
        # state and teller the page was drawn with) until a reviewer moves the case, then
        # the page reloads (HX-Refresh) and the teller completes it
        self.poll_url = None
        found = STATE_POLL.search(page.text)
        if not found:
            return
        state_url = found.group(1).replace("&amp;", "&")
        for _ in range(36):  # up to three minutes
            gevent.sleep(POLL_SECONDS)
            polled = self.client.get(state_url, headers=POLL, name="case state (poll)")
            if polled.headers.get("HX-Refresh") != "true":
                continue
            page = self.client.get(case, name="case detail")
            if 'class="badge big state-approved"' in page.text:
                pause(2, 5)
                self.post(f"{case}complete/", {"seen_state": "approved"}, "case complete (post)")
            break

    @task(2)
    def browse(self) -> None:
        self.open_page("/cases/mine/", "worklist", "/cases/mine/", "worklist (poll)")
        pause(2, 5)
        state = random.choice(["", "completed", "submitted", "draft"])
        self.open_page(f"/cases/?state={state}", "case list", None)
        pause(2, 5)
        self.open_page(f"/search/?q={random.choice(CONFIG['employers'])}", "search", None)


class Reviewer(Staff):
    """复核: the queue page is open (its live part polls); takes the next case, reads it,
    approves it."""

    role = "reviewer"
    weight = CONFIG["weights"]["reviewer"]

    @task
    def take_next_and_approve(self) -> None:
        self.open_page("/review/", "review queue", "/review/live/", "review queue live (poll)")
        pause(3, 10)
        response = self.post("/review/take-next/", {}, "take next (post)")
        found = REVIEW_URL.search(response.url or "")
        if not found:
            return  # the queue was empty: back to watching it
        pause(5, 15)
        self.post(
            f"/review/cases/{found.group(1)}/approve/",
            {"seen_state": "in_review"},
            "review approve (post)",
        )


class Signer(Staff):
    """领导 / 财务: the sign-off page and the queue figures on the home page."""

    role = "signer"
    weight = CONFIG["weights"]["signer"]

    @task
    def watch(self) -> None:
        self.open_page("/review/signoff/", "signoff", None)
        pause(10, 30)
        self.open_page("/", "home", None)
        pause(10, 30)


class Auditor(Staff):
    """稽核: the log filtered by action, by dates, paged on; a case's timeline."""

    role = "auditor"
    weight = CONFIG["weights"]["auditor"]

    @task
    def filter_the_log(self) -> None:
        self.open_page("/audit/", "audit log", None)
        pause(5, 10)
        action = random.choice(["case.submit", "case.claim", "case.approve", "case.complete"])
        page = self.open_page(f"/audit/?action={action}", "audit log (filtered)", None)
        pause(5, 10)
        match = re.search(r'href="\?([^"]+)" id="next-page"', page.text)
        if match:
            query = match.group(1).replace("&amp;", "&")
            self.open_page(f"/audit/?{query}", "audit log (next page)", None)
            pause(5, 10)
        self.open_page("/audit/?date_from=2026-01-01&date_to=2026-06-30", "audit log (dates)", None)
        pause(5, 10)
        case = random.choice(CONFIG["case_ids"])
        self.open_page(f"/audit/cases/{case}/", "case timeline", None)
        pause(10, 20)
