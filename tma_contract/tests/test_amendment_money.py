# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The money of amendments: the recurring invoicing (OCA ``contract``)
follows an amended end date and fee, prorated to the day, on real invoices;
and a running contract's commercial terms change only through amendments."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .reader_language import ReaderLanguageMixin
from .test_amendment import AmendmentCommon

JAN, FEB, MAR, APR, MAY = (date(2026, month, 1) for month in range(1, 6))


@tagged("post_install", "-at_install")
class TestAmendmentMoney(ReaderLanguageMixin, AmendmentCommon):
    def _forfait(self, date_end=False, fee=3000.0, **vals):
        """A fixed price contract from 1 January 2026, its fee invoiced
        monthly, in advance, by its OCA recurring contract."""
        with freeze_time("2026-01-01 10:00:00"):
            return self._create_contract(
                mode="forfait",
                date_start=JAN,
                date_end=date_end,
                fee_amount=fee,
                **vals,
            )

    def _invoice(self, contract, day):
        """What the invoicing cron of OCA ``contract`` creates for
        ``contract`` on ``day`` (the same selection, for this contract only:
        the database holds the demo's contracts too)."""
        recurring = contract.recurring_contract_id
        Recurring = self.env["contract.contract"]
        before = recurring._get_related_invoices()
        with freeze_time(f"{day} 10:00:00"):
            due = Recurring.search(
                Recurring._get_contracts_to_invoice_domain(day)
                + [("id", "=", recurring.id)]
            ).filtered(lambda c: not c.date_end or c.recurring_next_date <= c.date_end)
            due._recurring_create_invoice(day)
        return recurring._get_related_invoices() - before

    def _invoice_months(self, contract, *days):
        for day in days:
            self.assertEqual(len(self._invoice(contract, day)), 1, day)

    def _amend(self, contract, day, **vals):
        """An amendment effective on ``day``, approved by the client that
        day: it applies at once."""
        with freeze_time(f"{day} 10:00:00"):
            amendment = self._amendment(contract=contract, date_effective=day, **vals)
            self._approve_as_client(amendment)
        self.assertEqual(amendment.state, "applied")
        return amendment

    def _amend_end(self, contract, day, date_end):
        return self._amend(contract, day, change_dates=True, date_end=date_end)

    def _fee_line(self, contract):
        return contract._get_fee_lines()

    def _amounts(self, invoice):
        return sorted(invoice.invoice_line_ids.mapped("price_subtotal"))

    def _ended_in_march(self, day):
        """A contract to the end of 2026, January and February invoiced, its
        end amended on 10 February to March ``day``."""
        contract = self._forfait(date_end=date(2026, 12, 31))
        self._invoice_months(contract, JAN, FEB)
        self._amend_end(contract, date(2026, 2, 10), date(2026, 3, day))
        return contract

    # ------------------------------------------------------------------
    # The end date
    # ------------------------------------------------------------------
    def test_an_earlier_end_moves_the_lines_and_invoicing_stops_there(self):
        contract = self._ended_in_march(31)
        line = self._fee_line(contract)
        self.assertEqual(line.date_end, date(2026, 3, 31))
        self.assertEqual(contract.recurring_contract_id.date_end, date(2026, 3, 31))
        march = self._invoice(contract, MAR)
        self.assertEqual(march.amount_untaxed, 3000.0)
        self.assertFalse(self._invoice(contract, APR))
        self.assertFalse(self._invoice(contract, MAY))
        self.assertFalse(line.recurring_next_date)

    def test_a_later_end_moves_the_lines_and_invoicing_goes_on(self):
        contract = self._forfait(date_end=date(2026, 2, 28))
        self._amend_end(contract, date(2026, 1, 20), date(2026, 4, 30))
        self.assertEqual(self._fee_line(contract).date_end, date(2026, 4, 30))
        self._invoice_months(contract, JAN, FEB, MAR, APR)
        self.assertFalse(self._invoice(contract, MAY))

    def test_an_end_inside_a_period_prorates_its_last_invoice(self):
        contract = self._ended_in_march(20)
        self.assertEqual(self._fee_line(contract).date_end, date(2026, 3, 20))
        # OCA contract invoices March's whole fee for 20 days of its 31: the
        # 11 days after the end are credited, 3,000.00 x 11 / 31.
        march = self._invoice(contract, MAR)
        self.assertEqual(self._amounts(march), [-1064.52, 3000.0])
        self.assertEqual(march.amount_untaxed, 1935.48)
        self.assertFalse(self._invoice(contract, APR))

    def test_an_end_moved_later_again_gives_the_credited_days_back(self):
        contract = self._ended_in_march(20)
        self._invoice_months(contract, MAR)
        self._amend_end(contract, date(2026, 3, 25), date(2026, 5, 31))
        # The 11 days credited in March are invoiced again, with April's fee,
        # and the line keeps its calendar months.
        april = self._invoice(contract, APR)
        self.assertEqual(self._amounts(april), [1064.52, 3000.0])
        may = self._invoice(contract, MAY)
        self.assertEqual(self._amounts(may), [3000.0])
        self.assertIn("05/31/2026", may.invoice_line_ids.name)
        self.assertFalse(self._invoice(contract, date(2026, 6, 1)))

    def test_an_end_removed_invoices_the_credited_days_and_goes_on(self):
        contract = self._ended_in_march(20)
        self._invoice_months(contract, MAR)
        self._amend_end(contract, date(2026, 3, 25), False)
        self.assertFalse(self._fee_line(contract).date_end)
        april = self._invoice(contract, APR)
        self.assertEqual(self._amounts(april), [1064.52, 3000.0])
        adjustment = april.invoice_line_ids.filtered("contract_line_id.tma_adjustment")
        self.assertIn("end on 03/20/2026 removed", adjustment.name)
        self.assertEqual(self._amounts(self._invoice(contract, MAY)), [3000.0])

    def test_an_end_moved_inside_an_invoiced_period_credits_the_days_after_it(self):
        contract = self._forfait(date_end=date(2026, 12, 31))
        self._invoice_months(contract, JAN, FEB, MAR)
        self._amend_end(contract, date(2026, 3, 10), date(2026, 3, 20))
        # OCA contract ends a line no earlier than its last invoiced day; the
        # 11 days of March after the end are credited: 3,000.00 x 11 / 31.
        self.assertEqual(self._fee_line(contract).date_end, date(2026, 3, 31))
        credit = self._invoice(contract, date(2026, 3, 10))
        self.assertEqual(credit.move_type, "out_refund")
        self.assertEqual(credit.amount_untaxed, 1064.52)
        self.assertFalse(self._invoice(contract, APR))

    def test_a_tacit_renewal_extends_the_recurring_invoicing(self):
        contract = self._forfait(
            date_end=date(2026, 2, 28),
            tacit_renewal=True,
            auto_renew=True,
            renewal_period=12,
        )
        self._invoice_months(contract, JAN, FEB)
        self.assertFalse(self._invoice(contract, MAR))
        with freeze_time("2026-03-02 10:00:00"):
            self.env["tma.contract"]._cron_renew_contracts()
        self.assertEqual(contract.date_end, date(2027, 2, 28))
        self.assertEqual(self._fee_line(contract).date_end, date(2027, 2, 28))
        march = self._invoice(contract, date(2026, 3, 2))
        self.assertEqual(march.amount_untaxed, 3000.0)
        self.assertIn("03/01/2026", march.invoice_line_ids.name)

    def test_a_termination_ends_the_recurring_invoicing(self):
        contract = self._forfait(date_end=date(2026, 12, 31), notice_period_days=30)
        self._invoice_months(contract, JAN)
        with freeze_time("2026-01-15 10:00:00"):
            contract._terminate("Moving on", date(2026, 1, 15), date(2026, 2, 28))
        self.assertEqual(self._fee_line(contract).date_end, date(2026, 2, 28))
        self._invoice_months(contract, FEB)
        self.assertFalse(self._invoice(contract, MAR))

    # ------------------------------------------------------------------
    # The fee
    # ------------------------------------------------------------------
    def test_a_fee_raised_mid_period_adds_a_prorated_supplement(self):
        contract = self._forfait()
        self._invoice_months(contract, JAN, FEB)
        march = self._invoice(contract, MAR)
        amendment = self._amend(
            contract, date(2026, 3, 12), change_price=True, fee_amount=3600.0
        )
        # March was invoiced at 3,000.00; from the 12th (20 days of 31) it
        # costs 600.00 more: 387.10 on April's invoice, with April's new fee.
        self.assertEqual(march.amount_untaxed, 3000.0)
        april = self._invoice(contract, APR)
        self.assertEqual(self._amounts(april), [387.10, 3600.0])
        self.assertEqual(april.amount_untaxed, 3987.10)
        supplement = april.invoice_line_ids.contract_line_id.filtered("tma_adjustment")
        self.assertEqual(supplement.tma_amendment_id, amendment)
        self.assertIn(amendment.name, supplement.name)
        may = self._invoice(contract, MAY)
        self.assertEqual(self._amounts(may), [3600.0])

    def test_a_fee_lowered_mid_period_adds_a_prorated_credit(self):
        contract = self._forfait()
        self._invoice_months(contract, JAN, FEB, MAR)
        self._amend(contract, date(2026, 3, 12), change_price=True, fee_amount=2500.0)
        # 500.00 less for 20 days of March's 31: a credit of 322.58.
        april = self._invoice(contract, APR)
        self.assertEqual(self._amounts(april), [-322.58, 2500.0])
        self.assertEqual(april.amount_untaxed, 2177.42)
        self.assertEqual(self._amounts(self._invoice(contract, MAY)), [2500.0])

    def test_a_fee_changed_before_its_period_is_invoiced_is_prorated_too(self):
        contract = self._forfait()
        self._invoice_months(contract, JAN, FEB)
        # March not invoiced yet: the line bills March at the new fee, and
        # its 11 days before the 12th are brought back to the old one.
        self._amend(contract, date(2026, 3, 12), change_price=True, fee_amount=3600.0)
        march = self._invoice(contract, date(2026, 3, 12))
        self.assertEqual(self._amounts(march), [-212.90, 3600.0])
        # 3,000.00 x 11 / 31 + 3,600.00 x 20 / 31
        self.assertEqual(march.amount_untaxed, 3387.10)
        self.assertEqual(self._amounts(self._invoice(contract, APR)), [3600.0])

    def test_a_fee_changed_on_a_period_start_needs_no_adjustment(self):
        contract = self._forfait()
        self._invoice_months(contract, JAN, FEB, MAR)
        self._amend(contract, APR, change_price=True, fee_amount=3600.0)
        self.assertFalse(
            contract.recurring_contract_id.contract_line_ids.filtered("tma_adjustment")
        )
        self.assertEqual(self._amounts(self._invoice(contract, APR)), [3600.0])

    # ------------------------------------------------------------------
    # Terms change only through amendments
    # ------------------------------------------------------------------
    def _term_values(self):
        corrective = self.env.ref("tma_contract.maintenance_type_corrective")
        return {
            "Periodic fee": ("fee_amount", 9999.0),
            "Monthly volume estimate": ("monthly_volume", 99.0),
            "End date": ("date_end", date(2030, 1, 1)),
            "Applications": ("application_ids", [Command.set(self.app_2.ids)]),
            "Maintenance types": (
                "maintenance_type_ids",
                [Command.set(corrective.ids)],
            ),
        }

    def _db_terms(self, contract):
        contract.invalidate_recordset()
        return {
            name: contract.sudo()[name] for name in contract._get_locked_term_fields()
        }

    def test_a_hand_edit_of_a_term_of_a_running_contract_is_refused(self):
        contract = self._forfait(application_ids=[Command.set(self.app_1.ids)])
        before = self._db_terms(contract)
        admin = self.env.ref("base.user_admin")
        for label, (name, value) in self._term_values().items():
            for user in (admin, self.manager):
                with (
                    self.subTest(field=name, user=user.login),
                    self.assertRaisesRegex(
                        UserError, f"{label} is a commercial term.*amendment"
                    ),
                ):
                    contract.with_user(user).write({name: value})
            # The superuser too: only the amendment's path writes terms.
            with self.assertRaisesRegex(UserError, "amendment"):
                contract.sudo().write({name: value})
        self.assertEqual(self._db_terms(contract), before)
        self.assertEqual(self._fee_line(contract).price_unit, 3000.0)

    def test_a_hand_edit_is_refused_in_reversibility_too(self):
        contract = self._forfait()
        self._force_state(contract, "reversibility")
        with self.assertRaisesRegex(UserError, "amendment"):
            contract.with_user(self.manager).write({"monthly_volume": 50.0})
        self.assertEqual(self._db_terms(contract)["monthly_volume"], 0.0)

    def test_the_refusal_is_in_the_users_language(self):
        self._load_french()
        contract = self._forfait()
        with self.assertRaisesRegex(UserError, "avenant"):
            contract.with_user(self.manager).with_context(lang="fr_FR").write(
                {"fee_amount": 1.0}
            )

    def test_a_context_key_from_rpc_does_not_open_the_terms(self):
        contract = self._forfait()
        for key in ("tma_terms_sentinel", "install_mode"):
            with self.subTest(key=key), self.assertRaisesRegex(UserError, "amendment"):
                contract.with_user(self.manager).with_context(**{key: True}).write(
                    {"fee_amount": 1.0}
                )
        self.assertEqual(self._db_terms(contract)["fee_amount"], 3000.0)

    def test_other_fields_of_a_running_contract_stay_editable(self):
        contract = self._forfait()
        contract.with_user(self.manager).write(
            {"title": "Renamed", "low_balance_threshold": 2.0}
        )
        self.assertEqual(contract.title, "Renamed")

    def test_a_draft_contract_can_still_be_edited(self):
        contract = self._create_contract(mode="forfait", activate=False)
        values = {name: value for name, value in self._term_values().values()}
        contract.with_user(self.manager).write(values)
        self.assertEqual(contract.fee_amount, 9999.0)
        self.assertEqual(contract.monthly_volume, 99.0)
        self.assertEqual(contract.date_end, date(2030, 1, 1))
        self.assertEqual(contract.application_ids, self.app_2)

    def test_the_amendment_path_changes_every_term(self):
        contract = self._forfait(application_ids=[Command.set(self.app_1.ids)])
        corrective = self.env.ref("tma_contract.maintenance_type_corrective")
        self._amend(
            contract,
            JAN,
            change_scope=True,
            application_ids=[Command.set((self.app_1 | self.app_2).ids)],
            maintenance_type_ids=[Command.set(corrective.ids)],
            change_volume=True,
            monthly_volume=30.0,
            change_price=True,
            fee_amount=3300.0,
            change_dates=True,
            date_end=date(2026, 6, 30),
        )
        self.assertEqual(contract.application_ids, self.app_1 | self.app_2)
        self.assertEqual(contract.maintenance_type_ids, corrective)
        self.assertEqual(contract.monthly_volume, 30.0)
        self.assertEqual(contract.fee_amount, 3300.0)
        self.assertEqual(contract.date_end, date(2026, 6, 30))
        line = self._fee_line(contract)
        self.assertEqual((line.price_unit, line.date_end), (3300.0, date(2026, 6, 30)))
