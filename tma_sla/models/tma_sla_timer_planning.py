# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from odoo import api, fields, models

from odoo.addons.tma_contract.tools.bulk_sql import create_rows, update_rows

from .tma_sla_policy import RULE_TERMS

_logger = logging.getLogger(__name__)


class TmaSlaTimer(models.Model):
    """The planning of the timers: their deadlines and next escalations, computed
    in batches of engine calls and stored in bulk (one INSERT of new timers,
    one UPDATE of planned ones)."""

    _inherit = "tma.sla.timer"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------
    @api.model
    def _applicable_rules(self, rules, metric, criticality, fired, level):
        """Escalation rules among ``rules`` (a policy's) that may still fire
        for a commitment of ``metric`` and ``criticality`` at ``level``, once
        the rules in ``fired`` have fired."""
        return rules.filtered(
            lambda r: (
                r.metric == metric
                and (not r.criticality or r.criticality == criticality)
                and r not in fired
                and (not level or r.level_id.sequence > level.sequence)
            )
        )

    @api.model
    def _rules_by_policy(self, policies, levels=None, tickets=None):
        """The escalation rules of ``policies``, by policy, read once with the
        sequences of their levels and of ``levels`` or of the levels of
        ``tickets`` (read only when there are rules to compare them with)."""
        rules = self.env["tma.sla.escalation.rule"].search_fetch(
            [("policy_id", "in", policies.ids)], RULE_TERMS
        )
        if rules:
            levels = levels or self.env["tma.support.level"]
            if tickets:
                tickets.fetch(["tma_support_level_id"])
                levels |= tickets.tma_support_level_id
            (rules.level_id | levels).fetch(["sequence"])
        rules_of = defaultdict(lambda: rules.browse())
        for rule in rules:
            rules_of[rule.policy_id] |= rule
        return rules_of

    @api.model
    def _plan_values(self, items, rules_of):
        """Planned moments of open commitments, in one batch of engine calls.

        ``items``: ``[(key, commitment)]``, a commitment being a dict with
        ``calendar_id``, ``company_id`` (the contract's: its public holidays
        count), ``segment_start``, ``target_minutes``,
        ``used_seconds``, ``status``, ``policy_id``, ``metric``,
        ``criticality``, ``fired`` (rules already applied) and ``level`` (the
        ticket's current level). Returns ``{key: {"deadline" (running
        ones), "next_escalation_date", "next_escalation_rule_id"}}``."""
        requests = []
        slots = []  # (key, kind, rule)
        applicable = {}  # the rules of commitments alike, filtered once
        for key, item in items:
            total = item["target_minutes"] * 60
            start, used = item["segment_start"], item["used_seconds"]
            if item["status"] == "running":
                requests.append(
                    (item["calendar_id"], start, total - used, item["company_id"])
                )
                slots.append((key, "deadline", None))
            alike = (
                item["policy_id"],
                item["metric"],
                item["criticality"],
                item["fired"],
                item["level"],
            )
            if alike not in applicable:
                applicable[alike] = self._applicable_rules(
                    rules_of[item["policy_id"]], *alike[1:]
                )
            for rule in applicable[alike]:
                requests.append(
                    (
                        item["calendar_id"],
                        start,
                        total * rule._share() - used,
                        item["company_id"],
                    )
                )
                slots.append((key, "rule", rule))
        moments = self.env["tma.sla.engine"]._add(requests)
        values = {
            key: {"next_escalation_date": False, "next_escalation_rule_id": False}
            for key, _item in items
        }
        for (key, kind, rule), moment in zip(slots, moments, strict=True):
            vals = values[key]
            if kind == "deadline":
                vals["deadline"] = moment
            elif (
                not vals["next_escalation_date"]
                or moment < vals["next_escalation_date"]
            ):
                vals["next_escalation_date"] = moment
                vals["next_escalation_rule_id"] = rule.id
        return values

    def _plan(self):
        """Store the deadline of running timers and the next escalation of open
        ones, in one batch of engine calls."""
        _logger.debug("plan timers %s", self.ids)
        open_timers = self.filtered(
            lambda t: (
                t.segment_start
                and not t.reached_date
                and t.status in ("running", "breached")
            )
        )
        if not open_timers:
            return
        rules_of = self._rules_by_policy(
            open_timers.policy_id, tickets=open_timers.ticket_id
        )
        no_level = self.env["tma.support.level"]
        items = [
            (
                timer,
                {
                    "calendar_id": timer.calendar_id,
                    "company_id": timer.company_id,
                    "segment_start": timer.segment_start,
                    "target_minutes": timer.target_minutes,
                    "used_seconds": timer.used_seconds,
                    "status": timer.status,
                    "policy_id": timer.policy_id,
                    "metric": timer.metric,
                    "criticality": timer.criticality,
                    # (Read only where the policy has rules to compare.)
                    "fired": rules_of[timer.policy_id] and timer.fired_rule_ids,
                    "level": timer.ticket_id.tma_support_level_id
                    if rules_of[timer.policy_id]
                    else no_level,
                },
            )
            for timer in open_timers
        ]
        self._write_plan(open_timers, self._plan_values(items, rules_of))

    @api.model
    def _write_plan(self, timers, values):
        """Store planned moments of many timers in one UPDATE (each timer has
        its own deadline: an ORM write would cost one query per timer). The
        timers whose plan did not move are not written."""
        rows = {}
        to_string = fields.Datetime.to_string
        for timer in timers:
            vals = values[timer]
            row = {
                "next_escalation_date": vals["next_escalation_date"],
                "next_escalation_rule_id": vals["next_escalation_rule_id"],
            }
            if "deadline" in vals:
                row["deadline"] = vals["deadline"]
            if any(
                to_string(value) != to_string(timer[fname])
                if fname != "next_escalation_rule_id"
                else value != timer[fname].id
                for fname, value in row.items()
            ):
                rows[timer] = row
        self._write_rows(rows)

    @api.model
    def _create_planned(self, vals_list, commitments, rules_of=None):
        """Create timers already planned: ``commitments`` describe them as
        :meth:`_plan_values` reads them, and their planned moments are stored
        with them, so that a new timer is written once.

        Timers are created only here, by the tickets' synchronisation, in
        batches of thousands: one ``INSERT`` of complete rows (the defaults
        asked once per batch, the related partner, company and team given by
        the caller) instead of the ORM's ``default_get`` per record and the
        recomputation of the related fields. When another module overrides
        the timers' ``create`` (or the rows do not all give the same fields,
        or a field is not of a simple type), they go through it instead
        (:func:`~odoo.addons.tma_contract.tools.bulk_sql.create_rows`).
        ``rules_of``: the rules of the commitments' policies, as
        :meth:`_rules_by_policy` gives them (read with their levels' sequences
        by the caller), else read here."""
        if rules_of is None:
            rules_of = self._rules_by_policy(
                self.policy_id.browse({c["policy_id"].id for c in commitments}),
                self.env["tma.support.level"].browse(
                    {c["level"].id for c in commitments} - {False}
                ),
            )
        plans = self._plan_values(list(enumerate(commitments)), rules_of)
        vals_list = [dict(vals, **plans[i]) for i, vals in enumerate(vals_list)]
        timers = create_rows(self, vals_list)
        return self.create(vals_list) if timers is None else timers

    @api.model
    def _write_rows(self, rows):
        """Write per-timer values, ``{timer: {field: value}}``, in one UPDATE
        per set of fields written (one for the whole batch, usually): the
        timers of a batch each get their own deadline, clock or status, which
        an ORM ``write`` would store with one query per timer. Timers have no
        ``write`` override; the cache and the fields that depend on the
        written ones (the tickets' SLA status) are invalidated as an ORM
        write would (:func:`~odoo.addons.tma_contract.tools.bulk_sql.update_rows`)."""
        update_rows(self, rows)
