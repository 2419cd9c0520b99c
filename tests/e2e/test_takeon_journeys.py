# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A contract's beginning and its changes, in a real Chromium against a
multi-process Odoo: the outgoing provider and the client sign the take-on,
the client signs the service start and the contract starts; a client
approves an amendment in its portal. Every state is read back from the
database."""

from datetime import date

from harness import wait_for
from playwright.sync_api import expect

CLIENT_ALPHA = "client.alpha"
CLIENT_EPSILON = "client.epsilon"
PREDECESSOR_ORION = "predecessor.orion"


def takeon_items(db, contract_id, side):
    return db.rows(
        """SELECT id, item_type FROM tma_takeon_item
            WHERE contract_id = %s AND side = %s AND state = 'todo'
            ORDER BY sequence, id""",
        (contract_id, side),
    )


def contract_state(db, contract_id):
    return db.value("SELECT state FROM tma_contract WHERE id = %s", (contract_id,))


def sign(page, item_id):
    row = page.locator(f"tr[data-item='{item_id}']")
    row.locator("button.o_tma_takeon_sign").click()
    page.wait_for_load_state()


def test_client_signs_the_service_start_after_the_outgoing_provider(pages, db):
    contract_id = db.xmlid("tma_reversibility.contract_epsilon")
    assert contract_state(db, contract_id) == "transition"

    # The outgoing provider signs its items on its own page, and sees nothing
    # else of the contract.
    orion = pages.open("predecessor-orion", login=PREDECESSOR_ORION)
    orion.goto("/my/tma/takeon")
    orion.wait_for_url(f"**/my/tma/takeon/{contract_id}")
    for item_id, _type in takeon_items(db, contract_id, "predecessor"):
        sign(orion, item_id)
        wait_for(
            lambda item_id=item_id: (
                db.value("SELECT state FROM tma_takeon_item WHERE id = %s", (item_id,))
                == "signed"
            ),
            message="the outgoing provider's item to be signed",
        )
    orion.goto(f"/my/tma/contracts/{contract_id}")
    assert f"/my/tma/contracts/{contract_id}" not in orion.url

    # The optional shadowing is left; the client signs what is left to it,
    # the service start last, and the contract starts that day.
    client = pages.open("client-epsilon", login=CLIENT_EPSILON)
    client.goto(f"/my/tma/contracts/{contract_id}")
    expect(client.locator("#tma_takeon")).to_be_visible()
    items = takeon_items(db, contract_id, "client")
    for item_id, item_type in items:
        if item_type != "service_start":
            sign(client, item_id)
    service_start = [i for i, t in items if t == "service_start"]
    assert service_start
    client.locator("button.o_tma_service_start").click()
    client.wait_for_load_state()
    wait_for(
        lambda: contract_state(db, contract_id) == "active",
        message="the contract to start",
    )
    start = db.value(
        "SELECT service_start_date FROM tma_contract WHERE id = %s", (contract_id,)
    )
    assert start == date.today() or (date.today() - start).days <= 1
    client.goto(f"/my/tma/contracts/{contract_id}")
    # Epsilon reads French.
    expect(client.locator("#tma_takeon")).to_contain_text("Service démarré le")


def test_client_approves_an_amendment_in_its_portal(pages, db):
    amendment_id = db.xmlid("tma_contract.amendment_alpha_extension")
    contract_id = db.value(
        "SELECT contract_id FROM tma_contract_amendment WHERE id = %s",
        (amendment_id,),
    )
    assert (
        db.value(
            "SELECT state FROM tma_contract_amendment WHERE id = %s", (amendment_id,)
        )
        == "to_approve"
    )
    client = pages.open("client-alpha", login=CLIENT_ALPHA)
    client.goto(f"/my/tma/contracts/{contract_id}")
    row = client.locator(f"#tma_amendment_{amendment_id}")
    expect(row).to_contain_text("Awaiting the client")
    row.locator("button.tma_amendment_approve").click()
    client.wait_for_load_state()
    wait_for(
        lambda: (
            db.value(
                "SELECT state FROM tma_contract_amendment WHERE id = %s",
                (amendment_id,),
            )
            in ("approved", "applied")
        ),
        message="the amendment to be approved",
    )
    approver = db.value(
        """SELECT u.login FROM tma_contract_amendment a
             JOIN res_users u ON u.id = a.approved_by_id WHERE a.id = %s""",
        (amendment_id,),
    )
    assert approver == CLIENT_ALPHA
    expect(client.locator(f"#tma_amendment_{amendment_id}")).to_contain_text("Approved")
