# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the end-to-end tests: the server, the database, browsers and
JSON-RPC sessions; on a failure, screenshots, pages and the server log."""

import re
import time

import pytest
from harness import (
    SETTLED,
    Database,
    Mailbox,
    OdooServer,
    Rpc,
    Settings,
    odoo_script,
    replica_caught_up,
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Demo logins (the README lists them): login = password.
ADMIN = "admin"
ENGINEER = "tma.engineer"
FINANCE = "tma.finance"
CLIENT_ALPHA = "client.alpha"
CLIENT_BETA = "client.beta"
CLIENT_GAMMA = "client.gamma"
SUCCESSOR_DELTA = "successor.delta"


@pytest.fixture(scope="session")
def settings():
    try:
        return Settings()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def db(settings):
    return Database(settings)


def offline(db):
    """These machines reach no Internet service. Odoo's partner autocompletion
    (auto-installed with the host) asks Odoo's IAP service to enrich the
    company at the administrator's first login, and logs an ERROR when it
    cannot: mark it done, as an administrator who declines it would."""
    if db.value(
        """SELECT 1 FROM information_schema.columns
            WHERE table_name = 'res_company' AND column_name = 'iap_enrich_auto_done'"""
    ):
        db.rows("UPDATE res_company SET iap_enrich_auto_done = TRUE RETURNING id")


@pytest.fixture(scope="session")
def mailbox(settings):
    """The nodes' outgoing mail server: a real SMTP server in this process
    (every message kept in memory and under artifacts/mail/)."""
    mailbox = Mailbox(settings.artifacts / "mail").start()
    settings.smtp_port = mailbox.port
    yield mailbox
    mailbox.stop()


def no_mail_server_records(db):
    """The nodes send through the SMTP server given on their command line:
    an outgoing server recorded in the database would take precedence."""
    db.rows("UPDATE ir_mail_server SET active = FALSE RETURNING id")


@pytest.fixture(scope="session")
def server(settings, mailbox):
    """One multi-process Odoo for the whole session (tests that must stop it,
    such as the upgrade, start it again before they end), sending its mail to
    ``mailbox``."""
    offline(Database(settings))
    no_mail_server_records(Database(settings))
    if settings.replica_port:
        warm_assets(settings)
    server = OdooServer(settings)
    try:
        server.start()
    except RuntimeError as error:
        server.stop()
        pytest.fail(str(error), pytrace=False)
    settle = None
    if settings.replica_port:
        primary = Database(settings)
        replica = Database(settings, port=settings.replica_port)

        def settle():
            # A replica whose replay a test holds (test_replica.py) stays behind.
            if replica.value("SELECT pg_get_wal_replay_pause_state()") == "not paused":
                replica_caught_up(primary, replica)

        settle()
        SETTLED.append(settle)
    yield server
    if settle:
        SETTLED.remove(settle)
    server.stop()
    if settings.replica_port:
        report_replica(server, settings)


# The asset bundles the pages of the journeys load (the server logs
# "Generating a new asset bundle attachment" for one built on demand).
BUNDLES = (
    "web.assets_frontend",
    "web.assets_frontend_minimal",
    "web.assets_frontend_lazy",
    "web.assets_web",
    "web.assets_web_print",
    "web.assets_emoji",
    "web.report_assets_common",
    "web.report_assets_pdf",
    "portal.assets_chatter",
    "portal.assets_chatter_style",
    "bus.websocket_worker_assets",
)


def warm_assets(settings):
    """Build the asset bundles before the nodes start. A bundle is built by
    the first request that needs it (an attachment written on the primary);
    on a fresh database behind a replica, the nodes' first pages ask the
    replica for bundles it has not replayed yet and get 400s (Odoo's
    asset route, not the suite's). A deployment builds them once the same
    way before opening."""
    built = odoo_script(
        settings,
        settings.db,
        f"""
result = []
for name in {BUNDLES!r}:
    bundle = env["ir.qweb"]._get_asset_bundle(name)
    result.append((name, len(bundle.css()) + len(bundle.js())))
""",
    )
    assert all(count for _name, count in built), built


def report_replica(server, settings):
    """How many requests each server answered over the run (the replica:
    read-only routes; the primary: the rest, and the read-only requests that
    wrote and ran again there); written to replica.txt. A route of the suite
    run again on the primary writes in a read-only route: it fails the run
    (tma_contract/tools/replica.py)."""
    served = server.requests_by_mode(0)
    lines = [
        f"replica (ro): {len(served['ro'])} requests",
        f"primary (rw): {len(served['rw'])} requests",
        f"replica then primary (ro->rw): {len(served['ro->rw'])} requests",
    ]
    lines += [
        f"  ro->rw {method} {path} {status}"
        for method, path, status in served["ro->rw"]
    ]
    report = "\n".join(lines)
    (settings.artifacts / "replica.txt").write_text(report + "\n", encoding="utf-8")
    print("\n" + report)
    suite_retried = [path for _m, path, _s in served["ro->rw"] if "/my/tma" in path]
    # A read whose replica snapshot lacked the session's last writes runs
    # again on the primary on purpose (tma_contract/tools/replica.py).
    for_writes = server.log_since(0).count("lacks the session's last writes")
    assert len(suite_retried) <= for_writes, (
        f"suite routes wrote in a read-only request: {suite_retried}"
    )


@pytest.fixture(scope="session")
def rpc(server, settings):
    """rpc(login): a JSON-RPC session of a demo user (password = login)."""
    sessions = {}
    replica_sync = None
    if settings.replica_port:
        primary = Database(settings)
        replica = Database(settings, port=settings.replica_port)

        def replica_sync():
            # What the provider prepares through JSON-RPC, another person
            # (another session) then reads in the portal, maybe from the
            # replica: wait until the replica has it, as people are slower
            # than a replica's lag.
            replica_caught_up(primary, replica)

    def get(login):
        if login not in sessions:
            sessions[login] = Rpc(
                server.url, settings.db, login, login, after_call=replica_sync
            )
        return sessions[login]

    return get


# ----------------------------------------------------------------------
# What the provider prepares for Gamma (a French client) through JSON-RPC
# ----------------------------------------------------------------------
def gamma_contract(db):
    return db.value(
        "SELECT id FROM tma_contract WHERE partner_id = %s ORDER BY id LIMIT 1",
        (db.xmlid("tma_contract.partner_gamma"),),
    )


def closed_incident_with_report(db, rpc, run):
    """A closed incident of Gamma whose intervention report was sent (by
    email, and on the ticket's portal page); ``run`` marks its texts."""
    admin = rpc(ADMIN)
    ticket_id = admin.call(
        "helpdesk.ticket",
        "create",
        {
            "name": f"Relances clients non envoyées [{run}]",
            "description": "<p>Aucune relance partie ce matin.</p>",
            "partner_id": db.xmlid("tma_contract.partner_gamma_contact"),
            "team_id": db.xmlid("tma_contract.team_tma"),
            "tma_contract_id": gamma_contract(db),
            "tma_maintenance_type_id": db.xmlid(
                "tma_contract.maintenance_type_corrective"
            ),
        },
    )
    admin.call(
        "helpdesk.ticket",
        "write",
        [ticket_id],
        {"stage_id": db.xmlid("helpdesk_mgmt.helpdesk_ticket_stage_done")},
    )
    report_id = db.value(
        "SELECT id FROM tma_intervention_report WHERE ticket_id = %s", (ticket_id,)
    )
    assert report_id, "closing the incident drafted no intervention report"
    admin.call(
        "tma.intervention.report",
        "write",
        [report_id],
        {
            "diagnosis": f"<p>Serveur de messagerie saturé [{run}]</p>",
            "actions_done": "<p>File d'attente purgée, relances renvoyées.</p>",
            "fix_kind": "configuration",
            "validated_by": "Léa Moreau",
            "time_spent": 1.5,
        },
    )
    admin.call("tma.intervention.report", "action_send", [report_id])
    return ticket_id


def submitted_minutes(db, rpc, run):
    """A new review of Gamma, held, whose minutes were sent to Gamma's
    contact for approval (by email with their PDF, and in the portal)."""
    admin = rpc(ADMIN)
    type_id = admin.call(
        "tma.review.type",
        "create",
        {
            "name": f"Comité e2e [{run}]",
            "contract_id": gamma_contract(db),
            "next_date": "2099-01-05 09:00:00",
            "client_partner_ids": [
                (6, 0, [db.xmlid("tma_contract.partner_gamma_contact")])
            ],
        },
    )
    review_id = admin.call(
        "tma.review",
        "create",
        {
            "type_id": type_id,
            "date": "2026-01-05 09:00:00",
            "date_from": "2025-12-01",
            "date_to": "2025-12-31",
        },
    )
    admin.call("tma.review", "action_held", [review_id])
    admin.call("tma.review", "write", [review_id], {"minutes": "<p>RAS</p>"})
    admin.call("tma.review", "action_submit_minutes", [review_id])
    return review_id


@pytest.fixture(autouse=True)
def server_log_is_clean(request):
    """Every test that talks to the server ends with no ERROR or CRITICAL
    record in the server log since it began, but those it expects: a test
    that strikes the server with faults tolerates what they log
    (``request.node.tma_log_tolerated``, a function of a record's text)."""
    if "server" not in request.fixturenames:
        yield
        return
    server = request.getfixturevalue("server")
    offset = server.log_offset()
    request.node.tma_log_offset = offset
    yield
    # Give the workers a moment to flush what the last request logged.
    time.sleep(0.3)
    problems = server.problems_since(offset)
    tolerated = getattr(request.node, "tma_log_tolerated", None)
    if tolerated:
        problems = [problem for problem in problems if not tolerated(problem)]
    if problems:
        pytest.fail(
            "the server logged errors during the test:\n\n" + "\n\n".join(problems),
            pytrace=False,
        )


# ----------------------------------------------------------------------
# Browser
# ----------------------------------------------------------------------
@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright, settings):
    if not settings.chromium:
        pytest.fail("Chromium not found (install Debian's chromium)", pytrace=False)
    browser = playwright.chromium.launch(
        executable_path=settings.chromium, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


class Pages:
    """The browser pages a test opened, each in a context of its own (one per
    person), kept so that a failure can show what each person saw."""

    def __init__(self, browser, server):
        self.browser = browser
        self.server = server
        self.opened = []  # (label, page, console lines)

    def open(self, label, login=None, backend=False):
        context = self.browser.new_context(
            base_url=self.server.url,
            viewport={"width": 1366, "height": 900},
            locale="en-US",
            timezone_id="Europe/Paris",
        )
        context.set_default_timeout(30000)
        page = context.new_page()
        console = []
        page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
        self.opened.append((label, page, console))
        if login:
            page.goto("/web/login")
            page.fill("input[name='login']", login)
            page.fill("input[name='password']", login)
            page.click("button[type='submit']")
            page.wait_for_url(re.compile(r"/(odoo|my|web)"))
            if backend:
                page.wait_for_selector(".o_main_navbar")
        return page

    def close(self):
        for _label, page, _console in self.opened:
            page.context.close()


@pytest.fixture
def pages(browser, server):
    pages = Pages(browser, server)
    yield pages
    pages.close()


def _slug(text):
    return re.sub(r"[^\w.-]+", "_", text)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, save what each person saw (screenshot, HTML, browser
    console) and the server log of the test, and say where they are."""
    outcome = yield
    report = outcome.get_result()
    if report.when not in ("call", "teardown") or not report.failed:
        return
    settings = item.funcargs.get("settings")
    if not settings:
        return
    folder = settings.artifacts / "failures" / _slug(item.name)
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    pages = item.funcargs.get("pages")
    for index, (label, page, console) in enumerate(pages.opened if pages else []):
        stem = folder / f"{index}-{_slug(label)}"
        try:
            page.screenshot(path=f"{stem}.png", full_page=True)
            stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
            saved.append(f"{stem}.png ({page.url})")
        except Exception as error:  # noqa: BLE001 - the page may be gone
            saved.append(f"{stem}: no screenshot ({error})")
        stem.with_suffix(".console.txt").write_text("\n".join(console), "utf-8")
    server = item.funcargs.get("server")
    if server is not None:
        offset = getattr(item, "tma_log_offset", 0)
        log = folder / "odoo-server.log"
        log.write_text(server.log_since(offset), encoding="utf-8")
        saved.append(f"{log} (the server log of this test)")
    report.sections.append(("e2e artefacts", "\n".join(saved) or "none"))


def pytest_collection_modifyitems(session, config, items):
    """The faults (a node killed, the primary restarted) run after the
    journeys and before the upgrade, which stops the server: the journeys
    start on a system nobody has just broken."""
    faults = [item for item in items if item.fspath.basename == "test_faults.py"]
    rest = [item for item in items if item not in faults]
    upgrade = next(
        (i for i, item in enumerate(rest) if item.fspath.basename == "test_upgrade.py"),
        len(rest),
    )
    items[:] = rest[:upgrade] + faults + rest[upgrade:]
