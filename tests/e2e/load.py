# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The people of the load test, each in a process of its own: clients who
open tickets in the portal, engineers who value, record and move them, and
an administrator who keeps running the crons by hand while the server's cron
workers run them too. Each returns what it did and every error it saw."""

import random
import re
import time
from collections import Counter

import requests
from harness import Rpc, RpcError

# What a user may legitimately be told: a business refusal.
REFUSALS = ("odoo.exceptions.UserError", "odoo.exceptions.ValidationError")
# What a user must never see: the database's concurrency control.
CONCURRENCY = re.compile(
    r"serializ|concurrent update|deadlock|could not obtain lock", re.IGNORECASE
)
COMPLEXITIES = ("simple", "medium", "complex")


class Outcome:
    """What one person did and saw. Each request is also kept with its wall
    clock times (start, end): the fault tests tell the requests in flight
    during a fault from the others, and when service came back."""

    def __init__(self, who):
        self.who = who
        self.counts = Counter()
        self.errors = []
        self.failures = []  # (start, end, error)
        self.served = []  # (start, end) of every request answered
        self.recorded = {}  # ticket id -> successful recordings
        self.created = []

    def fail(self, started, message):
        self.errors.append(message)
        self.failures.append((started, time.time(), message))

    def answered(self, started, what=None):
        self.served.append((started, time.time()))
        if what:
            self.counts[what] += 1

    def rpc(self, what, call, *args, **kwargs):
        """Run an RPC call; a business refusal is an outcome, anything else
        (or a refusal that speaks of concurrency) an error."""
        started = time.time()
        try:
            result = call(*args, **kwargs)
        except RpcError as error:
            if error.name in REFUSALS and not CONCURRENCY.search(error.message):
                self.answered(started, f"{what} refused")
                return None
            self.fail(started, f"{self.who} {what}: {error}")
            return None
        except requests.RequestException as error:
            self.fail(started, f"{self.who} {what}: {error}")
            return None
        self.answered(started, what)
        return result if result is not None else True

    def result(self):
        return {
            "who": self.who,
            "counts": dict(self.counts),
            "errors": self.errors,
            "failures": self.failures,
            "served": self.served,
            "recorded": self.recorded,
            "created": self.created,
        }


def client(base_url, db, login, contract_id, seconds, seed):
    """A portal client: opens tickets through the portal form and reads its
    contract page."""
    rng = random.Random(seed)
    outcome = Outcome(login)
    http = requests.Session()
    http.post(
        base_url + "/web/session/authenticate",
        json={"params": {"db": db, "login": login, "password": login}},
        timeout=60,
    ).raise_for_status()
    end = time.monotonic() + seconds
    number = 0
    while time.monotonic() < end:
        number += 1
        started = time.time()
        try:
            form = http.get(base_url + "/new/ticket", timeout=120)
            token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
            if form.status_code != 200 or not token:
                outcome.fail(started, f"{login} form: HTTP {form.status_code}")
                continue
            outcome.answered(started)
            started = time.time()
            response = http.post(
                base_url + "/submitted/ticket",
                data={
                    "csrf_token": token.group(1),
                    "tma_contract_id": str(contract_id),
                    "subject": f"Load ticket {login} #{number}",
                    "description": "Opened during the load test.",
                },
                allow_redirects=False,
                timeout=120,
            )
            ticket = re.search(
                r"/my/ticket/(\d+)", response.headers.get("Location", "")
            )
            if response.status_code not in (302, 303) or not ticket:
                outcome.fail(
                    started,
                    f"{login} submit: HTTP {response.status_code} "
                    f"{response.text[:300]!r}",
                )
                continue
            outcome.created.append(int(ticket.group(1)))
            outcome.answered(started, "ticket created")
            started = time.time()
            page = http.get(f"{base_url}/my/tma/contracts/{contract_id}", timeout=120)
            if page.status_code != 200 or "tma_contract_card" not in page.text:
                outcome.fail(started, f"{login} contract page: HTTP {page.status_code}")
            else:
                outcome.answered(started, "contract page")
        except requests.RequestException as error:
            outcome.fail(started, f"{login}: {error}")
        time.sleep(rng.uniform(0.2, 1.0))
    return outcome.result()


def engineer(base_url, db, login, contract_ids, stage_ids, seconds, seed, pair=()):
    """A provider engineer: values and records tickets, moves them between
    stages (which pauses and resumes their timers), changes priorities, moves
    tickets between the two contracts of one client (``pair``) and closes
    some (which records their units on ticket books)."""
    rng = random.Random(seed)
    outcome = Outcome(f"{login}#{seed}")
    rpc = Rpc(base_url, db, login, login)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        tickets = outcome.rpc(
            "search",
            rpc.call,
            "helpdesk.ticket",
            "search_read",
            [("tma_contract_id", "in", contract_ids), ("stage_id.closed", "=", False)],
            ["tma_contract_id"],
            limit=300,
        )
        if not tickets or tickets is True:
            time.sleep(0.5)
            continue
        chosen = rng.choice(tickets)
        ticket, contract = chosen["id"], chosen["tma_contract_id"][0]
        action = rng.choices(
            ("record", "stage", "priority", "close", "move"), weights=(6, 2, 1, 1, 2)
        )[0]
        if action == "move" and contract not in pair:
            action = "record"
        if action == "record":
            outcome.rpc(
                "value",
                rpc.call,
                "helpdesk.ticket",
                "write",
                [ticket],
                {"tma_complexity": rng.choice(COMPLEXITIES)},
            )
            if outcome.rpc(
                "record",
                rpc.call,
                "helpdesk.ticket",
                "action_tma_record_consumption",
                [ticket],
            ):
                outcome.recorded[ticket] = outcome.recorded.get(ticket, 0) + 1
        elif action == "stage":
            outcome.rpc(
                "stage",
                rpc.call,
                "helpdesk.ticket",
                "write",
                [ticket],
                {"stage_id": rng.choice(stage_ids["open"])},
            )
        elif action == "priority":
            outcome.rpc(
                "priority",
                rpc.call,
                "helpdesk.ticket",
                "write",
                [ticket],
                {"priority": rng.choice(("0", "1", "2", "3"))},
            )
        elif action == "move":
            outcome.rpc(
                "move",
                rpc.call,
                "helpdesk.ticket",
                "write",
                [ticket],
                {"tma_contract_id": pair[1] if contract == pair[0] else pair[0]},
            )
        else:
            outcome.rpc(
                "close",
                rpc.call,
                "helpdesk.ticket",
                "write",
                [ticket],
                {"stage_id": stage_ids["done"]},
            )
        time.sleep(rng.uniform(0.05, 0.3))
    return outcome.result()


def cron_runner(base_url, db, login, cron_ids, seconds, seed):
    """An administrator pressing "Run manually" on the crons again and again,
    while the server's cron workers run them on their own schedule."""
    rng = random.Random(seed)
    outcome = Outcome(f"crons#{seed}")
    rpc = Rpc(base_url, db, login, login)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        cron_id = rng.choice(cron_ids)
        outcome.rpc("cron", rpc.call, "ir.cron", "method_direct_trigger", [cron_id])
        time.sleep(rng.uniform(0.2, 0.8))
    return outcome.result()


def package_requester(base_url, db, login, contract_ids, seconds, seed):
    """An administrator asking for the reversibility packages of the
    contracts, at the start and half way through, while another does the same
    (their requests reach either node): the cron workers of both nodes build
    them, each once."""
    outcome = Outcome(f"packages#{seed}")
    rpc = Rpc(base_url, db, login, login)
    end = time.monotonic() + seconds
    for round_ in range(2):
        for contract_id in contract_ids:
            outcome.rpc(
                "package requested",
                rpc.call,
                "tma.contract",
                "action_request_package",
                [contract_id],
            )
        if round_ == 0:
            time.sleep(max(0.0, (end - time.monotonic()) / 2))
    return outcome.result()
