# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Preventive maintenance as people meet it, in a real Chromium against a
multi-process Odoo: the client reads its preventive calendar and an audit's
report; an engineer completes a preventive ticket's checklist and closes it.
Every figure a page shows is compared with the database."""

from conftest import CLIENT_GAMMA, ENGINEER
from harness import wait_for
from playwright.sync_api import expect


def gamma_occurrences(db):
    return db.rows(
        """SELECT o.id, o.state, o.due_date, o.ticket_id, p.name
             FROM tma_preventive_occurrence o
             JOIN tma_preventive_plan p ON p.id = o.plan_id
            WHERE o.partner_id = %s
            ORDER BY o.due_date""",
        (db.xmlid("tma_contract.partner_gamma"),),
    )


def test_client_reads_its_preventive_calendar_and_a_report(pages, db):
    occurrences = gamma_occurrences(db)
    assert occurrences, "the demo holds Gamma's preventive plan"
    page = pages.open("client-gamma", login=CLIENT_GAMMA)

    # The portal home counts the client's audits.
    page.goto("/my/home")
    card = page.locator("a[href='/my/tma/preventive']").first
    expect(
        card.locator("[data-placeholder_count='tma_preventive_count']")
    ).to_have_text(str(len(occurrences)))
    card.click()
    page.wait_for_url("**/my/tma/preventive")

    # Upcoming: every audit in progress, with a link to its page; the late
    # ones flagged.
    upcoming = page.locator("#tma_preventive_upcoming")
    history = page.locator("#tma_preventive_history")
    for occurrence_id, state, _due_date, _ticket, _plan in occurrences:
        # The links carry the audit's access token.
        link = f"a[href^='/my/tma/preventive/{occurrence_id}?']"
        if state == "open":
            expect(upcoming.locator(link)).to_have_count(1)
        else:
            expect(history.locator(link)).to_have_count(1)
    late = db.value(
        """SELECT count(*) FROM tma_preventive_occurrence
            WHERE partner_id = %s AND state = 'open' AND due_date < CURRENT_DATE""",
        (db.xmlid("tma_contract.partner_gamma"),),
    )
    assert late, "the demo holds a late audit"
    expect(upcoming.locator(".badge.text-bg-danger")).to_have_count(late)
    # The component out of support is shown as such.
    out_of_support = db.value(
        """SELECT name FROM tma_application_component
            WHERE partner_id = %s AND end_of_support_date < CURRENT_DATE LIMIT 1""",
        (db.xmlid("tma_contract.partner_gamma"),),
    )
    row = page.locator("#tma_components tr", has_text=out_of_support)
    expect(row.locator(".badge.text-bg-danger")).to_have_count(1)

    # A report: its checklist and findings, as recorded.
    done_id = next(o[0] for o in occurrences if o[1] == "done")
    history.locator(f"a[href^='/my/tma/preventive/{done_id}?']").click()
    page.wait_for_url(f"**/my/tma/preventive/{done_id}?*")
    checks = db.rows(
        """SELECT name FROM tma_preventive_check WHERE occurrence_id = %s""",
        (done_id,),
    )
    expect(page.locator("#tma_preventive_checks li")).to_have_count(len(checks))
    expect(page.locator("#tma_preventive_checks .fa-check-square-o")).to_have_count(
        len(checks)
    )
    for (finding,) in db.rows(
        "SELECT name FROM tma_preventive_finding WHERE occurrence_id = %s",
        (done_id,),
    ):
        expect(page.locator("#tma_preventive_findings")).to_contain_text(finding)

    # Another client's audit is refused.
    other = db.value(
        "SELECT id FROM tma_preventive_occurrence WHERE partner_id != %s LIMIT 1",
        (db.xmlid("tma_contract.partner_gamma"),),
    )
    if other:
        page.goto(f"/my/tma/preventive/{other}")
        assert not page.url.rstrip("/").endswith(f"/my/tma/preventive/{other}")


def test_engineer_completes_a_preventive_checklist_and_closes_the_ticket(pages, db):
    open_ones = [o for o in gamma_occurrences(db) if o[1] == "open" and o[3]]
    assert open_ones, "the demo holds a preventive ticket in progress"
    occurrence_id, _state, _due, ticket_id, _plan = open_ones[0]
    page = pages.open("engineer", login=ENGINEER, backend=True)
    page.goto(f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket_id}")
    page.wait_for_selector(".o_form_view .o_form_sheet")
    page.locator(".o_notebook a.nav-link[name='tma_preventive']").click()
    rows = page.locator(".o_field_widget[name='tma_check_ids'] .o_data_row")
    count = db.value(
        "SELECT count(*) FROM tma_preventive_check WHERE ticket_id = %s", (ticket_id,)
    )
    expect(rows).to_have_count(count)

    # Closing with checks left is refused, and the ticket stays open.
    def close():
        bar = page.locator(".o_statusbar_status")
        button = bar.locator("button.o_arrow_button:visible", has_text="Done")
        if not button.count():
            bar.locator("button.dropdown-toggle:visible", has_text="...").first.click()
            button = page.locator(".o-dropdown--menu .dropdown-item", has_text="Done")
        button.first.click()

    close()
    expect(page.locator(".modal-content")).to_contain_text("checklist")
    page.locator(".modal-footer button").first.click()
    expect(page.locator(".modal-content")).to_have_count(0)
    discard = page.locator(".o_form_button_cancel:visible")
    if discard.count():
        discard.click()
    assert (
        db.value(
            "SELECT state FROM tma_preventive_occurrence WHERE id = %s",
            (occurrence_id,),
        )
        == "open"
    )

    # Tick every check, one by one, then close.
    for index in range(count):
        rows.nth(index).locator(".o_field_boolean_toggle input").check()
    page.locator(".o_form_button_save").click()
    wait_for(
        lambda: (
            not db.value(
                """SELECT count(*) FROM tma_preventive_check
                WHERE ticket_id = %s AND NOT done""",
                (ticket_id,),
            )
        ),
        message="the checks to be saved as done",
    )
    close()
    wait_for(
        lambda: (
            db.value(
                "SELECT state FROM tma_preventive_occurrence WHERE id = %s",
                (occurrence_id,),
            )
            == "done"
        ),
        message="the preventive occurrence to be done",
    )
