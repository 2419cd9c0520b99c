# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.tools import SQL

from odoo.addons.tma_contract.models.utils import later_on_conflict, reader_datetime

from .utils import run_isolated


class TmaSlaTimer(models.Model):
    """The timers' cron: breaches notified once each, due escalation rules
    applied, safe with several workers."""

    _inherit = "tma.sla.timer"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Cron: breaches and escalations
    # ------------------------------------------------------------------
    @api.model
    def _claim(self, assignments, condition, order, batch_size):
        """Claim up to ``batch_size`` timers matching ``condition`` (on the
        timers ``s``), in ``order``, and mark them with ``assignments`` in the
        same statement: ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP
        LOCKED) RETURNING id``, so parallel cron workers never take the same
        timers (nor the same tickets, locked with them). Returns the claimed
        timers with a fresh cache."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE tma_sla_timer t
                      SET %s
                    WHERE t.id IN (
                        SELECT s.id FROM tma_sla_timer s
                          JOIN helpdesk_ticket k ON k.id = s.ticket_id
                         WHERE %s
                         ORDER BY %s
                         LIMIT %s
                           FOR UPDATE OF s, k SKIP LOCKED)
                RETURNING t.id""",
                assignments,
                condition,
                order,
                batch_size,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        timers = self.browse(ids)
        timers.invalidate_recordset()
        return timers

    @api.model
    @later_on_conflict("tma_sla.ir_cron_tma_sla_check")
    def _cron_check(self, batch_size=500):
        """Notify new breaches (once each) and apply due escalation rules.

        Idempotent and safe with several cron workers: each batch is claimed
        with ``FOR UPDATE SKIP LOCKED`` and marked in the same statement. The
        claim also locks the timers' tickets, so two workers never notify the
        same ticket at once (their followers and activities would collide).

        A timer whose notification or escalation fails stays claimed and is
        logged: it never blocks the next ones. The cron reports its progress
        and runs again while timers are due (``_trigger`` when called outside
        the cron runner). A timer written by another transaction since this
        one began makes the claim fail (repeatable read, ``SKIP LOCKED`` or
        not): the run is undone and left for a run a minute later
        (``later_on_conflict``), instead of failing the job."""
        now = fields.Datetime.now()
        # What is due, in the words of the timers' partial indexes (init):
        # the claims and the count of what is left read only what is due,
        # whatever the number of timers.
        breach_due = SQL(
            """s.breach_notified IS NOT TRUE
               AND (s.status = 'breached'
                    OR (s.status = 'running' AND s.deadline <= %s))""",
            now,
        )
        escalation_due = SQL(
            "s.next_escalation_date <= %s AND s.reached_date IS NULL", now
        )
        breached = self._claim(
            SQL(
                """breach_notified = TRUE,
                   status = 'breached',
                   breach_date = COALESCE(t.breach_date, t.deadline)"""
            ),
            breach_due,
            SQL("s.deadline"),
            batch_size,
        )
        run_isolated(breached, "_notify_breach")
        due = self._claim(
            SQL("next_escalation_date = NULL"),
            escalation_due,
            SQL("s.next_escalation_date"),
            batch_size,
        )
        run_isolated(due, "_apply_escalation_rules")
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT count(*) FROM (
                       SELECT s.id FROM tma_sla_timer s WHERE %s
                        UNION
                       SELECT s.id FROM tma_sla_timer s WHERE %s) AS left_due""",
                breach_due,
                escalation_due,
            )
        )
        remaining = self.env.cr.fetchone()[0]
        done = len(breached) + len(due)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if remaining and not self.env.context.get("ir_cron_progress_id"):
            self.env.ref("tma_sla.ir_cron_tma_sla_check")._trigger()
        return done

    def _apply_escalation_rules(self):
        """Fire the due escalation rules of these timers, in batches: the rules
        are marked as applied, the tickets below a rule's level move to it (one
        escalation batch per rule, lowest levels first), then the timers of the
        escalated tickets and the due ones are planned once.

        The tickets are written with ``tma_sla_sync_later``: their write does
        not come back into the timers (timer → ticket → timer); this method
        brings the escalated tickets' timers in line itself, once."""
        by_rule = defaultdict(lambda: self.browse())
        for timer in self:
            if timer.next_escalation_rule_id:
                by_rule[timer.next_escalation_rule_id] |= timer
        metrics = dict(self._fields["metric"]._description_selection(self.env))
        escalated = self.env["helpdesk.ticket"]
        for rule in sorted(by_rule, key=lambda r: (r.level_id.sequence, r.id)):
            timers = by_rule[rule]
            timers.write({"fired_rule_ids": [fields.Command.link(rule.id)]})
            reason = _(
                "Rule %(rule)s of the %(metric)s commitment.",
                rule=rule.display_name,
                metric=metrics[rule.metric],
            )
            moving = timers.ticket_id.filtered(
                lambda t, rule=rule: (
                    not t.tma_support_level_id
                    or rule.level_id.sequence > t.tma_support_level_id.sequence
                )
            )
            moving.with_context(tma_sla_sync_later=True)._tma_escalate(
                rule.level_id, reason, rule=rule, timer=timers
            )
            escalated |= moving
        # One plan: the escalated tickets' timers (their next rules follow the
        # new level), and the due timers whose rule moved nothing.
        escalated._tma_sla_sync(plan=self | escalated.tma_sla_timer_ids)

    def _notify_breach(self):
        """A chatter note on the ticket, an activity for the team lead and the
        account manager, and an email to the client where the contract asks;
        for the whole batch: the notes and the activities in one batch per
        round (a ticket gets one note and one activity per user for each of
        its breached commitments), the emails in one rendering."""
        if not self:
            return
        template = self.env.ref(
            "tma_sla.mail_template_tma_sla_breach", raise_if_not_found=False
        )
        activity_type = self.env.ref(
            "tma_sla.mail_activity_type_tma_sla_breach", raise_if_not_found=False
        )
        summaries = {}
        for timer in self:
            contract = timer.ticket_id.tma_contract_id
            env = contract._tma_reader_env()
            metrics = dict(self._fields["metric"]._description_selection(env))
            summaries[timer] = env._(
                "%(metric)s commitment breached (deadline %(deadline)s)",
                metric=metrics[timer.metric],
                deadline=reader_datetime(
                    env,
                    timer.breach_date or timer.deadline,
                    contract._tma_tz().zone if contract else None,
                ),
            )
        # Rounds in which each ticket appears once: a batch of notes is keyed
        # by ticket, and a batch of activities must not subscribe the same
        # follower twice to one ticket.
        rounds = []
        seen = defaultdict(int)
        for timer in self:
            index = seen[timer.ticket_id.id]
            seen[timer.ticket_id.id] += 1
            if index == len(rounds):
                rounds.append([])
            rounds[index].append(timer)
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        today = fields.Date.context_today(self)
        for timers in rounds:
            tickets = self.env["helpdesk.ticket"].browse(t.ticket_id.id for t in timers)
            tickets._message_log_batch(
                bodies={t.ticket_id.id: summaries[t] for t in timers}
            )
            activity_values = []
            for timer in timers:
                users = (
                    timer.ticket_id.team_id.user_id | timer.contract_id.user_id
                ).filtered(lambda u: not u.share)
                activity_values += [
                    {
                        "activity_type_id": activity_type.id
                        if activity_type
                        else False,
                        "summary": summaries[timer],
                        "automated": True,
                        "note": activity_type.default_note if activity_type else False,
                        "date_deadline": today,
                        "res_model_id": model_id,
                        "res_id": timer.ticket_id.id,
                        "user_id": user.id,
                    }
                    for user in users
                ]
            if activity_values:
                self.env["mail.activity"].create(activity_values)
        to_email = self.filtered(
            lambda t: t.contract_id.sla_notify_client and t.ticket_id.partner_id
        )
        if template and to_email:
            template.send_mail_batch(to_email.ids)
