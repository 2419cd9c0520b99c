# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""An evolution as the client and the provider run it, in a real Chromium
against a multi-process Odoo, through their own pages only (the portal for
the client, the backend for the provider): the client's request, the
provider's estimate, the client's approval, the work, a delivery rejected
then one accepted, the acceptance report, and a defect fixed under the
warranty. Another client is refused each of its pages. Every figure a page
shows is compared with the database."""

import re
import uuid

import pytest
from conftest import CLIENT_ALPHA, CLIENT_GAMMA, ENGINEER
from harness import wait_for
from playwright.sync_api import expect
from test_documents import assert_styled
from test_journeys import (
    contract_of,
    in_language,
    open_backend_record,
    set_stage,
    ticket_closed,
)

RUN = uuid.uuid4().hex[:6]
REQUEST = f"Print the lot number on the picking labels [{RUN}]"
DEFECT = f"Lot number cut off on small labels [{RUN}]"
PO_REFERENCE = f"PO-E2E-{RUN}"
TICKET_ACTION = "helpdesk_mgmt.helpdesk_ticket_action"
ESTIMATE_ACTION = "tma_contract.tma_evolution_estimate_action"


def shown(db, login, value):
    """``value`` (units) as the portal shows it to ``login``."""
    english = f"{value:,.2f}"
    french = english.replace(",", "\u202f").replace(".", ",")
    return in_language(db, login, english, french)


def ticket_stage(db, ticket_id):
    return db.value(
        """SELECT s.name->>'en_US' FROM helpdesk_ticket t
             JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
            WHERE t.id = %s""",
        (ticket_id,),
    )


def reserved(db, contract_id, ticket_id=None):
    """Units reserved for approved estimates (of one ticket)."""
    return db.value(
        """SELECT COALESCE(SUM(units_reserved), 0) FROM tma_evolution_estimate
            WHERE contract_id = %s AND state = 'approved'
              AND (%s IS NULL OR ticket_id = %s)""",
        (contract_id, ticket_id, ticket_id),
    )


def books_add_up(db, contract_id):
    """The contract's balance is the sum of its ledger; returns it."""
    balance, ledger = db.rows(
        """SELECT c.balance, COALESCE(SUM(e.units), 0) FROM tma_contract c
             LEFT JOIN tma_unit_entry e ON e.contract_id = c.id
            WHERE c.id = %s GROUP BY c.balance""",
        (contract_id,),
    )[0]
    assert round(balance, 2) == round(ledger, 2), (balance, ledger)
    return balance


def client_opens_request(page, db, contract, subject, type_xmlid):
    """The client's portal form: a request of a kind on its contract."""
    page.goto("/new/ticket")
    expect(
        page.locator("select[name='tma_contract_id'] option:checked")
    ).to_contain_text(contract["name"])
    app_id = db.value(
        """SELECT tma_application_id FROM tma_application_tma_contract_rel
            WHERE tma_contract_id = %s ORDER BY tma_application_id LIMIT 1""",
        (contract["id"],),
    )
    page.select_option("select[name='tma_application_id']", str(app_id))
    page.select_option(
        "select[name='tma_maintenance_type_id']", str(db.xmlid(type_xmlid))
    )
    page.fill("input[name='subject']", subject)
    page.fill("textarea[name='description']", f"{subject}: details.")
    page.click("form[action='/submitted/ticket'] button[type='submit']")
    page.wait_for_url(re.compile(r"/my/ticket/\d+"))
    return int(re.search(r"/my/ticket/(\d+)", page.url).group(1))


def flash(page):
    return page.locator(".o_tma_flash")


def provider_delivers(page, db, estimate_id, ticket_id, notes):
    """The provider delivers the approved estimate's work from its form, to
    the acceptance environment; the ticket then awaits the client."""
    before = db.value(
        "SELECT COALESCE(MAX(id), 0) FROM tma_evolution_delivery "
        "WHERE estimate_id = %s",
        (estimate_id,),
    )
    open_backend_record(page, ESTIMATE_ACTION, estimate_id)
    page.click("button[name='action_deliver']")
    dialog = page.locator(".modal .o_form_view")
    expect(
        dialog.locator(".o_field_widget[name='environment_id'] input")
    ).to_have_value("Recette")
    dialog.locator(".o_field_widget[name='notes'] textarea").fill(notes)
    page.locator(".modal .o_form_button_save").click()
    expect(page.locator(".modal")).to_have_count(0)
    delivery_id = wait_for(
        lambda: db.value(
            """SELECT id FROM tma_evolution_delivery
                WHERE estimate_id = %s AND id > %s AND state = 'delivered'""",
            (estimate_id, before),
        ),
        message="the delivery",
    )
    open_backend_record(page, TICKET_ACTION, ticket_id)
    set_stage(page, "Awaiting")
    wait_for(
        lambda: ticket_stage(db, ticket_id) == "Awaiting",
        message="the ticket to await the client",
    )
    return delivery_id


def test_evolution_from_request_to_acceptance_and_warranty_fix(pages, db):
    contract = contract_of(db, "tma_contract.partner_alpha")
    client = pages.open("client-alpha", login=CLIENT_ALPHA)

    # 1. The client asks for an evolution on its contract, from the portal.
    ticket_id = client_opens_request(
        client, db, contract, REQUEST, "tma_contract.maintenance_type_evolutive"
    )
    expect(client.locator("body")).to_contain_text(REQUEST)
    # (Each wait_for() below also lets the replica catch up: the next person
    # may read what the last one wrote from there.)
    wait_for(
        lambda: (
            db.value(
                "SELECT tma_maintenance_type_id FROM helpdesk_ticket WHERE id = %s",
                (ticket_id,),
            )
            == db.xmlid("tma_contract.maintenance_type_evolutive")
        ),
        message="the evolutive request",
    )

    # 2. The provider cannot start the work before the client approved an
    # estimate: the form says why, and the ticket stays where it was.
    provider = pages.open("engineer", login=ENGINEER, backend=True)
    open_backend_record(provider, TICKET_ACTION, ticket_id)
    stage_before = ticket_stage(db, ticket_id)
    set_stage(provider, "In Progress")
    error = provider.locator(".modal .o_error_dialog")
    expect(error).to_contain_text(
        "needs an estimate approved by the client before work starts"
    )
    error.locator("button.o-default-button").click()
    provider.locator(".o_form_button_cancel").click()
    assert ticket_stage(db, ticket_id) == stage_before != "In Progress"

    # 3. It records an estimate on the contract's grid and sends it.
    provider.click("button[name='action_tma_new_estimate']")
    estimate_form = provider.locator(".o_form_view .o_form_sheet")
    estimate_form.locator(".o_field_widget[name='complexity'] select").select_option(
        label="Simple"
    )
    units = db.value(
        """SELECT units FROM tma_valuation_rule
            WHERE contract_id = %s AND complexity = 'simple' LIMIT 1""",
        (contract["id"],),
    )
    expect(estimate_form.locator(".o_field_widget[name='units']")).to_contain_text(
        f"{units:.2f}"
    )
    provider.click("button[name='action_send']")
    estimate_id, estimate_name, estimate_units = wait_for(
        lambda: db.rows(
            """SELECT id, name, units FROM tma_evolution_estimate
                WHERE ticket_id = %s AND state = 'sent'""",
            (ticket_id,),
        ),
        message="the estimate to be sent",
    )[0]
    assert estimate_units == units
    expect(
        provider.locator(".o_statusbar_status button.o_arrow_button_current")
    ).to_have_text("Awaiting approval")

    # 4. The client reads it on its request's page: the units, the balance
    # available and what the estimate leaves; on its contract's page, the
    # balance and the units reserved.
    balance = books_add_up(db, contract["id"])
    reserved_before = reserved(db, contract["id"])
    available = balance - reserved_before
    client.goto(f"/my/ticket/{ticket_id}")
    row = client.locator(f"#tma_estimate_{estimate_id}")
    expect(row).to_contain_text(estimate_name)
    expect(row.locator(".badge")).to_have_text(
        in_language(db, CLIENT_ALPHA, "Awaiting approval", "En attente d'approbation")
    )
    expect(row.locator("td").nth(2)).to_have_text(shown(db, CLIENT_ALPHA, units))
    expect(row).to_contain_text(
        shown(db, CLIENT_ALPHA, available)
        + " "
        + in_language(db, CLIENT_ALPHA, "units available,", "unités disponibles,")
    )
    expect(row).to_contain_text(
        shown(db, CLIENT_ALPHA, available - units)
        + " "
        + in_language(db, CLIENT_ALPHA, "after approval", "après approbation")
    )
    client.goto(f"/my/tma/contracts/{contract['id']}")
    expect(client.locator("#tma_balance .tma_balance_value")).to_have_text(
        shown(db, CLIENT_ALPHA, balance)
    )
    on_hold = client.locator("#tma_balance .tma_units_reserved")
    expect(on_hold).to_contain_text(shown(db, CLIENT_ALPHA, reserved_before))
    expect(on_hold).to_contain_text(shown(db, CLIENT_ALPHA, available))
    expect(
        client.locator(f"#tma_evolutions #tma_estimate_{estimate_id}")
    ).to_be_visible()

    # 5. The client approves it with its purchase order; a second approval,
    # from a page left open before the first, is refused and changes nothing.
    client.goto(f"/my/ticket/{ticket_id}")
    stale = client.context.new_page()
    stale.goto(f"/my/ticket/{ticket_id}")
    approve = f"form[action='/my/tma/estimates/{estimate_id}/approve']"
    client.fill(f"{approve} input[name='po_reference']", PO_REFERENCE)
    client.click(f"{approve} button[type='submit']")
    expect(flash(client)).to_contain_text(
        in_language(
            db,
            CLIENT_ALPHA,
            "Estimate approved: the work can start. Thank you.",
            "Devis approuvé : le travail peut commencer. Merci.",
        )
    )
    state, po_reference, approver = wait_for(
        lambda: db.rows(
            """SELECT state, po_reference, approved_by_id
                 FROM tma_evolution_estimate WHERE id = %s AND state != 'sent'""",
            (estimate_id,),
        ),
        message="the approval",
    )[0]
    assert (state, po_reference) == ("approved", PO_REFERENCE)
    assert approver == db.xmlid("tma_contract.user_client_alpha")
    row = client.locator(f"#tma_estimate_{estimate_id}")
    expect(row.locator(".badge")).to_have_text(
        in_language(db, CLIENT_ALPHA, "Approved", "Approuvé")
    )
    expect(row).to_contain_text(PO_REFERENCE)
    expect(row.locator(approve)).to_have_count(0)
    assert reserved(db, contract["id"], ticket_id) == units

    stale.fill(f"{approve} input[name='po_reference']", "PO-SECOND")
    stale.click(f"{approve} button[type='submit']")
    expect(flash(stale)).to_contain_text(
        in_language(
            db,
            CLIENT_ALPHA,
            f"Estimate {estimate_name} does not await approval.",
            f"Le devis {estimate_name} n'attend pas d'approbation.",
        )
    )
    stale.close()
    assert (
        db.value(
            "SELECT po_reference FROM tma_evolution_estimate WHERE id = %s",
            (estimate_id,),
        )
        == PO_REFERENCE
    )
    assert (
        db.value(
            """SELECT count(*) FROM tma_act_journal
                WHERE res_model = 'tma.evolution.estimate' AND res_id = %s""",
            (estimate_id,),
        )
        == 1
    )
    assert reserved(db, contract["id"]) == reserved_before + units

    # 6. Approved: the provider starts the work, then delivers it.
    open_backend_record(provider, TICKET_ACTION, ticket_id)
    set_stage(provider, "In Progress")
    wait_for(
        lambda: ticket_stage(db, ticket_id) == "In Progress",
        message="the work to start",
    )
    first = provider_delivers(
        provider, db, estimate_id, ticket_id, "Lot number under the barcode."
    )

    # 7. The client tests it and rejects it with the anomalies it found: the
    # ticket goes back to work, the units stay reserved.
    client.goto(f"/my/ticket/{ticket_id}")
    anomalies = f"The lot number overlaps the barcode [{RUN}]"
    reject = f"form[action='/my/tma/deliveries/{first}/reject']"
    client.fill(f"{reject} input[name='anomalies']", anomalies)
    client.click(f"{reject} button[type='submit']")
    expect(flash(client)).to_contain_text(
        in_language(
            db,
            CLIENT_ALPHA,
            "Delivery rejected: the anomalies go back to work.",
            "Livraison rejetée : les anomalies repartent en correction.",
        )
    )
    assert wait_for(
        lambda: db.rows(
            """SELECT state, anomalies FROM tma_evolution_delivery
                WHERE id = %s AND state != 'delivered'""",
            (first,),
        ),
        message="the rejection",
    ) == [("rejected", anomalies)]
    expect(client.locator(f"#tma_delivery_{first}")).to_contain_text(anomalies)
    assert ticket_stage(db, ticket_id) == "In Progress"
    assert reserved(db, contract["id"], ticket_id) == units

    # 8. The provider delivers again.
    second = provider_delivers(
        provider, db, estimate_id, ticket_id, "Lot number above the barcode."
    )

    # 9. Another client reaches neither the request nor its delivery, and
    # cannot accept it for Alpha.
    other = pages.open("client-gamma", login=CLIENT_GAMMA)
    other.goto(f"/my/ticket/{ticket_id}")
    assert f"/my/ticket/{ticket_id}" not in other.url
    expect(other.locator("body")).not_to_contain_text(estimate_name)
    other.goto(f"/my/tma/deliveries/{second}/report?download=false")
    assert "/report" not in other.url
    token = other.evaluate("odoo.csrf_token")
    answer = other.request.post(
        f"/my/tma/deliveries/{second}/accept",
        form={"csrf_token": token},
        max_redirects=0,
    )
    assert answer.status in (302, 303)
    assert answer.headers["location"].endswith("/my")
    assert (
        db.value("SELECT state FROM tma_evolution_delivery WHERE id = %s", (second,))
        == "delivered"
    )

    # 10. The client accepts it: the reservation becomes a consumption.
    balance = books_add_up(db, contract["id"])
    client.goto(f"/my/ticket/{ticket_id}")
    client.click(f"form[action='/my/tma/deliveries/{second}/accept'] button")
    expect(flash(client)).to_contain_text(
        in_language(
            db,
            CLIENT_ALPHA,
            "Delivery accepted. Thank you.",
            "Recette prononcée. Merci.",
        )
    )
    state, entry_id, accepted_by = wait_for(
        lambda: db.rows(
            """SELECT state, entry_id, accepted_by_id FROM tma_evolution_delivery
                WHERE id = %s AND state != 'delivered'""",
            (second,),
        ),
        message="the acceptance",
    )[0]
    assert state == "accepted"
    assert accepted_by == db.xmlid("tma_contract.user_client_alpha")
    assert (
        db.value(
            "SELECT state FROM tma_evolution_estimate WHERE id = %s", (estimate_id,)
        )
        == "accepted"
    )
    entries = db.rows(
        """SELECT id, consumed_units, units, overage_units FROM tma_unit_entry
            WHERE ticket_id = %s AND entry_type = 'consumption'
              AND NOT is_reversed""",
        (ticket_id,),
    )
    assert len(entries) == 1 and entries[0][0] == entry_id
    _id, consumed, entry_units, overage = entries[0]
    assert consumed == units
    assert -entry_units + overage == consumed
    assert reserved(db, contract["id"], ticket_id) == 0
    assert reserved(db, contract["id"]) == reserved_before
    assert books_add_up(db, contract["id"]) == pytest.approx(balance + entry_units)

    # 11. The acceptance report: a PDF on the provider's letterhead, with the
    # estimate's figures.
    link = client.locator(
        f"#tma_delivery_{second} a[href='/my/tma/deliveries/{second}/report"
        "?download=true']"
    )
    with client.expect_download() as info:
        link.click()
    pdf = open(info.value.path(), "rb").read()
    assert_styled(pdf, "the acceptance report")
    # wkhtmltopdf draws the layout's web font as shapes (no text to extract):
    # what it printed is the report's HTML, which the client may open too.
    company_id, company = db.rows(
        """SELECT c.id, c.name FROM tma_contract t
             JOIN res_company c ON c.id = t.company_id WHERE t.id = %s""",
        (contract["id"],),
    )[0]
    client.goto(f"/report/html/tma_contract.report_tma_acceptance/{second}")
    letterhead = client.locator(f".o_company_{company_id}_layout")
    expect(letterhead.first).to_contain_text(company)
    report = client.locator(".o_tma_acceptance_report")
    for figure in (
        estimate_name,
        PO_REFERENCE,
        shown(db, CLIENT_ALPHA, units),
        REQUEST,
        contract["name"],
    ):
        expect(report).to_contain_text(figure)

    # 12. The provider closes the evolution: its units are not counted twice.
    open_backend_record(provider, TICKET_ACTION, ticket_id)
    set_stage(provider, "Done")
    wait_for(lambda: ticket_closed(db, ticket_id), message="the evolution to close")
    assert (
        db.value(
            """SELECT count(*) FROM tma_unit_entry
                WHERE ticket_id = %s AND entry_type = 'consumption'
                  AND NOT is_reversed""",
            (ticket_id,),
        )
        == 1
    )

    # 13. A defect of the delivered evolution, within its warranty: the
    # client reports it, the provider links it to the evolution and resolves
    # it, at no charge.
    defect_id = client_opens_request(
        client, db, contract, DEFECT, "tma_contract.maintenance_type_corrective"
    )
    wait_for(
        lambda: db.value("SELECT id FROM helpdesk_ticket WHERE id = %s", (defect_id,)),
        message="the defect's ticket",
    )
    balance = books_add_up(db, contract["id"])
    open_backend_record(provider, TICKET_ACTION, defect_id)
    form = provider.locator(".o_form_view")
    form.locator(".o_field_widget[name='tma_complexity'] select").select_option(
        label="Simple"
    )
    link_field = form.locator(".o_field_widget[name='tma_warranty_of_id'] input")
    link_field.fill(REQUEST)
    provider.locator(".o-autocomplete--dropdown-item", has_text=REQUEST).first.click()
    provider.locator(".o_form_button_save").click()
    expect(
        form.locator(".o_field_widget[name='tma_under_warranty'] input")
    ).to_be_checked()
    set_stage(provider, "Done")
    wait_for(lambda: ticket_closed(db, defect_id), message="the defect to be resolved")
    warranty = wait_for(
        lambda: db.rows(
            """SELECT scope, units, consumed_units, COALESCE(billable_units, 0)
                 FROM tma_unit_entry
                WHERE ticket_id = %s AND entry_type = 'consumption'
                  AND NOT is_reversed""",
            (defect_id,),
        ),
        message="the defect's entry",
    )
    assert warranty == [("warranty", 0.0, 0.0, 0.0)]
    assert books_add_up(db, contract["id"]) == balance

    # The client sees it marked as warranty, in its ledger and on its page.
    number = db.value("SELECT number FROM helpdesk_ticket WHERE id = %s", (defect_id,))
    client.goto(f"/my/tma/contracts/{contract['id']}")
    line = client.locator("#tma_ledger tbody tr", has_text=number)
    expect(line).to_have_count(1)
    expect(line).to_contain_text(
        in_language(db, CLIENT_ALPHA, "Under warranty", "Sous garantie")
    )
    expect(line.locator("td").nth(4)).to_have_text(shown(db, CLIENT_ALPHA, 0.0))
    client.goto(f"/my/ticket/{defect_id}")
    expect(client.locator(".tma_warranty")).to_contain_text(
        in_language(
            db,
            CLIENT_ALPHA,
            "Under warranty: fixed at no charge",
            "Sous garantie : corrigée sans frais",
        )
    )
