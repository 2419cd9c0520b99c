# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Upgrade and uninstall, on the database the journeys and the load test
filled: updating each addon keeps every record and figure; uninstalling the
suite leaves the host helpdesk working, for its clients in the portal and its
staff in the backend, and its own test suite passing.

These tests stop and restart the server; they run last."""

import re

import pytest
from conftest import ADMIN
from harness import free_port, odoo_run, odoo_script, wait_for
from playwright.sync_api import expect

SUITE = ("tma_contract", "tma_sla", "tma_reversibility")
PORTAL = "portal"  # Odoo's demo portal user (login = password)

# Rows of every table the suite owns, and the figures users read.
COUNTED_TABLES = (
    "tma_contract",
    "tma_unit_book",
    "tma_unit_entry",
    "tma_unit_allocation",
    "tma_application",
    "tma_valuation_rule",
    "tma_sla_policy",
    "tma_sla_target",
    "tma_sla_timer",
    "tma_sla_escalation",
    "tma_sla_penalty_period",
    "tma_sla_service_report",
    "tma_document",
    "tma_reversibility_item",
    "tma_reversibility_package",
    "helpdesk_ticket",
    "sale_order_line",
    "account_move",
)


def fingerprint(db):
    """What an update must not change."""
    figures = {
        table: db.value(f"SELECT count(*) FROM {table}")  # noqa: S608 - constant names
        for table in COUNTED_TABLES
    }
    figures["contracts"] = db.rows(
        "SELECT id, name, state, mode, balance FROM tma_contract ORDER BY id"
    )
    figures["ledger"] = db.rows(
        """SELECT md5(string_agg(concat_ws('|', id, contract_id, entry_type, units,
                                           consumed_units, overage_units,
                                           billable_units, ticket_id,
                                           reversed_entry_id), ',' ORDER BY id))
             FROM tma_unit_entry"""
    )
    figures["books"] = db.rows(
        "SELECT id, units, units_remaining, state FROM tma_unit_book ORDER BY id"
    )
    figures["timers"] = db.rows(
        """SELECT md5(string_agg(concat_ws('|', id, ticket_id, metric, status,
                                           deadline, reached_date, breach_notified),
                                 ',' ORDER BY id))
             FROM tma_sla_timer"""
    )
    figures["signatures"] = db.rows(
        """SELECT id, state, signed_by_id, signed_on FROM tma_reversibility_item
            ORDER BY id"""
    )
    figures["packages"] = db.rows(
        "SELECT id, state, sha256 FROM tma_reversibility_package ORDER BY id"
    )
    figures["tickets"] = db.rows(
        """SELECT md5(string_agg(concat_ws('|', id, stage_id, tma_contract_id,
                                           tma_support_level_id, user_id),
                                 ',' ORDER BY id))
             FROM helpdesk_ticket"""
    )
    figures["delivered"] = db.rows(
        """SELECT id, qty_delivered, qty_invoiced FROM sale_order_line
            WHERE tma_billing ORDER BY id"""
    )
    return figures


LOG_RECORD = re.compile(r"^\S+ \S+ \d+ (\w+) ")
# While it uninstalls, Odoo deletes the records the module's data created; a
# record other records still use (a product on an invoice, a client with
# orders) is kept: the DELETE fails on a foreign key, Odoo logs the failed
# query as an error, rolls back to a savepoint and goes on. Once the models
# are gone, it may look for such records in their dropped tables the same
# way. Neither is a failure of the uninstall.
KEPT_BY_UNINSTALL = re.compile(
    r"odoo\.sql_db: bad query: b'(DELETE FROM \"\w+\"|SELECT \"tma_\w+\"\.\"id\")"
    r".*\nERROR: +(update or delete on table .* violates foreign key constraint"
    r"|relation \"tma_\w+\" does not exist)",
    re.DOTALL,
)


def log_records(output):
    """(level, text) of each log record, with the lines that follow it."""
    records = []
    for line in output.splitlines():
        match = LOG_RECORD.match(line)
        if match:
            records.append([match.group(1), line])
        elif records:
            records[-1][1] += "\n" + line
    return records


def log_problems(output, uninstall=False):
    """ERROR and CRITICAL records of an Odoo run, with their tracebacks."""
    return [
        text
        for level, text in log_records(output)
        if (level in ("ERROR", "CRITICAL") or "demo data failed to install" in text)
        and not (uninstall and KEPT_BY_UNINSTALL.search(text))
    ] + [line for line in output.splitlines() if line.startswith("Traceback")]


def check_log(output, uninstall=False):
    problems = log_problems(output, uninstall)
    assert not problems, "\n\n".join(problems)


@pytest.fixture(scope="module")
def stopped(server):
    """The server is stopped while the database is updated, as in a real
    upgrade; restarted at the end of each test that needs it."""
    server.stop()
    yield server


@pytest.mark.parametrize("addon", SUITE)
def test_updating_each_addon_keeps_the_data(stopped, settings, db, addon):
    assert db.value("SELECT count(*) FROM tma_unit_entry") > 0
    before = fingerprint(db)
    output = odoo_run(
        settings,
        "-d",
        settings.db,
        "-u",
        addon,
        log=settings.artifacts / f"update-{addon}.log",
    )
    check_log(output)
    assert f"Loading module {addon}" in output or "modules loaded" in output
    state = db.value("SELECT state FROM ir_module_module WHERE name = %s", (addon,))
    assert state == "installed"
    after = fingerprint(db)
    changed = {key for key in before if before[key] != after[key]}
    assert not changed, {key: (before[key], after[key]) for key in changed}


def test_after_the_update_the_portal_shows_the_same_balance(
    stopped, settings, db, pages
):
    stopped.start()
    contract_id, name, balance = db.rows(
        """SELECT id, name, balance FROM tma_contract
            WHERE partner_id = %s ORDER BY id LIMIT 1""",
        (db.xmlid("tma_contract.partner_alpha"),),
    )[0]
    page = pages.open("client-alpha", login="client.alpha")
    page.goto(f"/my/tma/contracts/{contract_id}")
    expect(page.locator("#tma_contract_card")).to_contain_text(name)
    shown = page.locator("#tma_balance .tma_balance_value").inner_text()
    assert float(shown.replace(",", "")) == balance
    stopped.stop()


def test_uninstalling_the_suite_leaves_the_host_helpdesk_working(
    stopped, settings, db, pages
):
    tickets = {row[0] for row in db.rows("SELECT id FROM helpdesk_ticket")}
    # The tickets of the suite's own demo data (records of its modules, with
    # their XML ids) may go with it; every other ticket must stay.
    demo = {
        row[0]
        for row in db.rows(
            """SELECT res_id FROM ir_model_data
                WHERE model = 'helpdesk.ticket' AND module IN %s""",
            (tuple(SUITE),),
        )
    }
    result = odoo_script(
        settings,
        settings.db,
        f"""
modules = env["ir.module.module"].search([("name", "in", {list(SUITE)!r})])
modules.button_immediate_uninstall()
result = sorted(modules.exists().mapped("state"))
""",
        log=settings.artifacts / "uninstall.log",
    )
    assert result == ["uninstalled"] * len(SUITE)
    uninstall_log = (settings.artifacts / "uninstall.log").read_text()
    check_log(uninstall_log, uninstall=True)
    records = log_records(uninstall_log)
    kept = sum(1 for _level, text in records if KEPT_BY_UNINSTALL.search(text))
    print(f"\nuninstall: {kept} deletions refused by a foreign key: the records stay")
    # The suite is gone: its models, tables and the columns it added.
    assert not db.value("SELECT count(*) FROM ir_model WHERE model LIKE 'tma.%%'")
    assert not db.value(
        """SELECT count(*) FROM information_schema.columns
            WHERE table_name = 'helpdesk_ticket' AND column_name LIKE 'tma\\_%%'"""
    )
    assert not db.value(
        """SELECT count(*) FROM information_schema.tables
            WHERE table_name LIKE 'tma\\_%%'"""
    )
    # The host's data is not: every ticket but the suite's demo records is
    # still there.
    remaining = {row[0] for row in db.rows("SELECT id FROM helpdesk_ticket")}
    assert tickets - demo <= remaining, sorted(tickets - demo - remaining)
    print(f"uninstall: {len(tickets - remaining)} demo tickets of the suite removed")

    stopped.start()
    # A client opens a ticket with the host's own form and follows it (the
    # suite's demo users went with it: Odoo's own demo portal user).
    client = pages.open("portal", login=PORTAL)
    client.goto("/new/ticket")
    expect(client.locator("input[name='subject']")).to_be_visible()
    expect(client.locator("select[name='tma_contract_id']")).to_have_count(0)
    client.fill("input[name='subject']", "After the uninstall")
    client.fill("textarea[name='description']", "The helpdesk still works.")
    client.click("form[action='/submitted/ticket'] button[type='submit']")
    client.wait_for_url(re.compile(r"/my/ticket/\d+"))
    expect(client.locator("body")).to_contain_text("After the uninstall")
    ticket_id = int(re.search(r"/my/ticket/(\d+)", client.url).group(1))
    client.goto("/my/tickets")
    expect(client.locator("body")).to_contain_text("After the uninstall")
    # Staff handle it in the backend.
    staff = pages.open("admin", login=ADMIN, backend=True)
    staff.goto(f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket_id}")
    staff.wait_for_selector(".o_form_view .o_form_sheet")
    staff.click("button[name='assign_to_me']")
    admin = db.value("SELECT id FROM res_users WHERE login = %s", (ADMIN,))
    wait_for(
        lambda: (
            db.value("SELECT user_id FROM helpdesk_ticket WHERE id = %s", (ticket_id,))
            == admin
        ),
        message="the ticket to be assigned",
    )
    stopped.stop()

    # And the host's own test suite passes on what is left.
    output = odoo_run(
        settings,
        "-d",
        settings.db,
        "-u",
        "helpdesk_mgmt",
        "--test-enable",
        "--test-tags",
        "/helpdesk_mgmt,-/helpdesk_mgmt:TestHelpdesMgmtJs,-/helpdesk_mgmt:WebSuite",
        "--http-port",
        str(free_port()),
        log=settings.artifacts / "helpdesk-tests-after-uninstall.log",
    )
    summary = re.findall(
        r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database", output
    )
    assert summary, "no test summary in the log"
    failed, errors, total = map(int, summary[-1])
    assert int(total) > 0 and failed == 0 and errors == 0, summary[-1]
