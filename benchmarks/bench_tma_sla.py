#!/usr/bin/env python3
# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of tma_sla: prints figures, asserts nothing about time.

Usage: python3 benchmarks/bench_tma_sla.py -c ODOO_CONF -d DB [--tickets 10000]
       [--timers 100000] [--due 2000] [--kpi-tickets 50000]
       [--steps deadlines,cron,kpis,trends]

The database must have tma_sla and OCA helpdesk_mgmt_sla installed; the
benchmark commits its own data (prefixed "BENCH") into it, so use a throwaway
database (``bash setup/bench.sh sla`` creates one).

Measures, in one run and one database:
1. deadlines of the same tickets by tma_sla and by OCA helpdesk_mgmt_sla. The
   tickets (``--tickets``) are spread over four calendars (Paris with lunch
   break and French holidays, New York, Kolkata, and a 24/7 calendar) and have
   exactly one commitment each on both sides (a 16-hour resolution target), so
   both compute one deadline per ticket:
   - *create*: tma_sla attaches the policy to the contracts (creates and plans
     the timers of all open tickets); helpdesk_mgmt_sla turns SLA on for the
     teams and calls ``set_sla()`` on the same tickets;
   - *recompute*: tma_sla ``_plan()`` on every timer; helpdesk_mgmt_sla
     ``_compute_deadline()`` on every ticket SLA;
2. the breach cron with ``--timers`` running timers (inserted by SQL on tickets
   copied by SQL), of which ``--due`` are past their deadline: one run that
   notifies them (a chatter note, activities; client emails off), a second run
   (idempotence: nothing left), and a run over the same timers when none is due
   (the cron's usual case, every 5 minutes);
3. the KPI report of one contract with ``--kpi-tickets`` tickets (inserted by SQL
   with their met and breached timers): ``_tma_sla_kpis`` for a month and the
   monthly service report (PDF and XLSX);
4. the same tickets spread over 12 months: the trend data of the service
   report (``_tma_sla_trends``, the figures query over the window) against the
   KPIs of one month, and the report with its trend charts.
"""

import argparse
import logging
import resource
import time
from datetime import date

from bench_common import copy_tickets

import odoo
from odoo import Command, fields
from odoo.sql_db import db_connect


def deadlines_oca_create(env, team_ids, ticket_ids):
    """helpdesk_mgmt_sla's deadlines of the tickets: SLA on for their teams,
    ``set_sla()`` on them; return how many ticket SLAs they have."""
    env["helpdesk.ticket.team"].browse(team_ids).write({"use_sla": True})
    env["helpdesk.ticket"].browse(ticket_ids).set_sla()
    return env["helpdesk.ticket.sla"].search_count([("ticket_id", "in", ticket_ids)])


def deadlines_tma_recompute(env, ticket_ids):
    """tma_sla's deadlines of the tickets computed again (``_plan()`` on
    their timers); return how many timers."""
    timers = env["tma.sla.timer"].search([("ticket_id", "in", ticket_ids)])
    timers._plan()
    return len(timers)


def deadlines_oca_recompute(env, ticket_ids):
    """helpdesk_mgmt_sla's deadlines of the tickets computed again
    (``_compute_deadline()`` on their ticket SLAs); return how many."""
    records = env["helpdesk.ticket.sla"].search([("ticket_id", "in", ticket_ids)])
    records._compute_deadline()
    return len(records)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--tickets", type=int, default=10000)
    parser.add_argument("--timers", type=int, default=100000)
    parser.add_argument("--due", type=int, default=2000)
    parser.add_argument("--kpi-tickets", type=int, default=50000)
    parser.add_argument(
        "--steps",
        default="deadlines,cron,kpis,trends",
        help="comma-separated steps to run (the later ones need deadlines)",
    )
    return parser.parse_args()


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Bench:
    def __init__(self, dbname):
        self.dbname = dbname
        self.registry = odoo.modules.registry.Registry(dbname)
        from odoo.addons.tma_contract.tools import workers as common

        self._committed_env = common.committed_env

    def timed(self, label, func):
        """Run func(env) in one committed transaction; return (seconds, queries,
        result)."""
        with db_connect(self.dbname).cursor() as cr:
            env = self._committed_env(self.registry, cr)
            start_queries = cr.sql_log_count
            start = time.perf_counter()
            result = func(env)
            env.flush_all()
            seconds = time.perf_counter() - start
            queries = cr.sql_log_count - start_queries
            cr.commit()  # pylint: disable=invalid-commit
        print(f"  {label}: {seconds:.2f} s, {queries} queries", flush=True)
        return seconds, queries, result

    # ------------------------------------------------------------------
    # 1. Deadlines: tma_sla against helpdesk_mgmt_sla
    # ------------------------------------------------------------------
    def setup_deadlines(self, env, count):
        fr = env.ref("tma_sla.resource_calendar_tma_fr")
        calendars = [
            fr,
            fr.copy({"name": "BENCH New York", "tz": "America/New_York"}),
            fr.copy({"name": "BENCH Kolkata", "tz": "Asia/Kolkata"}),
            env["resource.calendar"].create(
                {
                    "name": "BENCH 24/7",
                    "tz": "UTC",
                    "attendance_ids": [Command.clear()]
                    + [
                        Command.create(
                            {
                                "name": str(d),
                                "dayofweek": str(d),
                                "hour_from": 0,
                                "hour_to": 24,
                            }
                        )
                        for d in range(7)
                    ],
                }
            ),
        ]
        policy = env["tma.sla.policy"].create(
            {
                "name": "BENCH policy",
                "calendar_id": fr.id,
                "target_ids": [
                    Command.create(
                        {
                            "criticality": crit,
                            "metric": "resolution",
                            "duration": 16,
                            "duration_unit": "hour",
                        }
                    )
                    for crit in ("blocking", "major", "minor")
                ],
            }
        )
        contracts = env["tma.contract"]
        teams = env["helpdesk.ticket.team"]
        slas = env["helpdesk.sla"]
        for index, calendar in enumerate(calendars * 2):
            partner = env["res.partner"].create(
                {"name": f"BENCH client {index}", "is_company": True}
            )
            team = env["helpdesk.ticket.team"].create(
                {"name": f"BENCH team {index}", "resource_calendar_id": calendar.id}
            )
            contract = env["tma.contract"].create(
                {
                    "partner_id": partner.id,
                    "mode": "ticket_book",
                    "date_start": fields.Date.today(),
                    "team_ids": [Command.set(team.ids)],
                    "sla_calendar_id": calendar.id,
                }
            )
            contract.action_activate()
            slas |= env["helpdesk.sla"].create(
                {
                    "name": f"BENCH SLA {index}",
                    "team_ids": [Command.set(team.ids)],
                    "hours": 16,
                    "stage_id": env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
                }
            )
            contracts |= contract
            teams |= team
        Ticket = env["helpdesk.ticket"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        tickets = env["helpdesk.ticket"]
        per_contract = count // len(contracts)
        for contract, team in zip(contracts, teams, strict=True):
            for chunk in range(0, per_contract, 500):
                tickets |= Ticket.create(
                    [
                        {
                            "name": f"BENCH ticket {contract.id}-{chunk + i}",
                            "description": "<p>x</p>",
                            "partner_id": contract.partner_id.id,
                            "team_id": team.id,
                            "tma_contract_id": contract.id,
                            "priority": str(i % 4),
                        }
                        for i in range(min(500, per_contract - chunk))
                    ]
                )
        # Spread the creation dates over four weeks (DST, holidays, nights).
        env.flush_all()
        env.cr.execute(
            """UPDATE helpdesk_ticket
                  SET create_date = TIMESTAMP '2026-10-19 06:00'
                                    + (id %% 40000) * interval '1 minute'
                WHERE id IN %s""",
            (tuple(tickets.ids),),
        )
        env.invalidate_all()
        return {
            "contracts": contracts.ids,
            "teams": teams.ids,
            "tickets": tickets.ids,
            "policy": policy.id,
        }

    def bench_deadlines(self, count):
        print(f"\n1. Deadlines of {count} tickets over 4 calendars", flush=True)
        _s, _q, ids = self.timed(
            "set-up (contracts, teams, tickets)",
            lambda env: self.setup_deadlines(env, count),
        )
        n = len(ids["tickets"])

        def tma_create(env):
            env["tma.contract"].browse(ids["contracts"]).with_context(
                tracking_disable=True
            ).write({"sla_policy_id": ids["policy"]})
            return env["tma.sla.timer"].search_count(
                [("ticket_id", "in", ids["tickets"])]
            )

        def oca_create(env):
            return deadlines_oca_create(env, ids["teams"], ids["tickets"])

        def tma_recompute(env):
            return deadlines_tma_recompute(env, ids["tickets"])

        def oca_recompute(env):
            return deadlines_oca_recompute(env, ids["tickets"])

        rows = []
        for label, tma, oca in (
            ("create", tma_create, oca_create),
            ("recompute", tma_recompute, oca_recompute),
        ):
            t_s, t_q, t_n = self.timed(f"tma_sla {label} ({n} tickets)", tma)
            o_s, o_q, o_n = self.timed(f"helpdesk_mgmt_sla {label} ({n} tickets)", oca)
            rows.append((label, t_n, t_s, t_q, o_n, o_s, o_q))
        print(
            "\n| step | deadlines (tma / OCA) | tma_sla s | queries | OCA s | "
            "queries | ms per deadline (tma / OCA) | ratio |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, t_n, t_s, t_q, o_n, o_s, o_q in rows:
            print(
                f"| {label} | {t_n} / {o_n} | {t_s:.2f} | {t_q} | {o_s:.2f} | {o_q} | "
                f"{1000 * t_s / max(t_n, 1):.3f} / {1000 * o_s / max(o_n, 1):.3f} | "
                f"{o_s / t_s:.1f}× |"
            )
        return ids

    # ------------------------------------------------------------------
    # 2. Breach cron
    # ------------------------------------------------------------------
    def bench_cron(self, ids, timers, due):
        print(f"\n2. Breach cron over {timers} running timers ({due} due)", flush=True)

        def setup(env):
            env.cr.execute(
                "UPDATE ir_cron SET active = FALSE WHERE id = %s",
                (env.ref("tma_sla.ir_cron_tma_sla_check").id,),
            )
            env["tma.contract"].browse(ids["contracts"]).write(
                {"sla_notify_client": False}
            )
            # The tickets of part 1 are resolved first: only the timers below
            # run, and exactly ``due`` of them are late.
            env.cr.execute(
                """UPDATE tma_sla_timer
                      SET status = 'met', reached_date = now() at time zone 'utc',
                          next_escalation_date = NULL
                    WHERE ticket_id = ANY(%s)""",
                (ids["tickets"],),
            )
            tickets = copy_tickets(env.cr, ids["tickets"], timers // 4 + 1)
            env.cr.execute(
                """INSERT INTO tma_sla_timer
                       (ticket_id, contract_id, partner_id, company_id, team_id,
                        policy_id, metric, criticality, calendar_id, target_minutes,
                        start_date, segment_start, used_seconds, deadline, status,
                        create_date, write_date, create_uid, write_uid)
                   SELECT t.id, t.tma_contract_id, c.partner_id, c.company_id,
                          t.team_id, %(policy)s, m.metric, 'minor', NULL, 960,
                          now() at time zone 'utc', now() at time zone 'utc', 0,
                          now() at time zone 'utc' + interval '30 days',
                          'running', now(), now(), 1, 1
                     FROM helpdesk_ticket t
                     JOIN tma_contract c ON c.id = t.tma_contract_id
                     JOIN (VALUES ('acknowledgement'), ('first_response'),
                                  ('workaround'), ('resolution')) AS m(metric)
                          ON TRUE
                    WHERE t.id = ANY(%(tickets)s)
                    LIMIT %(limit)s
                RETURNING id""",
                {"policy": ids["policy"], "tickets": tickets, "limit": timers},
            )
            timer_ids = [r[0] for r in env.cr.fetchall()]
            env.cr.execute(
                """UPDATE tma_sla_timer
                      SET deadline = now() at time zone 'utc' - interval '1 hour'
                    WHERE id = ANY(%s)""",
                (timer_ids[:due],),
            )
            env.cr.execute("ANALYZE tma_sla_timer")
            return len(timer_ids)

        self.timed("set-up (tickets and timers by SQL)", setup)

        def run_cron(env):
            done = 0
            while True:
                n = (
                    env["tma.sla.timer"]
                    .with_context(tracking_disable=True, mail_notify_force_send=False)
                    ._cron_check(batch_size=500)
                )
                done += n
                if not n:
                    return done

        s1, q1, n1 = self.timed("run notifying the due timers", run_cron)
        s2, q2, n2 = self.timed("second run (idempotence)", run_cron)
        s3, q3, n3 = self.timed("run with nothing due", run_cron)
        print("\n| run | timers processed | seconds | queries | timers/s |")
        print("|---|---:|---:|---:|---:|")
        for label, s, q, n in (
            (f"{due} due among {timers} running", s1, q1, n1),
            ("again right after", s2, q2, n2),
            ("none due", s3, q3, n3),
        ):
            rate = f"{n / s:.0f}" if n else "-"
            print(f"| {label} | {n} | {s:.2f} | {q} | {rate} |")

    # ------------------------------------------------------------------
    # 3. KPI report of a large contract
    # ------------------------------------------------------------------
    def bench_kpis(self, ids, count):
        print(f"\n3. KPI report of a contract with {count} tickets", flush=True)
        contract_id = ids["contracts"][0]

        def setup(env):
            tickets = copy_tickets(
                env.cr,
                env["helpdesk.ticket"]
                .search([("tma_contract_id", "=", contract_id)], limit=100)
                .ids,
                count,
            )
            env.cr.execute(
                """UPDATE helpdesk_ticket
                      SET tma_contract_id = %s,
                          create_date = TIMESTAMP '2026-10-01'
                                        + (id %% 30) * interval '1 day'
                                        + (id %% 600) * interval '1 minute',
                          closed_date = CASE WHEN id %% 5 = 0 THEN NULL
                                        ELSE TIMESTAMP '2026-10-01'
                                             + (id %% 30) * interval '1 day'
                                             + interval '5 hours' END
                    WHERE id = ANY(%s)""",
                (contract_id, tickets),
            )
            env.cr.execute(
                """INSERT INTO tma_sla_timer
                       (ticket_id, contract_id, partner_id, company_id, team_id,
                        policy_id, metric, criticality, target_minutes, start_date,
                        used_seconds, deadline, reached_date, elapsed_minutes,
                        status, breach_date, breach_notified,
                        create_date, write_date, create_uid, write_uid)
                   SELECT t.id, t.tma_contract_id, c.partner_id, c.company_id,
                          t.team_id, %(policy)s, m.metric,
                          (ARRAY['blocking', 'major', 'minor'])[1 + t.id %% 3],
                          960, t.create_date, 0,
                          t.create_date + interval '16 hours',
                          t.create_date + (t.id %% 1200) * interval '1 minute',
                          t.id %% 1200,
                          CASE WHEN t.id %% 1200 > 960 THEN 'breached' ELSE 'met' END,
                          CASE WHEN t.id %% 1200 > 960
                               THEN t.create_date + interval '16 hours' END,
                          t.id %% 1200 > 960,
                          now(), now(), 1, 1
                     FROM helpdesk_ticket t
                     JOIN tma_contract c ON c.id = t.tma_contract_id
                     JOIN (VALUES ('acknowledgement'), ('first_response'),
                                  ('workaround'), ('resolution')) AS m(metric)
                          ON TRUE
                    WHERE t.id = ANY(%(tickets)s)""",
                {"policy": ids["policy"], "tickets": tickets},
            )
            env.cr.execute("ANALYZE helpdesk_ticket")
            env.cr.execute("ANALYZE tma_sla_timer")
            return len(tickets)

        self.timed("set-up (tickets and timers by SQL)", setup)
        month = (date(2026, 10, 1), date(2026, 10, 31))
        s1, q1, kpis = self.timed(
            "_tma_sla_kpis (October)",
            lambda env: env["tma.contract"].browse(contract_id)._tma_sla_kpis(*month),
        )
        s2, q2, _r = self.timed(
            "monthly service report (KPIs, PDF and XLSX)",
            lambda env: env["tma.sla.service.report"]._generate_for(
                env["tma.contract"].browse(contract_id), month[0]
            ),
        )
        print("\n| step | seconds | queries |")
        print("|---|---:|---:|")
        print(
            f"| KPIs of the month ({kpis['opened']} tickets opened) | {s1:.2f} | {q1} |"
        )
        print(f"| service report, PDF + XLSX | {s2:.2f} | {q2} |")

    # ------------------------------------------------------------------
    # 4. Trends over 12 months
    # ------------------------------------------------------------------
    def bench_trends(self, ids):
        contract_id = ids["contracts"][0]
        print("\n4. Trends of the same contract over 12 months", flush=True)

        def spread(env):
            # The tickets of step 3 and their timers, spread over the 12
            # months ending in October 2026 (same ticket, same month shift).
            env.cr.execute(
                """UPDATE helpdesk_ticket
                      SET create_date = create_date - (id %% 12) * interval '1 month',
                          closed_date = closed_date - (id %% 12) * interval '1 month'
                    WHERE tma_contract_id = %s""",
                (contract_id,),
            )
            env.cr.execute(
                """UPDATE tma_sla_timer s
                      SET start_date = s.start_date - m.shift,
                          deadline = s.deadline - m.shift,
                          reached_date = s.reached_date - m.shift,
                          breach_date = s.breach_date - m.shift
                     FROM (SELECT id, (id %% 12) * interval '1 month' AS shift
                             FROM helpdesk_ticket) AS m
                    WHERE m.id = s.ticket_id
                      AND s.contract_id = %s""",
                (contract_id,),
            )
            env.cr.execute("ANALYZE helpdesk_ticket")
            env.cr.execute("ANALYZE tma_sla_timer")

        self.timed("set-up (12 months of history)", spread)
        month = (date(2026, 10, 1), date(2026, 10, 31))
        s1, q1, _k = self.timed(
            "_tma_sla_kpis (one month)",
            lambda env: env["tma.contract"].browse(contract_id)._tma_sla_kpis(*month),
        )
        s2, q2, trends = self.timed(
            "_tma_sla_trends (12 months)",
            lambda env: (
                env["tma.contract"].browse(contract_id)._tma_sla_trends(month[1])
            ),
        )
        s3, q3, _r = self.timed(
            "monthly service report with trends (KPIs, PDF and XLSX)",
            lambda env: env["tma.sla.service.report"]._generate_for(
                env["tma.contract"].browse(contract_id), month[0]
            ),
        )
        print("\n| step | seconds | queries |")
        print("|---|---:|---:|")
        print(f"| KPIs of one month | {s1:.2f} | {q1} |")
        print(
            f"| trends of 12 months ({sum(trends['opened'])} tickets opened) "
            f"| {s2:.2f} | {q2} |"
        )
        print(
            f"| 12 x the KPIs of one month (what trends avoid) | {12 * s1:.2f} "
            f"| {12 * q1} |"
        )
        print(f"| service report with trends, PDF + XLSX | {s3:.2f} | {q3} |")


def main():
    args = parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    bench = Bench(args.database)
    started = time.perf_counter()
    steps = set(args.steps.split(","))
    ids = bench.bench_deadlines(args.tickets)
    if "cron" in steps:
        bench.bench_cron(ids, args.timers, args.due)
    if "kpis" in steps:
        bench.bench_kpis(ids, args.kpi_tickets)
    if "trends" in steps:
        bench.bench_trends(ids)
    print(
        f"\nTotal {time.perf_counter() - started:.0f} s, "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
