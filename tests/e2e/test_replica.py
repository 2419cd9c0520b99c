# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The portal on a PostgreSQL streaming replica, with read-your-writes.

The test command gives the Odoo nodes a streaming replica of their database
(``db_replica_host`` / ``db_replica_port``): the suite's read-only routes go
there (tma_contract/tools/replica.py). With the replica's replay held
(``pg_wal_replay_pause()``), a client who comments an improvement action is
sent back to a page that shows the comment (served by the primary: the
replica has not seen it), while another client's pages are still served by
the replica. Nothing else of the suite is retried as a write (checked for
the whole run by the ``server`` fixture, which also reports how many requests
each server answered)."""

import re
import uuid

import pytest
from conftest import ADMIN, CLIENT_BETA, CLIENT_GAMMA
from harness import Database, Rpc, replica_caught_up, wait_for
from playwright.sync_api import expect

RUN = uuid.uuid4().hex[:6]
LANG_PREFIX = re.compile(r"^/[a-z]{2}(_[A-Z]{2})?(?=/)")


@pytest.fixture
def replica(settings, db):
    """The replica's database, caught up with the primary; its replay is
    resumed whatever the test does."""
    if not settings.replica_port:
        pytest.fail(
            "no replica: the test command passes TMA_E2E_REPLICA_PORT", pytrace=False
        )
    replica = Database(settings, port=settings.replica_port)
    assert replica.value("SELECT pg_is_in_recovery()")
    yield replica
    replica.rows("SELECT pg_wal_replay_resume()")


def served(server, offset, path):
    """How the GET requests that answered ``path`` (in whatever language's
    URL: a French client's /my/... redirects to /fr/my/...) since ``offset``
    were served."""
    modes = server.requests_by_mode(offset)
    return {
        mode: sum(
            1
            for method, p, status in requests
            if method == "GET" and status == "200" and LANG_PREFIX.sub("", p) == path
        )
        for mode, requests in modes.items()
    }


def test_a_client_reads_its_own_comment_while_the_replica_lags(
    server, db, replica, pages
):
    action_id = db.xmlid("tma_sla.action_gamma_test_dataset")
    beta_contract = db.xmlid("tma_contract.contract_beta")
    action_url = f"/my/tma/actions/{action_id}"
    beta_url = f"/my/tma/contracts/{beta_contract}"
    gamma = pages.open("Gamma", login=CLIENT_GAMMA)
    beta = pages.open("Beta", login=CLIENT_BETA)
    replica_caught_up(db, replica)
    # Before the lag: both clients read from the replica.
    offset = server.log_offset()
    gamma.goto(action_url)
    beta.goto(beta_url)
    expect(beta.locator("body")).to_contain_text("Beta")
    assert served(server, offset, action_url)["ro"] == 1
    assert served(server, offset, beta_url)["ro"] == 1

    # The replica stops replaying; Gamma comments.
    replica.rows("SELECT pg_wal_replay_pause()")
    wait_for(
        lambda: replica.value("SELECT pg_get_wal_replay_pause_state()") == "paused",
        message="the replica's replay to pause",
    )
    comment = f"Jeu de test livré en recette [{RUN}]"
    offset = server.log_offset()
    gamma.fill("form.o_tma_action_comment_form textarea[name='body']", comment)
    gamma.click("form.o_tma_action_comment_form button[type='submit']")
    gamma.wait_for_url(f"**{action_url}")
    # Gamma reads its comment: the page came from the primary.
    expect(gamma.locator(".o_tma_action_comments")).to_contain_text(comment)
    assert db.value(
        "SELECT count(*) FROM mail_message WHERE model = 'tma.improvement.action'"
        " AND res_id = %s AND body LIKE %s",
        (action_id, f"%{RUN}%"),
    )
    assert not replica.value(
        "SELECT count(*) FROM mail_message WHERE body LIKE %s", (f"%{RUN}%",)
    ), "the replica saw the comment: its replay was not held"
    gamma_served = served(server, offset, action_url)
    assert gamma_served["rw"] == 1 and gamma_served["ro"] == 0, gamma_served
    # Beta, who wrote nothing since, still reads from the replica.
    offset = server.log_offset()
    beta.reload()
    expect(beta.locator("body")).to_contain_text("Beta")
    assert served(server, offset, beta_url)["ro"] == 1

    # Replay resumed: Gamma's next read goes to the replica again.
    replica.rows("SELECT pg_wal_replay_resume()")
    replica_caught_up(db, replica)
    offset = server.log_offset()
    gamma.reload()
    expect(gamma.locator(".o_tma_action_comments")).to_contain_text(comment)
    assert served(server, offset, action_url)["ro"] == 1


def read_served(server, offset, path):
    """How the POST requests to ``path`` since ``offset`` were served."""
    return {
        mode: sum(
            1 for method, p, _status in requests if method == "POST" and p == path
        )
        for mode, requests in server.requests_by_mode(offset).items()
    }


def test_a_read_only_request_leaves_the_session_as_it_is(server, db, replica, settings):
    """Odoo saves a changed session whole, from the copy the request loaded:
    a read that changed the session could save it over the mark a concurrent
    write of the same session had just saved (the web client's chatter
    fetch while the user clicks a button), and the user's next read would go
    to a replica without that write. A read-only request leaves the session
    unchanged (no session cookie set), before and after the replica replays
    the session's write, and still reads that write."""
    rpc = Rpc(server.url, settings.db, ADMIN, ADMIN)
    [user] = rpc.call("res.users", "read", [rpc.uid], ["partner_id"])
    partner_id = user["partner_id"][0]
    path = "/web/dataset/call_kw/res.partner/read"

    def read_comment():
        response = rpc.http.post(
            server.url + path,
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": "res.partner",
                    "method": "read",
                    "args": [[partner_id], ["comment"]],
                    "kwargs": {},
                },
            },
            timeout=60,
        )
        response.raise_for_status()
        assert "session_id" not in response.headers.get("Set-Cookie", ""), (
            "a read-only request saved the session"
        )
        return response.json()["result"][0]["comment"] or ""

    try:
        # The replica held: the read of the session's own write goes to the
        # primary, and leaves the session as it is.
        replica.rows("SELECT pg_wal_replay_pause()")
        wait_for(
            lambda: replica.value("SELECT pg_get_wal_replay_pause_state()") == "paused",
            message="the replica's replay to pause",
        )
        rpc.call("res.partner", "write", [partner_id], {"comment": f"<p>{RUN}-1</p>"})
        offset = server.log_offset()
        assert f"{RUN}-1" in read_comment()
        assert read_served(server, offset, path) == {"ro": 0, "rw": 1, "ro->rw": 0}
    finally:
        replica.rows("SELECT pg_wal_replay_resume()")
    # Replayed: the replica serves the read, and the session stays unchanged.
    replica_caught_up(db, replica)
    offset = server.log_offset()
    assert f"{RUN}-1" in read_comment()
    assert f"{RUN}-1" in read_comment()
    assert read_served(server, offset, path) == {"ro": 2, "rw": 0, "ro->rw": 0}
