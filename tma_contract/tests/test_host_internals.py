# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The host's private internals the suite relies on for speed, pinned.

``tools/bulk_sql.py`` (bulk INSERT and UPDATE, the record cache filled by
hand), ``tools/fetch.py`` (``search_fetch_many``) and ``tools/replica.py``
(each route's ``readonly`` wrapped where ``ir.http`` generates the routing
rules) use parts of the host that are not its public API. These tests fail
loudly, naming what moved, when a new Odoo version changes them: read the
module's docstring then.
"""

import inspect

from odoo import fields, models
from odoo.api import Cache, Environment
from odoo.tests import tagged

from odoo.addons.base.models.ir_http import IrHttp as BaseIrHttp

from ..models.tma_unit_allocation import TmaUnitAllocation
from ..models.tma_unit_entry import TmaUnitEntry
from ..tools import bulk_sql
from .common import TmaCommon


def _parameters(function):
    return list(inspect.signature(function).parameters)


@tagged("post_install", "-at_install")
class TestHostInternals(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_contract()
        cls.ticket = cls._create_ticket(cls.contract)

    def test_the_private_methods_keep_their_signatures(self):
        """Each private method the tools call exists with the parameters
        they pass (by position or by name)."""
        expected = {
            models.BaseModel._determine_fields_to_fetch: [
                "self",
                "field_names",
                "ignore_when_in_cache",
            ],
            models.BaseModel._field_to_sql: [
                "self",
                "alias",
                "fname",
                "query",
                "flush",
            ],
            models.BaseModel._search: ["self", "domain", "offset", "limit", "order"],
            models.BaseModel.modified: ["self", "fnames", "create", "before"],
            models.BaseModel._validate_fields: [
                "self",
                "field_names",
                "excluded_names",
            ],
            models.BaseModel._write: ["self", "vals"],
            models.BaseModel._create: ["self", "data_list"],
            Environment.remove_to_compute: ["self", "field", "records"],
            Environment.is_to_compute: ["self", "field", "record"],
            Cache.update: [
                "self",
                "records",
                "field",
                "values",
                "dirty",
                "check_dirty",
            ],
            Cache.insert_missing: ["self", "records", "field", "values"],
            fields.Many2one._update_inverses: ["self", "records", "value"],
            fields.Field.convert_to_column: [
                "self",
                "value",
                "record",
                "values",
                "validate",
            ],
            fields.Field.convert_to_cache: ["self", "value", "record", "validate"],
            fields.Float.get_digits: ["self", "env"],
            # tools/replica.py
            BaseIrHttp._generate_routing_rules: ["self", "modules", "converters"],
            BaseIrHttp._post_dispatch: ["response"],
        }
        for function, parameters in expected.items():
            with self.subTest(function=function.__qualname__):
                self.assertEqual(_parameters(function), parameters)

    def test_the_private_attributes_are_there(self):
        self.assertEqual(
            models.LOG_ACCESS_COLUMNS,
            ["create_uid", "create_date", "write_uid", "write_date"],
        )
        inverses = self.registry.field_inverses
        ticket_field = self.env["tma.preventive.check"]._fields["ticket_id"]
        self.assertIn(
            self.env["helpdesk.ticket"]._fields["tma_check_ids"],
            inverses[ticket_field],
        )
        Book = self.env["tma.unit.book"]
        self.assertEqual(Book._fields["units_remaining"].column_type[1], "numeric")
        self.assertEqual(Book._fields["contract_id"].column_type, ("int4", "int4"))

    def test_rows_created_in_bulk_are_in_the_cache_as_after_create(self):
        """The INSERT of ``create_rows`` leaves the record cache as an ORM
        create would: the values given, the defaults, the parent's one2many,
        the related stored fields computed; nothing read again."""
        Check = self.env["tma.preventive.check"]
        ticket = self.ticket
        self.assertFalse(ticket.tma_check_ids)  # now in the cache
        checks = bulk_sql.create_rows(
            Check,
            [
                {"ticket_id": ticket.id, "name": "Backups", "done": True},
                {"ticket_id": ticket.id, "name": 'Logs "rotated"', "done": False},
            ],
        )
        self.assertTrue(checks, "create_rows fell back to the ORM")
        with self.assertQueryCount(0):
            self.assertEqual(checks.mapped("name"), ["Backups", 'Logs "rotated"'])
            self.assertEqual(checks.mapped("done"), [True, False])
            self.assertEqual(checks.mapped("sequence"), [10, 10])  # the default
            self.assertEqual(ticket.tma_check_ids, checks)
            self.assertEqual(checks.create_uid, self.env.user)
        self.assertEqual(checks.partner_id, ticket.commercial_partner_id)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT name, done, sequence, partner_id FROM tma_preventive_check "
            "WHERE id IN %s ORDER BY id",
            [tuple(checks.ids)],
        )
        self.assertEqual(
            self.env.cr.fetchall(),
            [
                ("Backups", True, 10, ticket.commercial_partner_id.id),
                ('Logs "rotated"', False, 10, ticket.commercial_partner_id.id),
            ],
        )

    def test_a_model_whose_create_is_overridden_goes_through_the_orm(self):
        """A model that overrides ``create`` (the ledger's entries) is never
        written behind its back."""
        Entry = self.env["tma.unit.entry"]
        self.assertFalse(bulk_sql.can_create_rows(Entry, [{"name": "x"}]))
        self.assertIsNone(bulk_sql.create_rows(Entry, [{"name": "x"}]))
        Check = self.env["tma.preventive.check"]
        self.assertFalse(
            bulk_sql.can_create_rows(Check, [{"name": "a"}, {"name": "b", "done": 1}])
        )

    def test_a_create_override_is_passed_only_by_the_caller_doing_its_work(self):
        """The ledger's engine writes entries and allocations in SQL, naming
        the override whose work it does; any other override (another class,
        or a module overriding after it) sends the rows through the ORM."""
        Entry = self.env["tma.unit.entry"]
        Allocation = self.env["tma.unit.allocation"]
        self.assertTrue(
            bulk_sql.can_create_rows(Entry, [{"name": "x"}], override=TmaUnitEntry)
        )
        self.assertFalse(
            bulk_sql.can_create_rows(Entry, [{"name": "x"}], override=TmaUnitAllocation)
        )
        self.assertFalse(
            bulk_sql.can_create_rows(
                Allocation, [{"units": 1.0}], override=TmaUnitEntry
            )
        )
        # The class the registry builds resolves ``create`` to the suite's.
        self.assertIs(type(Entry).create, TmaUnitEntry.create)
        self.assertIs(type(Allocation).create, TmaUnitAllocation.create)

    def test_float_columns_are_rounded_as_the_orm_rounds_them(self):
        """``column_values`` and the cache round floats as
        ``Float.convert_to_column`` and ``convert_to_cache`` do, the
        precision asked once per decimal precision."""
        Entry = self.env["tma.unit.entry"]
        field = Entry._fields["units"]
        self.assertIsInstance(field._digits, str)
        scales = bulk_sql.float_scales(Entry, ["units", "consumed_units", "name"])
        self.assertEqual(set(scales), {"units", "consumed_units"})
        self.assertEqual(scales["units"], field.get_digits(self.env)[1])
        values = [1.23456, -2, None, False]
        self.assertEqual(
            bulk_sql.column_values(field, Entry, values, scales),
            [field.convert_to_column(value, Entry) for value in values],
        )
        self.assertEqual(
            bulk_sql.column_values(field, Entry, values),
            [field.convert_to_column(value, Entry) for value in values],
        )

    def test_rows_updated_in_bulk_are_read_again_and_their_dependents_follow(self):
        """``update_rows`` invalidates what it wrote and marks what depends
        on it to recompute, as an ORM write does."""
        Check = self.env["tma.preventive.check"]
        checks = Check.create(
            [
                {"ticket_id": self.ticket.id, "name": "One"},
                {"ticket_id": self.ticket.id, "name": "Two"},
            ]
        )
        self.assertEqual(self.ticket.tma_checks_pending, 2)
        bulk_sql.update_rows(
            Check, {checks[0]: {"done": True, "note": "ok"}, checks[1]: {"done": True}}
        )
        self.assertEqual(checks.mapped("done"), [True, True])
        self.assertEqual(checks[0].note, "ok")
        self.assertEqual(self.ticket.tma_checks_pending, 0)

    def test_a_standing_stored_field_is_not_recomputed(self):
        """``mark_updated`` marks the stored fields that depend on the
        written one to compute, and drops those the caller says stand."""
        book = self._add_book(self.contract, 5)
        state = book._fields["state"]
        self.env.flush_all()
        bulk_sql.mark_updated(book, ["units_remaining"])
        self.assertTrue(self.env.is_to_compute(state, book))
        self.env.flush_all()
        bulk_sql.mark_updated(book, ["units_remaining"], standing=["state"])
        self.assertFalse(self.env.is_to_compute(state, book))

    def test_unnest_round_trips_each_kind_of_column(self):
        """The one encoder of the bulk statements gives back each value as it
        was, per kind of column."""
        Book = self.env["tma.unit.book"]
        rows = [
            {
                "id": 1,
                "name": 'a"b\\c, {NULL}',
                "units": 1.5,
                "date_expiry": fields.Date.to_date("2026-12-31"),
                "cancelled": True,
                "contract_id": self.contract.id,
            },
            {
                "id": 2,
                "name": False,
                "units": 0.0,
                "date_expiry": False,
                "cancelled": False,
                "contract_id": False,
            },
        ]
        fnames = list(rows[0])
        self.env.cr.execute(
            bulk_sql.SQL(
                "SELECT * FROM %s ORDER BY id",
                bulk_sql.unnest(Book, "r", fnames, rows),
            )
        )
        self.assertEqual(
            self.env.cr.fetchall(),
            [
                (
                    1,
                    'a"b\\c, {NULL}',
                    1.5,
                    rows[0]["date_expiry"],
                    True,
                    self.contract.id,
                ),
                (2, None, 0.0, None, False, None),
            ],
        )
