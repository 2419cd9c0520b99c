# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Consumption forecast of a contract: the monthly rate, the date its books
run out, the overage expected at period end, the alert and the burn-down.

The rate blends the consumption of the last ``FORECAST_WINDOW_DAYS`` with
the client's monthly estimate: a young contract follows the estimate, a
contract with a full window of history follows what it really consumed.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import SQL, format_date

from ..tools.burndown import burndown_svg
from .utils import reader_date

FORECAST_WINDOW_DAYS = 90
DAYS_PER_MONTH = 30.0
BURNDOWN_WEEKS = 12
ALERT_DAYS_PARAM = "tma_contract.forecast_alert_days"
ALERT_DAYS_DEFAULT = 30


class TmaContractForecast(models.AbstractModel):
    """The contract's consumption forecast (inherited by ``tma.contract``)."""

    _name = "tma.contract.forecast"
    _description = "TMA contract consumption forecast"

    forecast_monthly_rate = fields.Float(
        string="Forecast consumption (per month)",
        compute="_compute_forecast",
        digits="TMA Units",
        help="Units a month, from the consumption of the last 90 days blended "
        "with the monthly volume estimate (the estimate weighs less as "
        "history builds up).",
    )
    forecast_date_exhausted = fields.Date(
        string="Books forecast to run out on",
        compute="_compute_forecast",
        help="Ticket book: the day the open books run out at the forecast "
        "rate (books expiring first lose their units).",
    )
    forecast_period_end = fields.Date(string="Period end", compute="_compute_forecast")
    forecast_overage = fields.Float(
        string="Expected overage at period end",
        compute="_compute_forecast",
        digits="TMA Units",
        help="Ticket book: units consumed beyond the books by the end date of "
        "the contract (a year ahead when it has none). Time and materials and "
        "fixed price: units beyond this month's estimate by the end of the "
        "month.",
    )
    forecast_days_left = fields.Integer(compute="_compute_forecast")
    forecast_alert = fields.Boolean(
        string="Exhaustion forecast soon",
        compute="_compute_forecast",
        search="_search_forecast_alert",
    )
    forecast_svg = fields.Html(
        string="Burn-down",
        compute="_compute_forecast_svg",
        sanitize=False,
    )
    forecast_alert_date = fields.Date(
        copy=False,
        readonly=True,
        help="The day of the last exhaustion alert (one per alert window), or "
        "the day the forecast was last checked without alert, minus the window.",
    )

    # ------------------------------------------------------------------
    # Forecast
    # ------------------------------------------------------------------
    @api.model
    def _forecast_alert_days(self):
        value = self.env["ir.config_parameter"].sudo().get_param(ALERT_DAYS_PARAM, "")
        return int(value) if value.strip().isdigit() else ALERT_DAYS_DEFAULT

    def _get_forecast(self):
        """{contract id: forecast dict}: ``rate`` (units a month),
        ``exhausted`` (date or False), ``period_end``, ``overage``,
        ``books`` ({book id: (date, reason)}, reason ``exhausted`` or
        ``expires``), all of them on the available balance (the units
        reserved for approved estimates are spoken for). The window's
        consumption is one of the ledger's figures (``units_window``), read
        with the others; the reserved units, one read for the batch."""
        result = {}
        for contract in self:
            # The contract's today, as its window's consumption counts it.
            today = contract._tma_today()
            start = contract.date_start or today
            days = min(FORECAST_WINDOW_DAYS, max((today - start).days, 0))
            # The client's estimate in units (a volume in hours converted).
            estimate = contract._get_monthly_volume_units() or 0.0
            if days:
                observed = contract.units_window / days * DAYS_PER_MONTH
                weight = days / FORECAST_WINDOW_DAYS
                rate = (
                    weight * observed + (1 - weight) * estimate
                    if estimate
                    else observed
                )
            else:
                rate = estimate
            rate = max(rate, 0.0)
            result[contract.id] = dict(
                contract._forecast_books(today, rate), today=today
            )
        return result

    def _forecast_books(self, today, rate):
        self.ensure_one()
        daily = rate / DAYS_PER_MONTH
        data = {"rate": rate, "exhausted": False, "overage": 0.0, "books": {}}
        if self.mode != "ticket_book":
            month_end = today + relativedelta(day=31)
            projected = self.units_month + daily * (month_end - today).days
            if self.mode == "regie":
                # The month's cap counts the units reserved for approved
                # estimates, as an approval does.
                projected += self.units_reserved
            data["period_end"] = month_end
            data["overage"] = max(
                projected - (self._get_monthly_volume_units() or 0.0), 0.0
            )
            return data
        period_end = self.date_end or today + relativedelta(years=1)
        data["period_end"] = period_end
        if daily <= 0:
            return data
        moment = today
        books = self.book_ids.filtered(
            lambda b: b.state == "open" and b.units_remaining > 0
        ).sorted(lambda b: (b.date_expiry or date.max, b.id))
        available, reserved = self._forecast_available_units(books)
        for book in books:
            if book.date_expiry and book.date_expiry < moment:
                data["books"][book.id] = (book.date_expiry, "expires")
                continue
            end = moment + timedelta(days=available[book.id] / daily)
            if book.date_expiry and end > book.date_expiry:
                data["books"][book.id] = (book.date_expiry, "expires")
                moment = book.date_expiry
            else:
                data["books"][book.id] = (end, "exhausted")
                moment = end
        # Overdraft and any negative balance run from the last book's end;
        # units reserved beyond the books are overage already.
        data["exhausted"] = moment
        data["overage"] = reserved
        if moment < period_end:
            data["overage"] += daily * (period_end - moment).days
        return data

    def _forecast_available_units(self, books):
        """({book id: units the consumption may draw}, units reserved that
        no book holds) of the open ``books`` (earliest expiry first): the
        units reserved for approved estimates stay in the latest books, as
        a consumption leaves them (``_allocate_on_books``), so the forecast
        runs on the available balance."""
        self.ensure_one()
        reserved = self.units_reserved
        available = {}
        for book in reversed(books):
            held = min(reserved, book.units_remaining)
            reserved -= held
            available[book.id] = book.units_remaining - held
        return available, reserved

    @api.depends(
        "balance",
        "units_reserved",
        "book_ids.units_remaining",
        "monthly_volume",
        "date_end",
        "mode",
    )
    def _compute_forecast(self):
        forecasts = self._get_forecast() if self.ids else {}
        alert_days = self._forecast_alert_days()
        for contract in self:
            data = forecasts.get(contract.id)
            if not data:
                contract.update(
                    {
                        "forecast_monthly_rate": 0.0,
                        "forecast_date_exhausted": False,
                        "forecast_period_end": False,
                        "forecast_overage": 0.0,
                        "forecast_days_left": 0,
                        "forecast_alert": False,
                    }
                )
                continue
            exhausted = data["exhausted"]
            # The contract's today, the one its forecast starts from.
            days_left = (exhausted - data["today"]).days if exhausted else 0
            contract.update(
                {
                    "forecast_monthly_rate": data["rate"],
                    "forecast_date_exhausted": exhausted,
                    "forecast_period_end": data["period_end"],
                    "forecast_overage": data["overage"],
                    "forecast_days_left": days_left,
                    "forecast_alert": bool(exhausted)
                    and contract.state == "active"
                    and days_left <= alert_days,
                }
            )

    def _search_forecast_alert(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on the forecast alert."))
        contracts = self.search(
            [("state", "=", "active"), ("mode", "=", "ticket_book")]
        )
        alerting = contracts.filtered("forecast_alert")
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", alerting.ids)]

    # ------------------------------------------------------------------
    # Burn-down
    # ------------------------------------------------------------------
    def _get_burndown_points(self):
        """([(date, balance)] of the last weeks, [(date, balance)] forecast)."""
        self.ensure_one()
        today = self._tma_today()
        start = today - timedelta(weeks=BURNDOWN_WEEKS)
        self.env["tma.unit.entry"].flush_model(["contract_id", "date", "units"])
        self.env.cr.execute(
            SQL(
                """SELECT date_trunc('week', date)::date AS week,
                          SUM(units) FILTER (WHERE date >= %(s)s),
                          SUM(units) FILTER (WHERE date < %(s)s)
                     FROM tma_unit_entry
                    WHERE contract_id = %(c)s
                    GROUP BY week ORDER BY week""",
                s=fields.Datetime.to_datetime(start),
                c=self.id,
            )
        )
        rows = self.env.cr.fetchall()
        balance = sum(before or 0.0 for _w, _after, before in rows)
        actual = [(max(start, self.date_start or start), balance)]
        for week, units, _before in rows:
            if units is None:
                continue
            balance += units
            actual.append((max(week + timedelta(days=6), actual[-1][0]), balance))
        actual = [p for p in actual if p[0] <= today] + [(today, self.balance)]
        forecast = [(today, self.balance)]
        if self.units_reserved:
            # The forecast runs on the available balance: the units reserved
            # for approved estimates drop off at once.
            forecast.append((today, self.units_available))
        daily = self.forecast_monthly_rate / DAYS_PER_MONTH
        end = self.forecast_period_end
        if daily > 0 and end and end > today:
            exhausted = self.forecast_date_exhausted
            if exhausted and today < exhausted < end:
                forecast.append((exhausted, 0.0))
            forecast.append((end, min(0.0, -self.forecast_overage)))
        return actual, forecast

    @api.depends("forecast_monthly_rate", "balance", "units_reserved")
    def _compute_forecast_svg(self):
        labels = {"actual": _("Balance"), "forecast": _("Forecast")}
        for contract in self:
            if contract.mode != "ticket_book" or not contract.id:
                contract.forecast_svg = False
                continue
            actual, forecast = contract._get_burndown_points()
            contract.forecast_svg = burndown_svg(
                actual,
                forecast,
                _("Burn-down of %s", contract.name),
                labels,
                date_label=lambda day: format_date(self.env, day),
            )

    def action_view_burndown(self):
        self.ensure_one()
        return self._action_open(
            "tma_contract.tma_unit_entry_burndown_action",
            [("contract_id", "=", self.id)],
        )

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_forecast_alerts(self, batch_size=200):
        """Alert the account manager (an activity) and the client (a message
        on the contract, shown in its portal) when a ticket book contract's
        books are forecast to run out within the alert window.

        Idempotent: one alert per contract per window (``forecast_alert_date``).
        Contracts are taken under ``FOR UPDATE SKIP LOCKED`` in batches, so
        parallel workers share the work; re-arms itself while some are left.
        """
        today = fields.Date.context_today(self)
        alert_days = self._forecast_alert_days()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM tma_contract
                    WHERE state = 'active' AND mode = 'ticket_book'
                      AND (forecast_alert_date IS NULL OR forecast_alert_date <= %s)
                    ORDER BY id LIMIT %s
                    FOR UPDATE SKIP LOCKED""",
                today - timedelta(days=alert_days),
                batch_size + 1,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        contracts = self.browse(ids[:batch_size])
        alerting = contracts.filtered("forecast_alert")
        for contract in alerting:
            contract._forecast_raise_alert()
        # The others are checked again tomorrow, their contract's tomorrow.
        waiting = (contracts - alerting).grouped(lambda c: c._tma_today())
        for day, group in waiting.items():
            group.write({"forecast_alert_date": day - timedelta(days=alert_days - 1)})
        if len(ids) > batch_size:
            self.env["ir.cron"]._notify_progress(done=len(contracts), remaining=1)
            cron = self.env.ref(
                "tma_contract.ir_cron_tma_forecast_alerts", raise_if_not_found=False
            )
            if cron:
                cron._trigger()
        return True

    def _forecast_raise_alert(self):
        self.ensure_one()
        env = self._tma_reader_env()
        message = env._(
            "At the current pace (%(rate).1f units a month), the unit books of "
            "contract %(contract)s will run out on %(date)s. Expected overage "
            "by %(end)s: %(overage).1f units.",
            rate=self.forecast_monthly_rate,
            contract=self.display_name,
            date=reader_date(env, self.forecast_date_exhausted),
            end=reader_date(env, self.forecast_period_end),
            overage=self.forecast_overage,
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=env._("Unit books forecast to run out"),
            note=message,
            user_id=(self.user_id or self.env.user).id,
        )
        self.message_post(
            body=message, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.forecast_alert_date = self._tma_today()
