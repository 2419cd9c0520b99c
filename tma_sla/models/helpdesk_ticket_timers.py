# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import api, fields, models

from .utils import METRICS

_logger = logging.getLogger(__name__)


class HelpdeskTicket(models.Model):
    """The tickets' SLA timers kept in line with their contract's policy,
    stage, criticality, level and progress, in batches."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Timers
    # ------------------------------------------------------------------
    @api.model
    def _tma_sla_sync_fields(self):
        """The fields of the tickets that :meth:`_tma_sla_sync` reads, for a
        caller that reads many tickets (not their texts)."""
        return [
            "tma_contract_id",
            "tma_criticality",
            "tma_support_level_id",
            "create_date",
            "team_id",
            "stage_id",
            "user_id",
            "tma_first_response_date",
            "tma_workaround_date",
        ]

    def _tma_sla_sync(self, start=None, plan=None):
        """Bring the tickets' timers in line with their contract's policy, stage,
        criticality, level and progress. Works on the whole batch: the engine
        computes once per calendar and company (the contract's, whose public
        holidays count), whatever the number of tickets.

        New timers start at ``start`` (new tickets: now) or, for tickets that
        get a policy later, at the ticket's creation. ``plan``: more timers to
        plan in the same batch (a caller that wrote the tickets with
        ``tma_sla_sync_later`` and has timers of its own to plan)."""
        _logger.debug("sync the timers of tickets %s", self.ids)
        now = fields.Datetime.now()
        Timer = self.env["tma.sla.timer"].sudo()
        tickets = self.sudo()
        Rule = self.env["tma.sla.escalation.rule"]
        create_vals, create_plans = [], []
        replan = Timer
        obsolete = Timer
        terms_of = {}
        # The policies, targets, escalation rules and levels: one query.
        policies = tickets.tma_contract_id.sla_policy_id
        targets_of, rules_of = (
            policies._tma_sla_terms(tickets.tma_support_level_id)
            if policies
            else ({}, None)
        )
        for ticket in tickets:
            contract = ticket.tma_contract_id
            policy = contract.sla_policy_id
            by_metric = {t.metric: t for t in ticket.tma_sla_timer_ids}
            pending = {
                m: t for m, t in by_metric.items() if t.status in ("running", "paused")
            }
            if not policy:
                obsolete |= Timer.union(*pending.values())
                continue
            if contract not in terms_of:
                # What the contract gives each of its timers, read once.
                terms_of[contract] = (
                    contract._tma_sla_calendar(),
                    {
                        "partner_id": contract.partner_id.id,
                        "company_id": contract.company_id.id,
                    },
                )
            calendar, related = terms_of[contract]
            criticality = ticket.tma_criticality
            ticket_level = ticket.tma_support_level_id
            begin = start or ticket.create_date or now
            new_ramp_up = None  # asked once per ticket, for its new timers
            for metric, _label in METRICS:
                timer = by_metric.get(metric)
                # The target follows the level the commitment was qualified
                # at, not the current one: escalating does not extend it.
                level = timer.support_level_id if timer else ticket_level
                # A commitment keeps the ramp-up it started in.
                if timer:
                    ramp_up = timer.ramp_up
                else:
                    if new_ramp_up is None:
                        new_ramp_up = policy._in_ramp_up(contract, begin)
                    ramp_up = new_ramp_up
                target = policy._find_target(
                    criticality, metric, level, targets_of[policy], ramp_up=ramp_up
                )
                if not target:
                    if metric in pending:
                        obsolete |= timer
                    continue
                values = {
                    "contract_id": contract.id,
                    "policy_id": policy.id,
                    "target_id": target.id,
                    "criticality": criticality,
                    "calendar_id": calendar.id,
                    "target_minutes": target.minutes,
                }
                if timer is None:
                    create_vals.append(
                        dict(
                            values,
                            ticket_id=ticket.id,
                            metric=metric,
                            ramp_up=ramp_up,
                            support_level_id=level.id,
                            start_date=begin,
                            segment_start=begin,
                            status="running",
                            # The related fields, known here: not recomputed.
                            team_id=ticket.team_id.id,
                            **related,
                        )
                    )
                    # Planned before it is created: a new timer is written once.
                    create_plans.append(
                        {
                            "calendar_id": calendar,
                            "company_id": contract.company_id,
                            "segment_start": begin,
                            "target_minutes": target.minutes,
                            "used_seconds": 0.0,
                            "status": "running",
                            "policy_id": policy,
                            "metric": metric,
                            "criticality": criticality,
                            "fired": Rule,
                            "level": ticket_level,
                        }
                    )
                elif metric in pending and any(
                    timer[f].id != v if f.endswith("_id") else timer[f] != v
                    for f, v in values.items()
                ):
                    timer.write(values)
                    replan |= timer
        obsolete.unlink()
        if create_vals:
            Timer._create_planned(create_vals, create_plans, rules_of)
        (replan | (plan or Timer).sudo())._plan()
        return tickets._tma_sla_sync_clocks(now)

    def _tma_sla_sync_clocks(self, now):
        """Pause, resume or fulfil the tickets' timers as their stage and
        progress say, one batch per kind of change."""
        timers = self.tma_sla_timer_ids
        # (Ids in lists: a recordset grown one record at a time costs n².)
        to_pause, to_resume, to_reach = [], [], []
        pause_stages_of = {}  # asked once per contract
        for ticket in self:
            contract = ticket.tma_contract_id
            if contract not in pause_stages_of:
                pause_stages_of[contract] = (
                    contract.sla_policy_id._tma_pause_stage_ids()
                )
            pausing = ticket.stage_id.id in pause_stages_of[contract]
            for timer in ticket.tma_sla_timer_ids:
                if ticket._tma_sla_metric_done(timer.metric):
                    to_reach.append(timer.id)
                elif pausing and timer._is_counting():
                    to_pause.append(timer.id)
                elif not pausing and timer._is_stopped():
                    to_resume.append(timer.id)
        Timer = self.env["tma.sla.timer"].sudo()
        Timer.browse(to_reach)._reach(now)
        Timer.browse(to_pause)._pause(now)
        Timer.browse(to_resume)._resume(now)
        return timers
