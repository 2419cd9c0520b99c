# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models


class TmaReviewDemo(models.AbstractModel):
    """Demo of the service review loop on Gamma's contract (French texts, the
    client is French): rated tickets, a ticket waiting for its rating,
    improvement actions (proposed, open, overdue, done), two past reviews
    with approved minutes, one waiting for the client's approval and the next
    ones scheduled by the cron. Built once, through the users' methods."""

    _name = "tma.review.demo"
    _description = "TMA review loop demo data builder"

    @api.model
    def _build(self):
        ref = self.env.ref
        contract = self.env["tma.contract"].search(
            [("partner_id", "=", ref("tma_contract.partner_gamma").id)], limit=1
        )
        if not contract or contract.review_type_ids:
            return False
        contact = ref("tma_contract.partner_gamma_contact")
        admin = ref("base.user_admin")
        engineer = ref("tma_contract.user_tma_engineer")
        done = ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        today = fields.Date.context_today(self)

        def closed_ticket(name, kind="assistance"):
            ticket = self.env["helpdesk.ticket"].create(
                {
                    "name": name,
                    "description": f"<p>{name}</p>",
                    "partner_id": contact.id,
                    "team_id": ref("tma_contract.team_tma").id,
                    "tma_contract_id": contract.id,
                    "tma_application_id": ref("tma_contract.app_gamma_erp").id,
                    "tma_maintenance_type_id": ref(
                        f"tma_contract.maintenance_type_{kind}"
                    ).id,
                    "user_id": engineer.id,
                }
            )
            ticket.stage_id = done
            return ticket

        # Satisfaction: two rated tickets (one low: it proposes an action),
        # one waiting for the client's rating.
        sepa = closed_ticket(
            "Lettrage automatique en échec sur les virements SEPA", "corrective"
        )
        sepa._tma_portal_rate(contact, 5, "Correction rapide et bien expliquée, merci.")
        closed_ticket("Bon de livraison imprimé sans le logo")._tma_portal_rate(
            contact,
            1,
            "Trois relances avant d'avoir une réponse, et le correctif a dû "
            "être refait.",
        )
        # An incident closed, its intervention report sent to the client (the
        # client has not rated it yet), and one still to write.
        vat = closed_ticket("Export comptable : colonne TVA décalée", "corrective")
        vat.tma_intervention_report_ids.write(
            {
                "diagnosis": "<p>Le module d'export lisait les taux de TVA dans "
                "l'ordre de création et non par code : l'ajout d'un taux en "
                "octobre a décalé la colonne.</p>",
                "actions_done": "<p>Correctif de l'export (lecture par code de "
                "taxe), test sur les exports d'octobre et de novembre, "
                "régénération des deux fichiers.</p>",
                "fix_kind": "patch",
                "validated_by": "Léa Moreau (comptabilité)",
                "environment_id": ref("tma_contract.env_gamma_erp_prod").id,
                "time_spent": 3.5,
                "follow_up": "<p>Contrôler l'export de décembre à la clôture "
                "mensuelle.</p>",
            }
        )
        vat.tma_intervention_report_ids.action_send()
        sepa.tma_intervention_report_ids.write(
            {
                "diagnosis": "<p>Le format du relevé bancaire a changé "
                "(libellés tronqués).</p>",
                "fix_kind": "configuration",
            }
        )

        # Improvement actions.
        Action = self.env["tma.improvement.action"]
        overdue = Action.create(
            {
                "name": "Sonde de supervision sur le traitement des relances",
                "contract_id": contract.id,
                "origin": "recurring",
                "owner_side": "provider",
                "user_id": engineer.id,
                "date_due": today + timedelta(days=1),
                "description": "<p>Trois incidents en deux mois sur le même "
                "traitement : une alerte doit prévenir l'équipe avant le "
                "client.</p>",
            }
        )
        overdue.action_open()
        # Created six weeks ago, due two weeks ago: overdue.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE tma_improvement_action SET create_date = %s, date_due = %s "
            "WHERE id = %s",
            (
                fields.Datetime.now() - timedelta(days=42),
                today - timedelta(days=14),
                overdue.id,
            ),
        )
        overdue.invalidate_recordset()
        Action.create(
            {
                "name": "Fournir un jeu de données de recette anonymisé",
                "contract_id": contract.id,
                "origin": "request",
                "owner_side": "client",
                "owner_partner_id": contact.id,
                "user_id": admin.id,
                "date_due": today + timedelta(days=20),
            }
        ).action_open()

        # Reviews: monthly operational, quarterly steering.
        Type = self.env["tma.review.type"]
        attendees = {
            "provider_user_ids": [Command.set((admin | engineer).ids)],
            "client_partner_ids": [Command.set(contact.ids)],
            "location": "Visioconférence",
        }
        first_of_month = today.replace(day=1)
        next_review = datetime.combine(
            first_of_month + relativedelta(months=1, days=4), time(8, 0)
        )
        operational = Type.create(
            dict(
                attendees,
                name="Comité opérationnel",
                contract_id=contract.id,
                kind="operational",
                cadence_months=1,
                next_date=next_review,
            )
        )
        Type.create(
            dict(
                attendees,
                name="Comité de pilotage",
                contract_id=contract.id,
                kind="steering",
                cadence_months=3,
                next_date=next_review + relativedelta(months=2),
                duration_hours=2.0,
            )
        )
        Review = self.env["tma.review"]
        past = []
        for months_ago in (3, 2, 1):
            review_date = datetime.combine(
                first_of_month
                - relativedelta(months=months_ago - 1)
                + timedelta(days=4),
                time(8, 0),
            )
            review = Review.create(
                Review._prepare_review_values(operational, review_date)
            )
            review._schedule_event()
            review._fill_agenda()
            review.action_held()
            past.append(review)
        minutes = [
            (
                "<p>Revue des incidents du mois : deux incidents bloquants, "
                "résolus dans les délais. Le client signale des lenteurs sur "
                "l'export comptable.</p>",
                "<p>Analyser les lenteurs de l'export comptable avant le "
                "prochain comité.</p>",
            ),
            (
                "<p>L'analyse des lenteurs montre un index manquant ; le "
                "correctif est en recette. Le taux de respect des engagements "
                "remonte.</p>",
                "<p>Mise en production du correctif la semaine prochaine. "
                "Supervision du traitement des relances à mettre en place.</p>",
            ),
            (
                "<p>Un engagement de résolution manqué sur le rapport de "
                "valorisation du stock ; une pénalité s'applique selon le "
                "contrat. La satisfaction reste bonne malgré une note "
                "basse.</p>",
                "<p>Le prestataire présente un plan d'action sur les relances "
                "au prochain comité.</p>",
            ),
        ]
        for review, (text, decisions) in zip(past, minutes, strict=True):
            review.write({"minutes": text, "decisions": decisions})
            review.action_submit_minutes()
        # The two oldest approved by the client; the last one waits for it.
        for review in past[:2]:
            review._portal_approve(contact)
        done_action = Action.create(
            {
                "name": "Ajouter l'index manquant sur les écritures comptables",
                "contract_id": contract.id,
                "origin": "review",
                "review_id": past[0].id,
                "owner_side": "provider",
                "user_id": engineer.id,
                "date_due": today + timedelta(days=5),
                "evidence": "<p>Export comptable passé de 4 min à 20 s "
                "(mesure en recette puis en production).</p>",
            }
        )
        done_action.action_open()
        done_action.action_done()
        # Quarterly surveys: the one before last answered, the last one
        # waiting for the client.
        quarter = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        Survey = self.env["tma.satisfaction.survey"]
        for quarters_ago in (2, 1):
            start = quarter - relativedelta(months=3 * quarters_ago)
            survey = Survey.create(
                {
                    "contract_id": contract.id,
                    "date_from": start,
                    "date_to": start + relativedelta(months=3, days=-1),
                }
            )
            survey._portal_ensure_token()
            if quarters_ago == 2:
                survey._portal_answer(
                    contact,
                    {
                        "quality": "4",
                        "responsiveness": "3",
                        "advice": "4",
                        "communication": "5",
                        "comment": "Équipe compétente ; les délais de "
                        "réponse sur les demandes mineures restent longs.",
                    },
                )
        # The cron schedules the coming reviews (meetings with agenda) and
        # raises the overdue action's activity.
        Review._cron_schedule_reviews()
        Action._cron_overdue_actions()
        # The service reports built earlier in the demo now show the ratings
        # and the actions (their PDF is printed by the PDF cron).
        contract.sla_report_ids._render()
        return True
