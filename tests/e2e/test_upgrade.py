# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Upgrade and uninstall, on the database the journeys and the load test
filled: updating each addon keeps every record and figure; uninstalling the
suite leaves the host helpdesk working, for its clients in the portal and its
staff in the backend, and its own test suite passing.

These tests stop and restart the server; they run last."""

import configparser
import importlib.util
import io
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import psycopg2
import pytest
from conftest import ADMIN
from harness import (
    Database,
    free_port,
    noon_clock,
    odoo_run,
    odoo_script,
    wait_for,
)
from playwright.sync_api import expect

SUITE = ("tma_contract", "tma_sla", "tma_reversibility")
ROOT = Path(__file__).resolve().parents[2]
# The release a database is upgraded from (main before the documentation
# register moved from tma_reversibility to tma_contract).
PREVIOUS_RELEASE = "4e016a8"
PORTAL = "portal"  # Odoo's demo portal user (login = password)

ADDONS = (*SUITE, "tma_helpdesk_mgmt_sla")
# Tables of the host the suite writes in, counted beside its own.
HOST_TABLES = ("helpdesk_ticket", "sale_order_line", "account_move")


def suite_tables(db):
    """Every table the suite owns, read from the database: the tables of the
    models its addons define (stored, neither abstract nor transient: ir_model
    rows whose XML ids are the suite's alone; a host model the suite extends
    has its host's XML id too) and its many2many tables, plus the host's
    tables it writes in."""
    models = db.rows(
        """SELECT m.model FROM ir_model m
            WHERE NOT m.transient
              AND EXISTS (SELECT 1 FROM ir_model_data d
                           WHERE d.model = 'ir.model' AND d.res_id = m.id
                             AND d.module IN %(suite)s)
              AND NOT EXISTS (SELECT 1 FROM ir_model_data d
                               WHERE d.model = 'ir.model' AND d.res_id = m.id
                                 AND d.module NOT IN %(suite)s)""",
        {"suite": ADDONS},
    )
    relations = db.rows(
        """SELECT r.name FROM ir_model_relation r
             JOIN ir_module_module mm ON mm.id = r.module
            WHERE mm.name IN %s""",
        (ADDONS,),
    )
    names = {model.replace(".", "_") for (model,) in models}
    names |= {name for (name,) in relations}
    # Abstract models and SQL views (reports) have no table of their own.
    tables = db.rows(
        """SELECT c.relname FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = ANY(%s)""",
        (sorted(names),),
    )
    return sorted({name for (name,) in tables} | set(HOST_TABLES))


def table_counts(db, tables):
    return {
        table: db.value(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_class
        for table in tables
    }


def fingerprint(db):
    """What an update must not change."""
    figures = table_counts(db, suite_tables(db))
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
    # The suite's XML ids: none lost, moved or duplicated.
    figures["xmlids"] = db.rows(
        """SELECT md5(string_agg(concat_ws('|', module, name, model, res_id), ','
                                 ORDER BY module, name))
             FROM ir_model_data WHERE module IN %s""",
        (ADDONS,),
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
    assert {"tma_contract", "tma_document", "tma_sla_timer", "tma_takeon_item"} <= set(
        before
    ), sorted(before)
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


def suite_migrations():
    """tma_contract's migration helpers (tools/migration.py): the register's
    lists of XML ids and the actions' renames."""
    path = ROOT / "tma_contract" / "tools" / "migration.py"
    spec = importlib.util.spec_from_file_location("tma_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MIGRATIONS = suite_migrations()
# The register's XML ids, held by tma_reversibility in the previous release:
# those the pre-migration names, and a field and a selection value of those it
# finds by pattern.
REGISTER_XMLIDS = (
    *MIGRATIONS.REGISTER_MOVED,
    "field_tma_document__name",
    "field_tma_document__doc_type",
    "selection__tma_document__doc_type__audit",
)
# Renamed on the way (the window actions named <model>_action): new -> old.
RENAMED_BACK = {
    new: old for old, new in MIGRATIONS.ACTION_RENAMES["tma_contract"].items()
}
REGISTER_NAMES = (*REGISTER_XMLIDS, *RENAMED_BACK)


def register_state(db):
    """The register as users and Odoo see it: its rows, the XML ids of its
    records, its cron, rules, access rights and menu."""
    return {
        "documents": db.rows(
            """SELECT id, name, contract_id, doc_type, version, file_name, url,
                      ticket_id, active
                 FROM tma_document ORDER BY id"""
        ),
        "files": db.rows(
            """SELECT res_id, checksum FROM ir_attachment
                WHERE res_model = 'tma.document' AND res_field = 'file'
                ORDER BY res_id"""
        ),
        "xmlids": sorted(
            (RENAMED_BACK.get(name, name), model, res_id)
            for name, model, res_id in db.rows(
                """SELECT name, model, res_id FROM ir_model_data
                    WHERE name IN %s""",
                (REGISTER_NAMES,),
            )
        ),
        "crons": db.rows(
            """SELECT c.id FROM ir_cron c
                 JOIN ir_act_server a ON a.id = c.ir_actions_server_id
                WHERE a.code = 'model._cron_review_reminders()' ORDER BY c.id"""
        ),
        "rules": db.rows(
            """SELECT r.id FROM ir_rule r JOIN ir_model m ON m.id = r.model_id
                WHERE m.model = 'tma.document' ORDER BY r.id"""
        ),
        "access": db.rows(
            """SELECT a.id, a.group_id, a.perm_read, a.perm_write, a.perm_create,
                      a.perm_unlink
                 FROM ir_model_access a JOIN ir_model m ON m.id = a.model_id
                WHERE m.model = 'tma.document' ORDER BY a.id"""
        ),
        "menus": db.rows(
            """SELECT u.id, u.parent_id, u.action FROM ir_ui_menu u
                 JOIN ir_act_window w
                   ON u.action = 'ir.actions.act_window,' || w.id
                WHERE w.res_model = 'tma.document' ORDER BY u.id"""
        ),
        "fields": db.rows(
            """SELECT f.id, f.name FROM ir_model_fields f
                WHERE f.model = 'tma.document' ORDER BY f.id"""
        ),
    }


def xmlid_modules(db):
    """{module.name: res_id} of the register's XML ids (a renamed one under
    its name of the previous release)."""
    return {
        f"{module}.{RENAMED_BACK.get(name, name)}": res_id
        for module, name, res_id in db.rows(
            """SELECT module, name, res_id FROM ir_model_data
                WHERE name IN %s""",
            (REGISTER_NAMES,),
        )
    }


@pytest.fixture(scope="module")
def previous_release(settings, tmp_path_factory):
    """A database installed with demo data by the suite's previous release
    (its addons taken from git), dropped at the end."""
    addons = tmp_path_factory.mktemp("previous-release")
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", PREVIOUS_RELEASE, *ADDONS],
            capture_output=True,
            check=True,
        ).stdout
    except subprocess.CalledProcessError as error:
        pytest.fail(
            f"the previous release {PREVIOUS_RELEASE} is not in this clone's "
            f"history: {error.stderr.decode()}"
        )
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(addons, filter="data")
    parser = configparser.ConfigParser()
    parser.read(settings.conf)
    host_paths = [
        path
        for path in parser["options"]["addons_path"].split(",")
        if Path(path).resolve() != ROOT
    ]
    name = f"{settings.db}_previous"
    drop_database(settings, name)
    output = odoo_run(
        settings,
        "-d",
        name,
        "--addons-path",
        ",".join([str(addons), *host_paths]),
        "-i",
        ",".join([*SUITE, "helpdesk_mgmt_sla"]),
        log=settings.artifacts / "previous-release-install.log",
        # Its demo data dates records with the server's day and the
        # contracts' day in Paris, which differ before midnight UTC (fixed
        # since): installed at noon of the day, as it would any day.
        env=noon_clock(),
    )
    check_log(output)
    yield name
    drop_database(settings, name)


def drop_database(settings, name):
    """Drop the database ``name`` and its filestore, if they exist."""
    conn = psycopg2.connect(dbname="postgres", **settings.pg)
    try:
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        conn.close()
    parser = configparser.ConfigParser()
    parser.read(settings.conf)
    data_dir = parser["options"].get("data_dir")
    if data_dir:
        shutil.rmtree(Path(data_dir) / "filestore" / name, ignore_errors=True)


def test_upgrading_from_the_previous_release_moves_the_register(
    stopped, settings, previous_release
):
    """The register moved from tma_reversibility to tma_contract: upgrading a
    database of the previous release keeps its table and rows, passes the XML
    ids of its records to tma_contract, and neither deletes nor duplicates a
    view, menu, access right, rule or the cron; every table of the suite
    keeps its rows."""
    db = Database(settings, previous_release)
    before = register_state(db)
    assert before["documents"], "the previous release's demo has no document"
    assert {xmlid.split(".")[0] for xmlid in xmlid_modules(db)} == {"tma_reversibility"}
    assert len(before["crons"]) == 1
    before_model = db.xmlid("tma_reversibility.model_tma_document")
    assert before_model
    tables = suite_tables(db)
    counts = table_counts(db, tables)
    actions = renamed_actions(db, new=False)
    assert len(actions) == sum(map(len, MIGRATIONS.ACTION_RENAMES.values()))
    output = odoo_run(
        settings,
        "-d",
        previous_release,
        "-u",
        ",".join(SUITE),
        log=settings.artifacts / "upgrade-from-previous-release.log",
    )
    check_log(output)
    versions = dict(
        db.rows(
            "SELECT name, latest_version FROM ir_module_module WHERE name IN %s",
            (SUITE,),
        )
    )
    assert versions["tma_contract"] >= "18.0.1.2.0", versions
    after = register_state(db)
    changed = {key for key in before if before[key] != after[key]}
    assert not changed, {key: (before[key], after[key]) for key in changed}
    moved = xmlid_modules(db)
    assert moved == {
        f"tma_contract.{name}": res_id for name, _model, res_id in before["xmlids"]
    }
    # The model itself: tma_contract's XML id is the one tma_reversibility held
    # (tma_reversibility, which extends the model, gets one of its own again).
    model = db.value("SELECT id FROM ir_model WHERE model = 'tma.document'")
    assert model == before_model
    assert db.xmlid("tma_contract.model_tma_document") == model
    # No table lost a row (an update may add data, never drop it).
    lost = {
        table: (count, db.value(f'SELECT count(*) FROM "{table}"'))  # noqa: S608
        for table, count in counts.items()
        if db.value(f'SELECT count(*) FROM "{table}"') < count  # noqa: S608
    }
    assert not lost, lost
    assert set(tables) <= set(suite_tables(db))
    # The window actions renamed <model>_action are the same records (their
    # menus and buttons kept), and the old names are gone.
    assert renamed_actions(db, new=True) == actions
    assert not renamed_actions(db, new=False)


def renamed_actions(db, new):
    """{(module, old name): action id} of the renamed window actions, found
    under their new names (``new``) or their old ones."""
    found = {}
    for module, renames in MIGRATIONS.ACTION_RENAMES.items():
        for old, renamed in renames.items():
            # The register's action was tma_reversibility's before.
            modules = {module}
            if not new and old in MIGRATIONS.REGISTER_MOVED:
                modules.add(MIGRATIONS.REGISTER_OLD_MODULE)
            for holder in modules:
                res_id = db.xmlid(f"{holder}.{renamed if new else old}")
                if res_id:
                    found[module, old] = res_id
    return found


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
