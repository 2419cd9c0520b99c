# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service review loop as the client meets it, in a real Chromium: Gamma
reads the intervention report of a closed incident, rates the ticket, then
approves the minutes of a review. Each step finds or makes what it needs
(through the provider's JSON-RPC), and every result is checked in the
database."""

import uuid

import pytest
from conftest import (
    CLIENT_GAMMA,
    closed_incident_with_report,
    gamma_contract,
    submitted_minutes,
)
from playwright.sync_api import expect

RUN = uuid.uuid4().hex[:6]


@pytest.fixture
def reported_incident(db, rpc):
    """A closed incident of Gamma whose intervention report was sent."""
    return closed_incident_with_report(db, rpc, RUN)


@pytest.fixture
def submitted_review(db, rpc):
    """A review of Gamma whose minutes wait for the client's approval."""
    review_id = db.value(
        """SELECT id FROM tma_review WHERE contract_id = %s
              AND state = 'submitted' ORDER BY id LIMIT 1""",
        (gamma_contract(db),),
    )
    return review_id or submitted_minutes(db, rpc, RUN)


def test_client_reads_its_report_rates_the_ticket_and_approves_minutes(
    pages, db, reported_incident, submitted_review
):
    page = pages.open("client-gamma-review", login=CLIENT_GAMMA)

    # The intervention report is on the ticket's page.
    page.goto(f"/my/ticket/{reported_incident}")
    report = page.locator("#tma_intervention_report")
    expect(report).to_contain_text(f"Serveur de messagerie saturé [{RUN}]")
    expect(report).to_contain_text("File d'attente purgée")

    # The client rates the closed ticket with a comment.
    form = page.locator("form.o_tma_rate_form")
    form.locator("textarea[name='feedback']").fill(f"Réactifs, merci [{RUN}]")
    form.locator("button.o_tma_rate_5").click()
    expect(page.locator("#tma_ticket_rating .o_tma_rated")).to_be_visible()
    rating, feedback = db.rows(
        """SELECT rating, feedback FROM rating_rating
            WHERE res_model = 'helpdesk.ticket' AND res_id = %s AND consumed""",
        (reported_incident,),
    )[0]
    assert rating == 5
    assert feedback == f"Réactifs, merci [{RUN}]"

    # The review is listed on the contract page; the client approves it.
    page.goto(f"/my/tma/contracts/{gamma_contract(db)}")
    page.locator(
        f"#tma_review_loop a[href='/my/tma/reviews/{submitted_review}']"
    ).click()
    page.wait_for_url(f"**/my/tma/reviews/{submitted_review}")
    page.locator("button.o_tma_review_approve").click()
    expect(page.locator(".o_tma_review_approved")).to_be_visible()
    state, approver = db.rows(
        "SELECT state, approved_by_id FROM tma_review WHERE id = %s",
        (submitted_review,),
    )[0]
    assert state == "approved"
    assert approver == db.xmlid("tma_contract.partner_gamma_contact")
    # Approved once: the button is gone.
    expect(page.locator("button.o_tma_review_approve")).to_have_count(0)
