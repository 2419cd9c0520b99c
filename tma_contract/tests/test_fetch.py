# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import tagged
from odoo.tools import SQL

from ..tools.fetch import search_fetch_many, sum_by
from .common import TmaCommon

ENTRY_FIELDS = ["date", "entry_type", "name", "units", "overage_units", "ticket_id"]
BOOK_FIELDS = ["name", "date_expiry", "units", "units_remaining", "state"]


@tagged("post_install", "-at_install")
class TestSearchFetchMany(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract_a = cls._create_contract(title="Alpha upkeep")
        cls._add_book(cls.contract_a, 7, expiry=date(2030, 6, 30), name="Book A1")
        cls._add_book(cls.contract_a, 3.25, name="Book A2")
        ticket = cls._create_ticket(cls.contract_a, name="Printer queue frozen")
        ticket._tma_record_consumption()
        for _i in range(5):
            cls.contract_a._post_consumption(0.5)
        cls.contract_b = cls._create_contract(partner=cls.client_b, title="Beta")
        cls._add_book(cls.contract_b, 9, name="Book B")

    def _requests(self, env):
        return {
            "entries": (
                env["tma.unit.entry"].sudo(),
                [("contract_id", "=", self.contract_a.id)],
                ENTRY_FIELDS,
                {"limit": 4, "offset": 2},
            ),
            "books": (
                env["tma.unit.book"].sudo(),
                [("contract_id", "=", self.contract_a.id)],
                BOOK_FIELDS,
                {"order": "units desc"},
            ),
            "none": (
                env["tma.unit.book"].sudo(),
                [("contract_id", "=", self.contract_a.id), ("units", "<", 0)],
                BOOK_FIELDS,
                {},
            ),
        }

    def _values(self, records, field_names):
        return [[record[name] for name in field_names] for record in records]

    def test_reads_what_search_fetch_reads(self):
        """Same records, same order, same values (dates, datetimes, floats,
        selections, many2one) as one search_fetch per list."""
        self.env.flush_all()
        self.env.invalidate_all()
        fetched = search_fetch_many(self._requests(self.env))
        got = {
            "entries": self._values(fetched["entries"], ENTRY_FIELDS),
            "books": self._values(fetched["books"], BOOK_FIELDS),
        }
        self.env.invalidate_all()
        for key, (model, domain, names, options) in self._requests(self.env).items():
            expected = model.search_fetch(domain, names, **options)
            self.assertEqual(fetched[key].ids, expected.ids, key)
            if key in got:
                self.assertEqual(got[key], self._values(expected, names), key)
        self.assertEqual(len(fetched["entries"]), 4)
        self.assertEqual(fetched["books"].mapped("name"), ["Book A1", "Book A2"])
        self.assertFalse(fetched["none"])
        self.assertEqual(fetched["books"][0].date_expiry, date(2030, 6, 30))

    def test_one_query_and_values_in_cache(self):
        self.env.flush_all()
        search_fetch_many(self._requests(self.env))  # the user, the precisions
        self.env["tma.unit.entry"].invalidate_model()
        self.env["tma.unit.book"].invalidate_model()
        with self.assertQueryCount(1):
            fetched = search_fetch_many(self._requests(self.env))
            # The template's reads are served from the cache.
            self._values(fetched["entries"], ENTRY_FIELDS)
            self._values(fetched["books"], BOOK_FIELDS)

    def test_an_sql_request_comes_back_decoded_in_the_same_query(self):
        self.env.flush_all()
        search_fetch_many(self._requests(self.env))  # the user, the precisions
        requests = self._requests(self.env)
        requests["answer"] = SQL("json_build_array(%s, %s)", 42, "units")
        with self.assertQueryCount(1):
            fetched = search_fetch_many(requests)
        self.assertEqual(fetched["answer"], [42, "units"])
        self.assertEqual(len(fetched["entries"]), 4)

    def test_a_sum_by_group_gives_read_groups_figures(self):
        """``sum_by`` gives, in the page's one query, the sums
        ``_read_group`` gives."""
        Entry = self.env["tma.unit.entry"].sudo()
        domain = [("contract_id", "=", self.contract_a.id)]
        requests = {"units": sum_by(Entry, domain, "entry_type", "units")}
        self.env.flush_all()
        search_fetch_many(self._requests(self.env))  # the user, the precisions
        with self.assertQueryCount(1):
            fetched = search_fetch_many(
                dict(requests, books=self._requests(self.env)["books"])
            )
        expected = dict(Entry._read_group(domain, ["entry_type"], ["units:sum"]))
        self.assertEqual(len(fetched["units"]), len(expected))
        for entry_type, units in fetched["units"]:
            self.assertAlmostEqual(units, expected[entry_type])

    def test_record_rules_of_the_users_environment_apply(self):
        """Without sudo, the user's record rules filter the lists: a portal
        user never reads another client's contract."""
        env = self.env(user=self.portal_a)
        fetched = search_fetch_many(
            {
                "contracts": (env["tma.contract"], [], ["name", "title"], {}),
                "other": (
                    env["tma.contract"],
                    [("id", "=", self.contract_b.id)],
                    ["name"],
                    {},
                ),
            }
        )
        self.assertEqual(fetched["contracts"], self.contract_a.with_env(env))
        self.assertEqual(fetched["contracts"].title, "Alpha upkeep")
        self.assertFalse(fetched["other"])

    def test_translated_field_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        stage = self.env["helpdesk.ticket.stage"].create({"name": "Waiting"})
        stage.update_field_translations("name", {"fr_FR": "En attente"})
        self.env.flush_all()
        self.env.invalidate_all()
        for lang, name in (("en_US", "Waiting"), ("fr_FR", "En attente")):
            env = self.env(context=dict(self.env.context, lang=lang))
            fetched = search_fetch_many(
                {
                    "stages": (
                        env["helpdesk.ticket.stage"],
                        [("id", "=", stage.id)],
                        ["name"],
                        {},
                    )
                }
            )
            self.assertEqual(fetched["stages"].name, name)

    def test_a_field_without_a_column_is_refused(self):
        with self.assertRaises(ValueError):
            search_fetch_many(
                {
                    "contracts": (
                        self.env["tma.contract"],
                        [("id", "=", self.contract_a.id)],
                        ["book_ids"],
                        {},
                    )
                }
            )
