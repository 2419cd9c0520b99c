# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The month's KPIs and the trends come from one figures query: each month
of the trends, and of the package's KPI sheet, is the KPIs of that month
computed alone; a batch of contracts or months costs one query."""

from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.tests import tagged

from .common import CONTRACT_START, TmaSlaCommon

# When the figures are read: the trends end with November 2026.
NOW = "2026-12-02 08:00:00"
LAST_MONTH = date(2026, 11, 30)


@tagged("post_install", "-at_install")
class TestFigures(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract._tma_write_terms({"monthly_volume": 7.5})
        cls.app = cls.env["tma.application"].create(
            {"name": "ERP", "partner_id": cls.client_a.id}
        )
        corrective = cls.env.ref("tma_contract.maintenance_type_corrective")
        # (opened, priority, closed, rating, units): naive UTC moments, the
        # transaction's clock following the frozen one. The contract counts
        # Paris months: 2026-03-31 22:30 UTC is 00:30 on 1 April there.
        cls.history = [
            ("2025-11-20 09:00:00", "3", None, None, None),
            ("2025-12-01 08:00:00", "1", "2025-12-01 09:00:00", 5, 2.0),
            ("2026-03-31 22:30:00", "3", "2026-04-01 09:30:00", 1, 1.5),
            ("2026-06-15 08:00:00", "3", "2026-06-15 08:20:00", 5, 3.0),
            ("2026-06-16 08:00:00", "3", "2026-07-02 14:00:00", 3, 4.25),
            ("2026-06-17 08:00:00", "1", None, None, None),
            ("2026-09-10 07:00:00", "3", "2026-09-10 15:00:00", None, 1.0),
            ("2026-11-23 09:00:00", "3", "2026-11-23 09:20:00", 5, 0.5),
        ]
        for opened, priority, closed, rating, units in cls.history:
            with freeze_time(opened):
                ticket = cls._create_ticket(
                    cls.contract,
                    priority=priority,
                    tma_support_level_id=cls.l1.id,
                    tma_application_id=cls.app.id,
                    category_id=cls.category.id,
                    tma_maintenance_type_id=corrective.id,
                )
            if not closed:
                continue
            with freeze_time(closed):
                cls.env["tma.sla.timer"]._cron_check()
                ticket.stage_id = cls.stage_done
                cls.contract._post_consumption(units)
                if rating:
                    # A rating of 1 proposes an improvement action.
                    ticket._tma_portal_rate(cls.contact_a, rating)
        # The action the rating of 1 proposed is done in August; another,
        # opened in June, is overdue from July on.
        with freeze_time("2026-06-01 10:00:00"):
            cls.env["tma.improvement.action"].create(
                {
                    "name": "Document the restart procedure",
                    "contract_id": cls.contract.id,
                    "date_due": date(2026, 7, 15),
                }
            )
        with freeze_time("2026-08-03 10:00:00"):
            proposed = cls.env["tma.improvement.action"].search(
                [("contract_id", "=", cls.contract.id), ("origin", "=", "rating")]
            )
            proposed.action_open()
            proposed.action_done()
        with freeze_time(NOW):
            cls.env["tma.sla.timer"]._cron_check()
        cls.env.flush_all()

    def _month_alone(self, month):
        return self.contract._tma_sla_kpis(
            month, month + relativedelta(months=1, days=-1)
        )

    def test_each_month_of_the_trends_is_that_month_s_kpis(self):
        with freeze_time(NOW):
            trends = self.contract._tma_sla_trends(LAST_MONTH)
            self.assertEqual(len(trends["months"]), 12)
            for index, label in enumerate(trends["months"]):
                month = date.fromisoformat(f"{label}-01")
                kpis = self._month_alone(month)
                resolution = kpis["durations"]["resolution"]
                measured = resolution["count"]
                expected = {
                    "opened": kpis["opened"],
                    "closed": kpis["closed"],
                    "compliance": kpis["compliance_rate"]
                    if kpis["met"] + kpis["breached"]
                    else None,
                    "resolution_mean": resolution["mean_hours"] if measured else None,
                    "resolution_p90": resolution["p90_hours"] if measured else None,
                    "satisfaction": kpis["satisfaction"],
                    "units_consumed": kpis["units_consumed"],
                    "units_estimate": kpis["units_estimate"],
                }
                with self.subTest(month=label):
                    self.assertEqual(
                        {key: trends[key][index] for key in expected}, expected
                    )
        # The months hold what the history put in them, not only zeros: the
        # ticket opened at 00:30 on 1 April in Paris counts in April.
        months = trends["months"]
        self.assertEqual(months[0], "2025-12")
        self.assertEqual(trends["opened"][months.index("2026-04")], 1)
        self.assertEqual(trends["opened"][months.index("2026-03")], 0)
        self.assertEqual(trends["opened"][months.index("2026-06")], 3)
        self.assertEqual(trends["closed"][months.index("2026-07")], 1)
        self.assertEqual(trends["units_consumed"][months.index("2026-07")], 4.25)
        self.assertEqual(trends["satisfaction"][months.index("2025-12")], 5.0)
        self.assertGreater(
            len({value for value in trends["compliance"] if value is not None}), 1
        )

    def test_each_month_of_the_grouped_figures_is_that_month_alone(self):
        """Every KPI, the ones that count at a month's end (the backlog,
        the open and overdue improvement actions) included."""
        with freeze_time(NOW):
            months = self.contract._tma_figures(
                date(2025, 11, 1), LAST_MONTH, group_by_month=True
            )[self.contract.id]
            self.assertEqual(len(months), 13)
            for month, figures in months.items():
                with self.subTest(month=month):
                    self.assertEqual(
                        self.contract._tma_sla_kpis_of(figures),
                        self._month_alone(month),
                    )
            backlog = {
                month: self.contract._tma_sla_kpis_of(figures)["backlog"]
                for month, figures in months.items()
            }
        self.assertEqual(backlog[date(2025, 11, 1)], 1)
        self.assertEqual(backlog[date(2026, 6, 1)], 3)
        self.assertEqual(backlog[date(2026, 7, 1)], 2)
        august = self._month_alone(date(2026, 8, 1))["actions"]
        self.assertEqual(august, {"open": 1, "overdue": 1, "done": 1})
        june = self._month_alone(date(2026, 6, 1))["actions"]
        self.assertEqual(june, {"open": 1, "overdue": 0, "done": 0})

    def test_the_package_months_are_the_months_kpis(self):
        """A period that starts and ends inside a month: its first and last
        months are clipped to it, as the KPIs of those days alone."""
        with freeze_time(NOW):
            rows = self.contract._tma_export_kpi_rows(
                date(2026, 6, 16), date(2026, 7, 1)
            )
            june = self.contract._tma_sla_kpis(date(2026, 6, 16), date(2026, 6, 30))
            july = self.contract._tma_sla_kpis(date(2026, 7, 1), date(2026, 7, 1))
        figures = {(month, label): value for month, label, value in rows}
        for month, kpis in ((date(2026, 6, 1), june), (date(2026, 7, 1), july)):
            with self.subTest(month=month):
                self.assertEqual(
                    figures[(month, "Backlog at the end of the month")],
                    kpis["backlog"],
                )
                self.assertEqual(
                    figures[(month, "SLA compliance (%)")], kpis["compliance_rate"]
                )
                self.assertEqual(
                    figures[(month, "Resolution: mean (business hours)")],
                    kpis["durations"]["resolution"]["mean_hours"],
                )
        self.assertEqual(june["opened"], 2)

    def test_one_query_for_a_month_and_for_the_trends(self):
        with freeze_time(NOW):
            self.contract._tma_sla_trends(LAST_MONTH)  # warm the caches
            with self.assertQueryCount(1):
                self.contract._tma_sla_kpis(date(2026, 11, 1), LAST_MONTH)
            with self.assertQueryCount(1):
                self.contract._tma_sla_trends(LAST_MONTH)
            with self.assertQueryCount(1):
                self.contract._tma_sla_trends(LAST_MONTH, months=36)

    def test_a_batch_of_contracts_is_one_query(self):
        """A contract in another time zone (its SLA calendar's) gets its own
        months, from the same query as the others."""
        other = self._create_contract(
            mode="forfait",
            date_start=CONTRACT_START,
            sla_policy_id=self.policy.id,
            sla_coverage="24_7",
            sla_calendar_id=self.env["resource.calendar"]
            .create({"name": "Tokyo", "tz": "Asia/Tokyo"})
            .id,
        )
        with freeze_time("2026-11-23 15:30:00"):  # 00:30 on the 24th in Tokyo
            ticket = self._create_ticket(
                other, priority="3", tma_support_level_id=self.l1.id
            )
        with freeze_time("2026-11-30 16:30:00"):  # 1 December in Tokyo
            ticket.stage_id = self.stage_done
        contracts = self.contract | other
        with freeze_time(NOW):
            alone = {
                contract.id: contract._tma_figures(date(2026, 11, 1), LAST_MONTH)
                for contract in contracts
            }
            contracts._tma_figures(date(2026, 11, 1), LAST_MONTH)  # warm
            with self.assertQueryCount(1):
                both = contracts._tma_figures(date(2026, 11, 1), LAST_MONTH)
            with self.assertQueryCount(1):
                contracts.invalidate_recordset(["sla_month_compliance"])
                contracts.mapped("sla_month_compliance")
        self.assertEqual(both, alone[self.contract.id] | alone[other.id])
        november = both[other.id][date(2026, 11, 1)]
        self.assertEqual((november["opened"], november["closed"]), (1, 0))
