# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The suite as people meet it, in a real Chromium against a multi-process
Odoo: a client, an engineer, finance, and a contract's end.

The journeys follow each other (the engineer works on the client's ticket,
finance invoices what was consumed) but each finds or makes what it needs,
so that one can be run alone. Every figure a page shows is compared with the
database."""

import hashlib
import io
import json
import re
import uuid
import zipfile

import pytest
from conftest import (
    ADMIN,
    CLIENT_ALPHA,
    CLIENT_BETA,
    ENGINEER,
    FINANCE,
    SUCCESSOR_DELTA,
)
from harness import wait_for
from playwright.sync_api import expect

RUN = uuid.uuid4().hex[:6]
TICKET_SUBJECT = f"Label printer prints blank pages [{RUN}]"


def number(text):
    """The first number in ``text`` ("1,234.50 units" -> 1234.5)."""
    match = re.search(r"-?[\d,]*\d(?:\.\d+)?", text)
    assert match, f"no number in {text!r}"
    return float(match.group(0).replace(",", ""))


def contract_of(db, partner_xmlid):
    row = db.rows(
        """SELECT id, name, balance, mode FROM tma_contract
            WHERE partner_id = %s ORDER BY id LIMIT 1""",
        (db.xmlid(partner_xmlid),),
    )[0]
    return dict(zip(("id", "name", "balance", "mode"), row, strict=True))


# ----------------------------------------------------------------------
# 1. A client opens a ticket and follows it
# ----------------------------------------------------------------------
def test_client_sees_its_contract_opens_a_ticket_and_follows_its_sla(pages, db):
    contract = contract_of(db, "tma_contract.partner_alpha")
    page = pages.open("client-alpha", login=CLIENT_ALPHA)

    # The portal home counts the client's contracts.
    page.goto("/my/home")
    card = page.locator("a[href='/my/tma/contracts']").first
    expect(card).to_contain_text("Maintenance contracts")
    own = db.value(
        "SELECT count(*) FROM tma_contract WHERE partner_id = %s AND state != 'draft'",
        (db.xmlid("tma_contract.partner_alpha"),),
    )
    expect(card.locator("[data-placeholder_count='tma_contract_count']")).to_have_text(
        str(own)
    )

    # The list shows its contract and balance, and no other client's.
    card.click()
    page.wait_for_url("**/my/tma/contracts")
    row = page.locator("tr", has_text=contract["name"])
    expect(row).to_be_visible()
    assert number(row.locator("td").nth(3).inner_text()) == contract["balance"]
    others = [
        name
        for (name,) in db.rows(
            "SELECT name FROM tma_contract WHERE partner_id != %s",
            (db.xmlid("tma_contract.partner_alpha"),),
        )
    ]
    body = page.locator("main").inner_text()
    assert not [name for name in others if name in body]

    # The contract page: balance, books and tickets as in the database.
    row.locator("a").first.click()
    page.wait_for_url(f"**/my/tma/contracts/{contract['id']}**")
    balance = page.locator("#tma_balance .tma_balance_value")
    assert number(balance.inner_text()) == contract["balance"]
    books = db.rows(
        """SELECT name, units_remaining FROM tma_unit_book
            WHERE contract_id = %s ORDER BY id""",
        (contract["id"],),
    )
    book_rows = page.locator("#tma_books tbody tr")
    expect(book_rows).to_have_count(len(books))
    for name, remaining in books:
        cells = page.locator("#tma_books tbody tr", has_text=name).locator("td")
        assert number(cells.nth(3).inner_text()) == float(remaining)
    tickets = db.value(
        "SELECT count(*) FROM helpdesk_ticket WHERE tma_contract_id = %s",
        (contract["id"],),
    )
    expect(page.locator("#tma_tickets tbody tr")).to_have_count(min(tickets, 20))

    # A new ticket, from the portal form: attached to the contract.
    page.goto("/new/ticket")
    select = page.locator("select[name='tma_contract_id']")
    expect(select.locator("option:checked")).to_contain_text(contract["name"])
    app = db.rows(
        """SELECT a.id, a.name FROM tma_application a
             JOIN tma_application_tma_contract_rel r ON r.tma_application_id = a.id
            WHERE r.tma_contract_id = %s LIMIT 1""",
        (contract["id"],),
    )[0]
    page.select_option("select[name='tma_application_id']", str(app[0]))
    page.fill("input[name='subject']", TICKET_SUBJECT)
    page.fill("textarea[name='description']", "Since this morning, every label.")
    page.click("form[action='/submitted/ticket'] button[type='submit']")
    page.wait_for_url(re.compile(r"/my/ticket/\d+"))
    ticket_id = int(re.search(r"/my/ticket/(\d+)", page.url).group(1))
    expect(page.locator("body")).to_contain_text(TICKET_SUBJECT)
    ticket = db.rows(
        """SELECT t.tma_contract_id, t.tma_application_id, t.team_id, p.name
             FROM helpdesk_ticket t JOIN res_partner p ON p.id = t.partner_id
            WHERE t.id = %s""",
        (ticket_id,),
    )[0]
    assert ticket[0] == contract["id"]
    assert ticket[1] == app[0]
    assert ticket[2] == db.xmlid("tma_contract.team_tma")

    # Its service levels, one line per commitment, as the timers say.
    timers = db.rows(
        "SELECT metric, status FROM tma_sla_timer WHERE ticket_id = %s ORDER BY id",
        (ticket_id,),
    )
    assert timers, "the contract's SLA policy started no timer"
    for metric, status in timers:
        line = page.locator(f"#tma_sla_status tr[data-metric='{metric}']")
        expect(line).to_have_count(1)
        expect(line).to_contain_text(status.capitalize())
        if status == "running":
            expect(line).to_contain_text("left")


# ----------------------------------------------------------------------
# 2. A provider engineer handles it
# ----------------------------------------------------------------------
@pytest.fixture
def alpha_ticket(db, rpc):
    """The ticket the client opened in journey 1, or one like it."""
    ticket_id = db.value(
        "SELECT id FROM helpdesk_ticket WHERE name = %s", (TICKET_SUBJECT,)
    )
    if not ticket_id:
        contract = contract_of(db, "tma_contract.partner_alpha")
        ticket_id = rpc(ADMIN).call(
            "helpdesk.ticket",
            "create",
            {
                "name": TICKET_SUBJECT,
                "description": "<p>Since this morning, every label.</p>",
                "partner_id": db.xmlid("tma_contract.partner_alpha_contact"),
                "team_id": db.xmlid("tma_contract.team_tma"),
                "tma_contract_id": contract["id"],
                "user_id": False,
            },
        )
    return ticket_id


def open_backend_record(page, action_xmlid, record_id):
    page.goto(f"/odoo/action-{action_xmlid}/{record_id}")
    page.wait_for_selector(".o_form_view .o_form_sheet")


def set_stage(page, name):
    """Click a stage in the form's status bar (folded ones are under "...")."""
    bar = page.locator(".o_statusbar_status")
    button = bar.locator("button.o_arrow_button:visible", has_text=name)
    if not button.count():
        bar.locator("button.dropdown-toggle:visible", has_text="...").first.click()
        button = page.locator(".o-dropdown--menu .dropdown-item", has_text=name)
    button.first.click()


def ticket_closed(db, ticket_id):
    return db.value(
        """SELECT s.closed FROM helpdesk_ticket t
             JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
            WHERE t.id = %s""",
        (ticket_id,),
    )


def timer_status(db, ticket_id, metric):
    return db.value(
        "SELECT status FROM tma_sla_timer WHERE ticket_id = %s AND metric = %s",
        (ticket_id, metric),
    )


def test_engineer_acknowledges_answers_escalates_records_and_resolves(
    pages, db, alpha_ticket
):
    ticket_id = alpha_ticket
    contract = contract_of(db, "tma_contract.partner_alpha")
    page = pages.open("engineer", login=ENGINEER, backend=True)
    open_backend_record(page, "helpdesk_mgmt.helpdesk_ticket_action", ticket_id)
    form = page.locator(".o_form_view")
    expect(form.locator(".o_field_widget[name='tma_contract_id'] input")).to_have_value(
        re.compile(re.escape(contract["name"]))
    )

    # Acknowledge: take it and start working on it.
    page.click("button[name='assign_to_me']")
    set_stage(page, "In Progress")
    engineer_id = db.xmlid("tma_contract.user_tma_engineer")
    wait_for(
        lambda: (
            db.value("SELECT user_id FROM helpdesk_ticket WHERE id = %s", (ticket_id,))
            == engineer_id
        ),
        message="the ticket to be assigned to the engineer",
    )
    wait_for(
        lambda: timer_status(db, ticket_id, "acknowledgement") == "met",
        message="the acknowledgement commitment to be met",
    )

    # Answer the client: a public message from staff is the first response.
    page.click("button.o-mail-Chatter-sendMessage")
    page.fill(".o-mail-Composer-input", "We are looking at the printer driver.")
    page.click("button.o-mail-Composer-send:not([disabled])")
    expect(page.locator(".o-mail-Message").first).to_contain_text(
        "We are looking at the printer driver."
    )
    wait_for(
        lambda: timer_status(db, ticket_id, "first_response") in ("met", None),
        message="the first response commitment to be met",
    )
    assert db.value(
        "SELECT tma_first_response_date IS NOT NULL FROM helpdesk_ticket WHERE id = %s",
        (ticket_id,),
    )

    # Escalate to L2, then to L3, each time with a reason.
    for code, reason in (
        ("L2", "Needs the WMS functional expert"),
        ("L3", "A bug in the label module: needs a developer"),
    ):
        page.click("button[name='action_tma_escalate']")
        modal = page.locator(".modal")
        modal.locator(".o_field_widget[name='reason'] textarea").fill(reason)
        modal.locator("button[name='action_confirm']").click()
        expect(page.locator(".modal")).to_have_count(0)
        level = db.rows(
            """SELECT l.code, l.name->>'en_US' FROM helpdesk_ticket t
                 JOIN tma_support_level l ON l.id = t.tma_support_level_id
                WHERE t.id = %s""",
            (ticket_id,),
        )
        assert level and level[0][0] == code
        expect(
            form.locator(".o_field_widget[name='tma_support_level_id']")
        ).to_contain_text(level[0][1])
    escalations = db.rows(
        """SELECT l.code, x.reason FROM tma_sla_escalation x
             JOIN tma_support_level l ON l.id = x.to_level_id
            WHERE x.ticket_id = %s AND x.user_id = %s ORDER BY x.id""",
        (ticket_id, engineer_id),
    )
    assert [code for code, _reason in escalations][-2:] == ["L2", "L3"]

    # Record the units of work: a complex ticket is worth 8 units.
    balance_before = contract["balance"]
    form.locator(".o_field_widget[name='tma_complexity'] select").select_option(
        label="Complex"
    )
    page.click("button[name='action_tma_record_consumption']")
    entry = wait_for(
        lambda: db.rows(
            """SELECT consumed_units, units, overage_units FROM tma_unit_entry
                WHERE ticket_id = %s AND entry_type = 'consumption'
                  AND NOT is_reversed""",
            (ticket_id,),
        ),
        message="the consumption entry",
    )
    assert len(entry) == 1
    consumed, units, overage = entry[0]
    assert consumed == 8.0
    balance_after = contract_of(db, "tma_contract.partner_alpha")["balance"]
    assert balance_after == pytest.approx(balance_before + float(units))
    assert float(units) == -(consumed - float(overage))
    expect(form.locator(".o_field_widget[name='tma_units_consumed']")).to_contain_text(
        "8.00"
    )
    expect(form.locator(".o_field_widget[name='tma_balance']")).to_contain_text(
        f"{balance_after:.2f}"
    )

    # Resolve it.
    set_stage(page, "Done")
    wait_for(lambda: ticket_closed(db, ticket_id), message="the ticket to be closed")
    statuses = dict(
        db.rows(
            "SELECT metric, status FROM tma_sla_timer WHERE ticket_id = %s",
            (ticket_id,),
        )
    )
    assert statuses.get("resolution") in ("met", "breached")
    assert "running" not in statuses.values() and "paused" not in statuses.values()


# ----------------------------------------------------------------------
# 3. Finance invoices the consumed units and the overage
# ----------------------------------------------------------------------
VALUES = {"complex": 8.0, "medium": 3.0, "simple": 1.0}


def open_overage(db, contract_id):
    """Overage units posted and not invoiced yet (as the contract computes it)."""
    posted = db.value(
        "SELECT COALESCE(SUM(overage_units), 0) FROM tma_unit_entry "
        "WHERE contract_id = %s",
        (contract_id,),
    )
    invoiced = db.value(
        """SELECT COALESCE(SUM(l.qty_invoiced), 0) FROM sale_order_line l
             JOIN product_product p ON p.id = l.product_id
             JOIN product_template t ON t.id = p.product_tmpl_id
            WHERE l.tma_contract_id = %s AND l.tma_billing
              AND t.tma_product_type = 'overage'""",
        (contract_id,),
    )
    return max(0.0, posted - invoiced)


@pytest.fixture
def alpha_overage(db, rpc):
    """Consume beyond Alpha's books (within its overdraft limit), as an
    engineer does, until some overage waits to be invoiced."""
    contract = contract_of(db, "tma_contract.partner_alpha")
    limit = db.value(
        "SELECT overdraft_limit FROM tma_contract WHERE id = %s", (contract["id"],)
    )
    engineer = rpc(ENGINEER)
    while not open_overage(db, contract["id"]):
        balance = contract_of(db, "tma_contract.partner_alpha")["balance"]
        room = balance + limit - open_overage(db, contract["id"])
        complexity = next(c for c, units in VALUES.items() if units <= room)
        ticket_id = rpc(ADMIN).call(
            "helpdesk.ticket",
            "create",
            {
                "name": f"Carrier labels too wide [{RUN}]",
                "description": "<p>The carrier labels overflow the page.</p>",
                "partner_id": db.xmlid("tma_contract.partner_alpha_contact"),
                "team_id": db.xmlid("tma_contract.team_tma"),
                "tma_contract_id": contract["id"],
                "tma_complexity": complexity,
            },
        )
        engineer.call("helpdesk.ticket", "action_tma_record_consumption", [ticket_id])
    return contract, open_overage(db, contract["id"])


def order_lines(db, order_id):
    return {
        code: (delivered, invoiced, to_invoice)
        for code, delivered, invoiced, to_invoice in db.rows(
            """SELECT t.default_code, l.qty_delivered, l.qty_invoiced,
                      l.qty_to_invoice
                 FROM sale_order_line l
                 JOIN product_product p ON p.id = l.product_id
                 JOIN product_template t ON t.id = p.product_tmpl_id
                WHERE l.order_id = %s AND l.display_type IS NULL""",
            (order_id,),
        )
    }


def invoice_order(page, db, order_id):
    """Finance invoices a sale order from its form; returns the invoice lines
    as {product code: quantity} and the posted invoice's id."""
    open_backend_record(page, "sale.action_orders", order_id)
    page.click("button#create_invoice")
    page.locator(".modal button#create_invoice_open").click()
    page.wait_for_selector(".o_form_view button[name='action_post']:visible")
    move_id = int(re.search(r"/(\d+)(?:\?|$)", page.url).group(1))
    page.locator("button[name='action_post']:visible").first.click()
    wait_for(
        lambda: (
            db.value("SELECT state FROM account_move WHERE id = %s", (move_id,))
            == "posted"
        ),
        message="the invoice to be posted",
    )
    expect(
        page.locator(".o_statusbar_status button.o_arrow_button_current")
    ).to_have_text("Posted")
    lines = db.rows(
        """SELECT t.default_code, SUM(l.quantity) FROM account_move_line l
             JOIN product_product p ON p.id = l.product_id
             JOIN product_template t ON t.id = p.product_tmpl_id
            WHERE l.move_id = %s AND l.display_type = 'product'
            GROUP BY t.default_code""",
        (move_id,),
    )
    return dict(lines), move_id


def test_finance_invoices_consumed_units_and_overage(pages, db, alpha_overage):
    alpha, overage = alpha_overage
    page = pages.open("finance", login=FINANCE, backend=True)

    # Alpha: the overage beyond the books, on the order that sold the contract.
    alpha_order = db.value(
        "SELECT sale_order_id FROM tma_contract WHERE id = %s", (alpha["id"],)
    )
    before = order_lines(db, alpha_order)
    assert before["TMA-OVERAGE"][0] - before["TMA-OVERAGE"][1] == overage
    invoiced, _move = invoice_order(page, db, alpha_order)
    assert invoiced["TMA-OVERAGE"] == overage
    for code, (_delivered, _invoiced, to_invoice) in before.items():
        assert invoiced.get(code, 0.0) == to_invoice
    after = order_lines(db, alpha_order)
    assert after["TMA-OVERAGE"][1] == after["TMA-OVERAGE"][0]
    assert open_overage(db, alpha["id"]) == 0.0

    # Beta: every unit consumed under capped time and materials.
    beta = contract_of(db, "tma_contract.partner_beta")
    consumed = db.value(
        "SELECT COALESCE(SUM(billable_units), 0) FROM tma_unit_entry "
        "WHERE contract_id = %s",
        (beta["id"],),
    )
    beta_order = db.value(
        "SELECT sale_order_id FROM tma_contract WHERE id = %s", (beta["id"],)
    )
    before = order_lines(db, beta_order)
    assert before["TMA-REGIE"][0] == consumed
    invoiced, _move = invoice_order(page, db, beta_order)
    assert invoiced["TMA-REGIE"] == consumed - before["TMA-REGIE"][1]
    assert order_lines(db, beta_order)["TMA-REGIE"][1] == consumed


# ----------------------------------------------------------------------
# 4. A contract goes through reversibility to its closure
# ----------------------------------------------------------------------
def beta_blockers(db, contract_id):
    """What the gate counts (see tma.contract._reversibility_blockers)."""
    tickets = db.rows(
        """SELECT t.id, t.name, COALESCE(m.code, '') FROM helpdesk_ticket t
             JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
             LEFT JOIN tma_maintenance_type m ON m.id = t.tma_maintenance_type_id
            WHERE t.tma_contract_id = %s AND NOT s.closed
              AND NOT COALESCE(t.tma_transferred, FALSE) AND t.active""",
        (contract_id,),
    )
    items = db.rows(
        """SELECT id, name, side FROM tma_reversibility_item
            WHERE contract_id = %s AND mandatory AND state = 'todo' ORDER BY id""",
        (contract_id,),
    )
    return tickets, items


def in_language(db, login, english, french):
    """What a user reads: the demo's French clients read French."""
    lang = db.value(
        """SELECT p.lang FROM res_users u JOIN res_partner p ON p.id = u.partner_id
            WHERE u.login = %s""",
        (login,),
    )
    return french if lang == "fr_FR" else english


def sign_in_portal(page, db, contract_id, side, user_login):
    todo = db.rows(
        """SELECT id FROM tma_reversibility_item
            WHERE contract_id = %s AND side = %s AND state = 'todo' ORDER BY id""",
        (contract_id, side),
    )
    buttons = page.locator("#tma_checklist button.o_tma_sign")
    expect(buttons).to_have_count(len(todo))
    user_id = db.value("SELECT id FROM res_users WHERE login = %s", (user_login,))
    for (item_id,) in todo:
        row = page.locator(f"#tma_checklist tr[data-item='{item_id}']")
        row.locator("button.o_tma_sign").click()
        page.wait_for_load_state()
        expect(
            page.locator(f"#tma_checklist tr[data-item='{item_id}']")
        ).to_contain_text(in_language(db, user_login, "Signed", "Validé"))
        signed = db.rows(
            "SELECT state, signed_by_id FROM tma_reversibility_item WHERE id = %s",
            (item_id,),
        )[0]
        assert signed == ("signed", user_id)
    expect(page.locator("#tma_checklist button.o_tma_sign")).to_have_count(0)


def close_contract(page):
    """The Close button, and the confirmation it asks for."""
    page.click("button[name='action_close']")
    confirm = page.locator(".modal", has_text="Close this contract?")
    confirm.locator("button", has_text="Ok").click()
    expect(confirm).to_have_count(0)


def test_contract_goes_through_reversibility_to_closure_and_client_gets_package(
    pages, db
):
    beta = contract_of(db, "tma_contract.partner_beta")
    assert (
        db.value("SELECT state FROM tma_contract WHERE id = %s", (beta["id"],))
        == "reversibility"
    )
    manager = pages.open("manager", login=ADMIN, backend=True)
    open_backend_record(manager, "tma_contract.tma_contract_action", beta["id"])

    # Closing is refused while anything blocks, and the refusal says what.
    tickets, items = beta_blockers(db, beta["id"])
    assert tickets and items, "the demo leaves Beta with blockers to clear"
    close_contract(manager)
    dialog = manager.locator(".modal")
    expect(dialog).to_contain_text("cannot be closed yet")
    for _id, name, _code in tickets:
        expect(dialog).to_contain_text(name)
    for _id, name, _side in items:
        expect(dialog).to_contain_text(name)
    dialog.locator(".modal-header button.btn-close").click()
    assert (
        db.value("SELECT state FROM tma_contract WHERE id = %s", (beta["id"],))
        == "reversibility"
    )

    # Open incidents are resolved; evolutions go to the successor.
    for ticket_id, _name, code in tickets:
        open_backend_record(manager, "helpdesk_mgmt.helpdesk_ticket_action", ticket_id)
        if code == "corrective":
            set_stage(manager, "Done")
            wait_for(
                lambda ticket_id=ticket_id: ticket_closed(db, ticket_id),
                message="the incident to be closed",
            )
        else:
            manager.click("button[name='action_tma_transfer_to_successor']")
            expect(
                manager.locator(".o_field_widget[name='tma_transferred'] input")
            ).to_be_checked()
    wait_for(
        lambda: not beta_blockers(db, beta["id"])[0],
        message="no ticket to block the closure",
    )

    # The successor signs its items in its handover page, and sees nothing
    # else of the contract.
    successor = pages.open("successor-delta", login=SUCCESSOR_DELTA)
    successor.goto("/my/tma/handover")
    successor.wait_for_url(f"**/my/tma/handover/{beta['id']}")
    sign_in_portal(successor, db, beta["id"], "successor", SUCCESSOR_DELTA)
    successor.goto(f"/my/tma/contracts/{beta['id']}")
    assert "/my/tma/contracts" not in successor.url

    # The client signs what is left to it.
    client = pages.open("client-beta", login=CLIENT_BETA)
    client.goto(f"/my/tma/contracts/{beta['id']}")
    sign_in_portal(client, db, beta["id"], "client", CLIENT_BETA)

    # The provider signs its own items in the backend, then closes.
    open_backend_record(manager, "tma_contract.tma_contract_action", beta["id"])
    manager.locator(".o_notebook a.nav-link", has_text="Reversibility").click()
    provider_todo = db.value(
        """SELECT count(*) FROM tma_reversibility_item
            WHERE contract_id = %s AND side = 'provider' AND state = 'todo'""",
        (beta["id"],),
    )
    for done in range(provider_todo):
        manager.locator(
            ".o_field_widget[name='reversibility_item_ids'] button[name='action_sign']"
        ).first.click()
        wait_for(
            lambda done=done: (
                db.value(
                    """SELECT count(*) FROM tma_reversibility_item
                    WHERE contract_id = %s AND side = 'provider'
                      AND state = 'todo'""",
                    (beta["id"],),
                )
                == provider_todo - done - 1
            ),
            message="the provider's item to be signed",
        )
    assert not beta_blockers(db, beta["id"])[1]
    # The demo's package is built by a cron worker once the server runs: on a
    # loaded machine it may still be queued here, and closing would then
    # reuse it instead of queueing the final one.
    wait_for(
        lambda: (
            not db.value(
                "SELECT count(*) FROM tma_reversibility_package "
                "WHERE contract_id = %s AND state IN ('queued', 'running')",
                (beta["id"],),
            )
        ),
        timeout=300,
        interval=1,
        message="a cron worker to build the demo's package",
    )
    # Closing queues the final package; the client's request below gets that
    # one while it waits, or a new one once it is built.
    before = db.value(
        "SELECT COALESCE(MAX(id), 0) FROM tma_reversibility_package "
        "WHERE contract_id = %s",
        (beta["id"],),
    )
    close_contract(manager)
    expect(
        manager.locator(".o_statusbar_status button.o_arrow_button_current")
    ).to_have_text("Closed")
    assert (
        db.value("SELECT state FROM tma_contract WHERE id = %s", (beta["id"],))
        == "closed"
    )

    # The client asks for the final package; a cron worker builds it.
    client.goto(f"/my/tma/contracts/{beta['id']}")
    expect(client.locator("#tma_contract_card .badge").first).to_have_text(
        in_language(db, CLIENT_BETA, "Closed", "Clôturé")
    )
    client.click("button.o_tma_request_package")
    package_id = wait_for(
        lambda: db.value(
            "SELECT MAX(id) FROM tma_reversibility_package WHERE contract_id = %s "
            "AND id > %s",
            (beta["id"], before),
        ),
        message="the package request",
    )
    wait_for(
        lambda: (
            db.value(
                "SELECT state FROM tma_reversibility_package WHERE id = %s",
                (package_id,),
            )
            == "done"
        ),
        timeout=300,
        interval=1,
        message="a cron worker to build the package",
    )
    sha256 = db.value(
        "SELECT sha256 FROM tma_reversibility_package WHERE id = %s", (package_id,)
    )
    client.reload()
    link = client.locator(f"a.o_tma_package_download[href$='/{package_id}']")
    expect(client.locator("body")).to_contain_text(sha256)
    with client.expect_download() as info:
        link.click()
    data = open(info.value.path(), "rb").read()
    assert hashlib.sha256(data).hexdigest() == sha256
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["contract"] == beta["name"]
        names = set(archive.namelist()) - {"manifest.json"}
        assert names == {f["path"] for f in manifest["files"]}
        for entry in manifest["files"]:
            content = archive.read(entry["path"])
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
            assert len(content) == entry["size"]
    assert any(name.endswith(".xlsx") for name in names)
