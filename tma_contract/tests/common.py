# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures shared by the TMA test suites (other addons import this module)."""

import json
from datetime import date, datetime
from unittest.mock import patch

from freezegun import api as freezegun_api

from odoo import Command
from odoo.sql_db import db_connect
from odoo.tools import SQL
from odoo.tools.image import image_data_uri

from odoo.addons.base.tests.common import BaseCommon

# The worker-like transactions live outside the tests, for the benchmarks too.
from ..tools.workers import committed_env, run_committed  # noqa: F401


def call_kw(case, model, method, args, kwargs=None):
    """Call ``model.method`` over JSON-RPC in the session of the HttpCase
    ``case``, as the web client does; return the decoded JSON answer (its
    ``error`` or its ``result``)."""
    response = case.url_open(
        f"/web/dataset/call_kw/{model}/{method}",
        data=json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "id": 0,
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": kwargs or {},
                },
            }
        ),
        headers={"Content-Type": "application/json"},
    )
    case.assertEqual(response.status_code, 200, f"{model}.{method}")
    return response.json()


# The edges of a month in Paris, winter and summer: (the 1st, 00:30 that day
# in naive UTC, 23:30 the day before in naive UTC).
MONTH_EDGE_WINTER = (
    date(2026, 2, 1),
    datetime(2026, 1, 31, 23, 30),
    datetime(2026, 1, 31, 22, 30),
)
MONTH_EDGE_SUMMER = (
    date(2026, 7, 1),
    datetime(2026, 6, 30, 22, 30),
    datetime(2026, 6, 30, 21, 30),
)


# A letterhead for the report tests: the company's address block, logo (a
# one-pixel PNG) and layout, which Odoo's external layout prints.
LETTERHEAD = {
    "name": "Letterhead Services Test",
    "street": "14 rue des Arts",
    "zip": "59000",
    "city": "Lille",
}
LETTERHEAD_LOGO = (
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    b"60e6kgAAAABJRU5ErkJggg=="
)


def assert_on_letterhead(case, report, records):
    """Render the report ``report`` (its action's XML id) for ``records`` and
    assert it is printed on their company's letterhead: Odoo's external
    layout in the company's chosen style, with its logo, name and address."""
    env = case.env
    company = (
        records.company_id[:1] if "company_id" in records._fields else None
    ) or env.company
    company.write(
        dict(
            LETTERHEAD,
            logo=LETTERHEAD_LOGO,
            external_report_layout_id=env.ref("web.external_layout_bold").id,
        )
    )
    html = env["ir.actions.report"]._render_qweb_html(report, records.ids)[0].decode()
    case.assertIn(f"o_company_{company.id}_layout", html)
    case.assertIn("o_report_layout_bold", html)
    case.assertIn(image_data_uri(company.logo), html)
    for value in LETTERHEAD.values():
        case.assertIn(value, html)
    return html


def contract_today(env):
    """Today as a new contract of the company counts it: in the provider's
    time zone (``_tma_today``), the business day, not the UTC one (at 23:30
    UTC, Paris is on the next day)."""
    return env["tma.contract"].new({"company_id": env.company.id})._tma_today()


def follow_frozen_clock(case_class):
    """Make the test transaction's clock follow freezegun's, for the class.

    Code reads two clocks: Python's (``fields.Datetime.now``, today, the
    periods of the figures), which freezegun moves, and the transaction's
    (``cr.now()``, what the ORM stamps ``create_date`` and ``write_date``
    with), which it does not: a fixture made under a frozen clock would be
    stamped at the real date, and a test mixing both would pass or fail
    depending on the day it runs. While a clock is frozen, the transaction's
    reads it too (as Odoo's own ``TestCursor``, behind HTTP requests in
    tests, reads Python's clock); otherwise it is the real one. Called by
    ``TmaCommon.setUpClass``; other test classes call it from theirs."""
    cursor = case_class.cr
    real_now = cursor.now

    def now():
        if freezegun_api.freeze_factories:
            frozen = freezegun_api.FakeDatetime.now()
            return freezegun_api.real_datetime(
                *frozen.timetuple()[:6], frozen.microsecond
            )
        return real_now()

    case_class.startClassPatcher(patch.object(cursor, "now", now))


def commit_contracts(registry, client, count, **vals):
    """Create, activate and commit, in a transaction of their own, a client
    company named ``client`` and ``count`` contracts of it (time and
    materials; ``vals`` added): what tests of parallel transactions work on.
    Return the contracts' ids and the client's id; ``purge_committed``
    deletes them."""
    with db_connect(registry.db_name).cursor() as cr:
        env = committed_env(registry, cr)
        partner = env["res.partner"].create({"name": client, "is_company": True})
        contracts = env["tma.contract"].create(
            [
                dict({"partner_id": partner.id, "mode": "regie"}, title=f"{client} {i}")
                | vals
                for i in range(count)
            ]
        )
        contracts.action_activate()
        cr.commit()  # pylint: disable=invalid-commit
        return contracts.ids, partner.id


def purge_committed(registry, *records):
    """Delete what a test committed: ``records`` are ``(model, ids)`` pairs,
    deleted in their order with their messages, followers and attachments."""
    with db_connect(registry.db_name).cursor() as cr:
        for model, ids in records:
            ids = tuple(ids) or (0,)
            for table, column in (
                ("mail_message", "model"),
                ("mail_followers", "res_model"),
                ("ir_attachment", "res_model"),
            ):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE %s = %s AND res_id IN %s",
                        SQL.identifier(table),
                        SQL.identifier(column),
                        model,
                        ids,
                    )
                )
            cr.execute(
                SQL(
                    "DELETE FROM %s WHERE id IN %s",
                    SQL.identifier(registry[model]._table),
                    ids,
                )
            )
        cr.commit()  # pylint: disable=invalid-commit


class TmaCommon(BaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        follow_frozen_clock(cls)
        cls.company = cls.env.company
        cls.manager = cls._create_user(
            "tma_manager_t", ["tma_contract.group_tma_manager"]
        )
        cls.engineer = cls._create_user(
            "tma_engineer_t", ["tma_contract.group_tma_user"]
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "TMA test team", "show_in_portal": True}
        )
        cls.client_a = cls.env["res.partner"].create(
            {"name": "Client A", "is_company": True, "email": "a@example.com"}
        )
        cls.client_b = cls.env["res.partner"].create(
            {"name": "Client B", "is_company": True, "email": "b@example.com"}
        )
        cls.contact_a = cls.env["res.partner"].create(
            {
                "name": "Alice A",
                "parent_id": cls.client_a.id,
                "email": "alice@a.example.com",
            }
        )
        cls.contact_b = cls.env["res.partner"].create(
            {
                "name": "Bob B",
                "parent_id": cls.client_b.id,
                "email": "bob@b.example.com",
            }
        )
        cls.portal_a = cls._create_portal_user("portal_a_t", cls.contact_a)
        cls.portal_b = cls._create_portal_user("portal_b_t", cls.contact_b)
        cls.pack = cls.env["product.product"].create(
            {
                "name": "Pack of 10 units",
                "type": "service",
                "tma_product_type": "unit_pack",
                "tma_units_per_pack": 10,
                "tma_validity_months": 12,
                "invoice_policy": "order",
                "list_price": 1000,
            }
        )
        cls.regie_product = cls.env.ref("tma_contract.product_tma_regie")
        cls.overage_product = cls.env.ref("tma_contract.product_tma_overage")
        cls.fee_product = cls.env["product.product"].create(
            {
                "name": "Monthly TMA fee",
                "type": "service",
                "tma_product_type": "forfait",
                "invoice_policy": "delivery",
                "list_price": 3000,
            }
        )
        cls.category = cls.env["helpdesk.ticket.category"].create({"name": "Bug"})

    @classmethod
    def _create_user(cls, login, groups):
        return cls.env["res.users"].create(
            {
                "name": login,
                "login": login,
                "password": login,
                "email": f"{login}@example.com",
                "groups_id": [
                    Command.set(
                        [cls.env.ref(g).id for g in ["base.group_user", *groups]]
                    )
                ],
            }
        )

    @classmethod
    def _create_portal_user(cls, login, partner):
        return cls.env["res.users"].create(
            {
                "login": login,
                "password": login,
                "partner_id": partner.id,
                "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
            }
        )

    @classmethod
    def _create_contract(cls, partner=None, mode="ticket_book", activate=True, **vals):
        values = {
            "partner_id": (partner or cls.client_a).id,
            "mode": mode,
            "date_start": contract_today(cls.env),
            "team_ids": [Command.set(cls.team.ids)],
            "valuation_rule_ids": [
                Command.create({"complexity": "simple", "units": 1.0}),
                Command.create({"complexity": "medium", "units": 3.0}),
                Command.create({"complexity": "complex", "units": 8.0}),
            ],
        }
        if mode == "forfait":
            values.update(fee_product_id=cls.fee_product.id, fee_amount=3000.0)
        values.update(vals)
        contract = cls.env["tma.contract"].create(values)
        if activate:
            contract.action_activate()
        return contract

    @classmethod
    def _force_state(cls, contract, state):
        """Fixture: put ``contract`` in ``state`` without the conditions other
        addons add to the move (closing goes through reversibility, whose
        checklist is not what these tests are about)."""
        contract.with_context(tma_transition=True).write({"state": state})

    @classmethod
    def _add_book(cls, contract, units, expiry=None, name=None):
        return cls.env["tma.unit.book"].create(
            {
                "contract_id": contract.id,
                "name": name or f"Book {units}",
                "units": units,
                "date_expiry": expiry,
            }
        )

    @classmethod
    def _create_ticket(cls, contract=None, partner=None, complexity="simple", **vals):
        values = {
            "name": "Something is broken",
            "description": "<p>Broken</p>",
            "partner_id": (partner or cls.contact_a).id,
            "team_id": cls.team.id,
            "tma_complexity": complexity,
        }
        if contract:
            values["tma_contract_id"] = contract.id
        values.update(vals)
        return cls.env["helpdesk.ticket"].create(values)

    def _ledger_state(self, contract):
        """A snapshot of everything a balance change touches."""
        self.env.invalidate_all()
        return (
            contract.balance,
            self.env["tma.unit.entry"].search_count(
                [("contract_id", "=", contract.id)]
            ),
            tuple(contract.book_ids.mapped("units_remaining")),
        )

    def assertLedgerConsistent(self, contract):
        self.env.invalidate_all()
        self.env.cr.execute(
            "SELECT COALESCE(SUM(units), 0) FROM tma_unit_entry WHERE contract_id = %s",
            (contract.id,),
        )
        ledger_sum = float(self.env.cr.fetchone()[0])
        self.assertAlmostEqual(contract.balance, ledger_sum, places=2)
        if contract.mode == "ticket_book":
            self.assertAlmostEqual(
                contract.balance,
                sum(contract.book_ids.mapped("units_remaining")),
                places=2,
            )
