# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service review loop as the client meets it, in a real Chromium: Gamma
reads the intervention report of a closed incident, rates the ticket, then
approves the minutes of a review. Each step finds or makes what it needs
(through the provider's JSON-RPC), and every result is checked in the
database."""

import uuid

import pytest
from conftest import ADMIN, CLIENT_GAMMA
from playwright.sync_api import expect

RUN = uuid.uuid4().hex[:6]


def gamma_contract(db):
    return db.value(
        "SELECT id FROM tma_contract WHERE partner_id = %s ORDER BY id LIMIT 1",
        (db.xmlid("tma_contract.partner_gamma"),),
    )


@pytest.fixture
def reported_incident(db, rpc):
    """A closed incident of Gamma whose intervention report was sent."""
    admin = rpc(ADMIN)
    ticket_id = admin.call(
        "helpdesk.ticket",
        "create",
        {
            "name": f"Relances clients non envoyées [{RUN}]",
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
            "diagnosis": f"<p>Serveur de messagerie saturé [{RUN}]</p>",
            "actions_done": "<p>File d'attente purgée, relances renvoyées.</p>",
            "fix_kind": "configuration",
            "validated_by": "Léa Moreau",
            "time_spent": 1.5,
        },
    )
    admin.call("tma.intervention.report", "action_send", [report_id])
    return ticket_id


@pytest.fixture
def submitted_review(db, rpc):
    """A review of Gamma whose minutes wait for the client's approval."""
    contract_id = gamma_contract(db)
    review_id = db.value(
        """SELECT id FROM tma_review WHERE contract_id = %s
              AND state = 'submitted' ORDER BY id LIMIT 1""",
        (contract_id,),
    )
    if review_id:
        return review_id
    admin = rpc(ADMIN)
    type_id = admin.call(
        "tma.review.type",
        "create",
        {
            "name": f"Comité e2e [{RUN}]",
            "contract_id": contract_id,
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
