# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The English text of the demo records written in French, for an
English-only demo (``bash setup/demo.sh --english``):

    python3 setup/demo_english.py -c ODOO_CONF -d DATABASE

The demo data is French first (its clients are French); this rewrites the
French texts of the demo's records (tickets, contracts, documents, messages)
in English, once, on a database just built without French: the records'
fields by xmlid (RECORDS), and the texts the demo's function calls write by
the French text itself (TEXTS), wherever they or copies of them landed. Keep
it in step with the demo XML files: ``tests/test_repository.py`` checks that
every record and text named here is in them, and that every French text they
write is named here.
"""

import argparse
import base64
import sys


def p(text):
    return f"<p>{text}</p>"


# xmlid -> {field: English value}
RECORDS = {
    "tma_contract.app_beta_portal": {"name": "Beta patient portal"},
    "tma_contract.app_gamma_erp": {"name": "Gamma ERP"},
    "tma_contract.env_alpha_wms_preprod": {"name": "Pre-production"},
    "tma_contract.contract_beta": {"title": "Patient portal maintenance"},
    "tma_contract.contract_gamma": {"title": "Gamma ERP fixed-price maintenance"},
    "tma_contract.ticket_beta_reminders": {
        "name": "Appointment reminders not sent",
        "description": p(
            "Since Monday, patients no longer receive the reminder text the day "
            "before their appointment. Appointments booked online are affected, "
            "not those entered by the front desk."
        ),
    },
    "tma_contract.ticket_beta_export": {
        "name": "Export consultations to CSV",
        "description": p(
            "The quality department wants to export the list of consultations "
            "(date, practitioner, reason) every month to a CSV file Excel reads."
        ),
    },
    "tma_contract.ticket_gamma_numbering": {
        "name": "Invoice numbering gap after upgrade",
        "description": p(
            "After the weekend's upgrade, invoice numbers jump from FAC/2026/0412 "
            "to FAC/2026/0415. The accounting firm asks for a written explanation."
        ),
    },
    "tma_contract.document_beta_source": {"name": "Source code repository"},
    "tma_contract.document_beta_architecture": {
        "name": "Architecture of the patient portal"
    },
    "tma_contract.document_beta_runbook": {"name": "Installation and run book"},
    "tma_contract.document_beta_inventory": {
        "name": "Environment and access inventory"
    },
    "tma_contract.document_gamma_runbook": {"name": "ERP run book"},
    "tma_contract.document_gamma_test": {"name": "Upgrade test plan"},
    "tma_sla.ticket_gamma_payment_run": {
        "name": "Payment run blocked by a locked journal",
        "description": p(
            "The supplier payment run stops on 'locked journal'. The month-end "
            "transfers must go out today."
        ),
    },
    "tma_sla.ticket_gamma_vat": {
        "name": "Wrong VAT on credit notes",
        "description": p(
            "Credit notes issued since the 1st of the month carry 10 % VAT "
            "instead of 20 %."
        ),
    },
    "tma_sla.ticket_gamma_statement": {
        "name": "Customer statement shows old address",
        "description": p(
            "The account statement sent to customers shows the head office "
            "address instead of the invoicing address."
        ),
    },
    "tma_sla.ticket_gamma_valuation": {
        "name": "Stock valuation report times out",
        "description": p(
            "The stock valuation report fails on a timeout; the month-end stock "
            "count depends on it."
        ),
    },
    # tma_contract/demo/tma_amendment_demo.xml
    "tma_contract.amendment_alpha_volume": {
        "description": "Automatic replenishment goes live: the estimated monthly "
        "volume rises from 8 to 12 units."
    },
    "tma_contract.amendment_alpha_extension": {
        "description": "The contract is extended by one year and functional "
        "support to the warehouse's users is added to the scope."
    },
    # tma_contract/demo/tma_preventive_demo.xml
    "tma_contract.preventive_plan_gamma_security": {
        "name": "Monthly security audit of the ERP",
        "checklist_template": "System security patches applied\n"
        "Inactive accounts disabled\n"
        "Administrator rights reviewed\n"
        "Access logs analysed\n"
        "TLS certificates valid for more than 30 days",
    },
    "tma_contract.preventive_finding_gamma_tls": {
        "name": "The server still accepts TLS 1.0",
        "recommendation": "Disable TLS 1.0 and 1.1 on the web front end and "
        "accept only TLS 1.2 and 1.3.",
    },
    "tma_contract.preventive_finding_gamma_accounts": {
        "name": "Three former employees' accounts still active",
        "recommendation": "Tie the disabling of accounts to HR's leaving procedure.",
    },
    "tma_contract.preventive_plan_gamma_backup": {
        "name": "Quarterly backup and restore test",
        "checklist_template": "Last night's backup present and complete\n"
        "Restore on the acceptance environment\n"
        "Consistency check of the restored database\n"
        "Restore time measured and compared with the target",
    },
    "tma_contract.preventive_plan_gamma_upgrade": {
        "name": "Yearly review of versions and obsolescence",
        "checklist_template": "Component versions recorded\n"
        "End-of-support dates checked\n"
        "Upgrade plan proposed",
    },
    "tma_contract.component_gamma_postgresql": {
        "notes": "The ERP's production database: the upgrade to version 16 is "
        "to be planned with the client."
    },
    # tma_contract/demo/tma_evolution_modes_demo.xml
    "tma_contract.app_gamma_b2b": {"name": "Gamma B2B shop"},
    "tma_contract.ticket_gamma_b2b_stock": {
        "name": "Show the available stock on the B2B shop",
        "description": p(
            "Resellers want to see each item's available stock before they "
            "order, updated every hour."
        ),
    },
    "tma_contract.ticket_gamma_b2b_prices": {
        "name": "Negotiated prices per customer on the B2B shop",
        "description": p(
            "Each reseller must see the prices of its negotiated price list on "
            "the shop, not the public prices."
        ),
    },
    "tma_contract.ticket_beta_teleconsultation": {
        "name": "Online booking of teleconsultations",
        "description": p(
            "Patients must be able to choose a teleconsultation when they book "
            "an appointment online, and receive the video call's link in their "
            "confirmation."
        ),
    },
    # tma_reversibility/demo/tma_takeon_demo.xml
    "tma_reversibility.app_epsilon_shipping": {"name": "Shipping management"},
    "tma_reversibility.contract_epsilon": {
        "title": "Take-on of the shipping application's TMA"
    },
    # tma_sla/demo/tma_review_demo.xml
    "tma_sla.ticket_gamma_sepa": {
        "name": "Automatic reconciliation fails on SEPA transfers",
        "description": p("Automatic reconciliation fails on SEPA transfers"),
    },
    "tma_sla.ticket_gamma_delivery_logo": {
        "name": "Delivery slip printed without the logo",
        "description": p("Delivery slip printed without the logo"),
    },
    "tma_sla.ticket_gamma_vat_export": {
        "name": "Accounting export: VAT column shifted",
        "description": p("Accounting export: VAT column shifted"),
    },
    "tma_sla.action_gamma_dunning_probe": {
        "name": "Monitoring probe on the dunning job",
        "description": p(
            "Three incidents in two months on the same job: an alert must warn "
            "the team before the client does."
        ),
    },
    "tma_sla.action_gamma_test_dataset": {
        "name": "Provide an anonymised acceptance test data set"
    },
    "tma_sla.review_type_gamma_operational": {
        "name": "Operational committee",
        "location": "Video conference",
    },
    "tma_sla.review_type_gamma_steering": {
        "name": "Steering committee",
        "location": "Video conference",
    },
    "tma_sla.action_gamma_accounting_index": {
        "name": "Add the missing index on journal items",
        "evidence": p(
            "Accounting export down from 4 min to 20 s (measured in acceptance, "
            "then in production)."
        ),
    },
    # tma_sla/demo/tma_sla_availability_demo.xml
    "tma_sla.outage_gamma_erp_database": {
        "name": "Production database full: ERP unavailable",
        "description": p(
            "The database's log disk was full: the ERP no longer accepted any "
            "write. Logs archived, space extended, service restored at 8 a.m."
        ),
    },
    "tma_sla.outage_gamma_erp_upgrade": {
        "name": "Planned maintenance window: system patches"
    },
    "tma_sla.outage_alpha_wms_preprod": {
        "name": "Acceptance environment being updated"
    },
}

# The demo's documents (text files, tma_*/demo/files/) -> their English
# text, by xmlid and binary field.
FILES = {
    "tma_contract.document_beta_architecture": {
        "file": """Architecture of the patient portal - Beta Santé

- Django 4.2 application (Python 3.11) behind nginx, two instances.
- PostgreSQL 15 database in primary/standby replication.
- Reminder texts sent through a Celery queue (Redis), a job scheduled the day
  before at 6 p.m.
- Patients log in with a one-time link sent by email.
- Encrypted daily backups, kept for 35 days.
"""
    },
    "tma_contract.document_beta_inventory": {
        "file": """Environment and access inventory - Beta Santé

Production      portail.beta-sante.example.com      VPN access + personal SSH key
Pre-production  recette.beta-sante.example.com      VPN access
Code repository git.beta-sante.example.com          personal accounts,
                                                    to hand over to the successor
Monitoring      supervision.beta-sante.example.com  service account tma-beta
"""
    },
    "tma_contract.document_beta_runbook": {
        "file": """Installation and run book - Beta patient portal

1. Deploy: git pull, pip install -r requirements.txt, Django migrations,
   restart the two instances one after the other.
2. Send a day's SMS reminders again: Celery job "rappels" with the date as parameter.
3. Restore a backup: procedure in the appendix, measured duration 40 minutes.
4. On-call duty: the number and the call order are in the access inventory.
"""
    },
    "tma_contract.document_gamma_runbook": {
        "file": """Run book of the Gamma ERP

- Database backup every night at 2 a.m., off-site copy.
- Month-end closing: check the invoice sequence before the accounting export.
- Upgrade: on pre-production first, with the test plan.
"""
    },
    "tma_contract.document_gamma_test": {
        "file": """Upgrade test plan - Gamma ERP

1. Enter and validate a customer invoice, check its number.
2. Credit note on an invoice, reconciliation and accounting export.
3. Supplier receipt and stock valuation.
4. Customer statement: invoicing address and balance.
"""
    },
    "tma_contract.attachment_gamma_b2b_purchase_order": {
        "datas": """Purchase order BC-GD-2026-0457 - Gamma Distribution

Subject: negotiated prices per customer on the B2B shop, as quoted by the
provider (3 units of work at EUR 105.00 excluding taxes).

Approved, signed by Léa Moreau for Gamma Distribution.
"""
    },
    "tma_reversibility.attachment_beta_data_attestation": {
        "datas": """Data return attestation

The client's data is returned to it; the copies held by the provider are destroyed.
"""
    },
}

# The French texts the demo's <function> calls write (message bodies, a
# business method's arguments, writes on records found by a search: records
# without an xmlid) -> English. They are replaced wherever they landed, as are
# the French values of RECORDS that methods copied (a ticket opened from a
# finding, a review named after its type, a message quoting a rating).
TEXTS = {
    # tma_sla/demo/tma_sla_demo.xml: messages on tickets
    "Pourriez-vous nous transmettre un exemple d'avoir concerné ?": (
        "Could you send us an example of an affected credit note?"
    ),
    "Corrigé : le relevé reprend désormais l'adresse de facturation.": (
        "Fixed: the statement now shows the invoicing address."
    ),
    # tma_contract/demo/tma_evolution_modes_demo.xml: the reason of an
    # approval recorded on the client's behalf (written in the reader's
    # language at install: the journal of acts keeps it)
    "Bon pour accord signé sur le bon de commande, reçu par courrier.": (
        "Approval signed on the purchase order, received by post."
    ),
    # ... and Beta's estimate in hours: its justification and its parts
    "Un choix du type de consultation à la prise de rendez-vous, le lien de "
    "visio dans la confirmation et la recette avec le secrétariat.": (
        "A choice of the kind of consultation when booking, the video call's "
        "link in the confirmation and acceptance testing with the front desk."
    ),
    "Choix de la téléconsultation et lien de visio": (
        "Choice of a teleconsultation and video call link"
    ),
    "Recette avec le secrétariat": "Acceptance testing with the front desk",
    # tma_reversibility/demo/tma_reversibility_demo.xml: a note on the contract
    "Clôture refusée : des tickets sont encore ouverts et des points "
    "obligatoires de la liste de réversibilité ne sont pas encore validés.": (
        "Closing refused: tickets are still open and mandatory checklist items "
        "are not signed off yet."
    ),
    # tma_contract/demo/tma_preventive_demo.xml: the audits' reports
    "Correctifs à jour, certificats valides. Deux constats : TLS 1.0 encore "
    "accepté (ticket évolutif ouvert) et trois comptes d'anciens salariés "
    "actifs, désactivés pendant l'audit.": (
        "Patches up to date, certificates valid. Two findings: TLS 1.0 still "
        "accepted (evolutive ticket opened) and three former employees' accounts "
        "active, disabled during the audit."
    ),
    "Aucun nouveau constat. Les comptes inactifs sont désormais désactivés "
    "automatiquement.": (
        "No new finding. Inactive accounts are now disabled automatically."
    ),
    # tma_reversibility/demo/tma_takeon_demo.xml: a knowledge-transfer session
    "Marc Girard (Orion), Claire Fontaine (Epsilon), équipe TMA": (
        "Marc Girard (Orion), Claire Fontaine (Epsilon), TMA team"
    ),
    "Atelier sur les flux transporteurs et les reprises d'étiquettes.": (
        "Workshop on the carrier flows and the label reprints."
    ),
    # tma_sla/demo/tma_review_demo.xml: ratings, intervention reports,
    # an improvement action, review minutes, a survey's comment
    "Correction rapide et bien expliquée, merci.": (
        "Quick fix, well explained, thank you."
    ),
    "Trois relances avant d'avoir une réponse, et le correctif a dû être refait.": (
        "Three reminders before getting an answer, and the fix had to be redone."
    ),
    "Le module d'export lisait les taux de TVA dans l'ordre de création et non "
    "par code : l'ajout d'un taux en octobre a décalé la colonne.": (
        "The export module read the VAT rates in their order of creation, not by "
        "code: a rate added in October shifted the column."
    ),
    "Correctif de l'export (lecture par code de taxe), test sur les exports "
    "d'octobre et de novembre, régénération des deux fichiers.": (
        "Export fixed (rates read by tax code), tested on the October and "
        "November exports, both files generated again."
    ),
    "Léa Moreau (comptabilité)": "Léa Moreau (accounting)",
    "Contrôler l'export de décembre à la clôture mensuelle.": (
        "Check the December export at the month-end closing."
    ),
    "Le format du relevé bancaire a changé (libellés tronqués).": (
        "The bank statement's format changed (labels truncated)."
    ),
    "Audit préventif : désactiver les comptes au départ des salariés": (
        "Preventive audit: disable accounts when employees leave"
    ),
    "Revue des incidents du mois : deux incidents bloquants, résolus dans les "
    "délais. Le client signale des lenteurs sur l'export comptable.": (
        "Review of the month's incidents: two blocking incidents, resolved in "
        "time. The client reports slowness in the accounting export."
    ),
    "Analyser les lenteurs de l'export comptable avant le prochain comité.": (
        "Analyse the accounting export's slowness before the next committee."
    ),
    "L'analyse des lenteurs montre un index manquant ; le correctif est en "
    "recette. Le taux de respect des engagements remonte.": (
        "The slowness analysis shows a missing index; the fix is in acceptance "
        "testing. The rate of commitments met is rising again."
    ),
    "Mise en production du correctif la semaine prochaine. Supervision du "
    "traitement des relances à mettre en place.": (
        "The fix goes into production next week. Monitoring of the dunning job "
        "to be set up."
    ),
    "Un engagement de résolution manqué sur le rapport de valorisation du "
    "stock ; une pénalité s'applique selon le contrat. La satisfaction reste "
    "bonne malgré une note basse.": (
        "One resolution commitment missed on the stock valuation report; a "
        "penalty applies under the contract. Satisfaction stays good despite "
        "one low rating."
    ),
    "Le prestataire présente un plan d'action sur les relances au prochain comité.": (
        "The provider presents an action plan on the dunning job at the next committee."
    ),
    "Équipe compétente ; les délais de réponse sur les demandes mineures "
    "restent longs.": (
        "A skilled team; response times on minor requests are still long."
    ),
}

# The tables where a French text may have landed (the suite's records, the
# tickets and what hangs on them).
TEXT_MODELS = (
    "helpdesk.ticket",
    "mail.message",
    "mail.mail",
    "mail.activity",
    "mail.tracking.value",
    "rating.rating",
    "calendar.event",
    "contract.contract",
    "contract.line",
    "account.move",
    "account.move.line",
    # An evolution's quotation names its ticket and its estimate's parts.
    "sale.order",
    "sale.order.line",
)
# HTML escapes of an apostrophe and a quote: message_post escapes a plain
# text body.
ESCAPES = ({}, {"'": "&#39;", '"': "&#34;"}, {"'": "&#x27;", '"': "&#x22;"})


def english(env):
    """Write the English texts; return the xmlids that were not found (a
    module of the suite not installed)."""
    missing, pairs = [], dict(TEXTS)
    for xmlid, values in RECORDS.items():
        record = env.ref(xmlid, raise_if_not_found=False)
        if record is None:
            missing.append(xmlid)
            continue
        for field, text in values.items():
            pairs.update(_copies(record[field], text))
        record.with_context(tracking_disable=True, mail_notrack=True).write(values)
    for xmlid, values in FILES.items():
        record = env.ref(xmlid, raise_if_not_found=False)
        if record is None:
            missing.append(xmlid)
            continue
        record.with_context(tracking_disable=True, mail_notrack=True).write(
            {
                field: base64.b64encode(text.encode("utf-8"))
                for field, text in values.items()
            }
        )
    env.flush_all()
    _replace(env, pairs)
    env.invalidate_all()
    if "tma.sla.service.report" in env:
        # The service reports froze the contracts' French titles in their
        # figures and workbooks: computed again (their PDF is printed by the
        # PDF cron once the server runs).
        env["tma.sla.service.report"].search([]).with_context(
            tma_sla_pdf_later=True
        )._render()
    return missing


def _copies(french, text):
    """French -> English of one value, as methods copy it: whole, without its
    paragraph, line by line."""
    if not french or french == text:
        return {}
    french, text = str(french), str(text)
    pairs = {french: text}
    if all(v.startswith("<p>") and v.endswith("</p>") for v in (french, text)):
        pairs[french[3:-4]] = text[3:-4]
    lines, english_lines = french.splitlines(), text.splitlines()
    if len(lines) > 1 and len(lines) == len(english_lines):
        pairs.update(zip(lines, english_lines, strict=True))
    return pairs


def _replace(env, pairs):
    """Replace the French texts by their English wherever they are stored:
    every text column of the suite's models and of TEXT_MODELS (in SQL: some
    records, approved minutes or signed items, refuse a write, and the
    history must not record a change). The act journal keeps what the
    parties wrote: its entries are chained by their hash, left as they are."""
    variants = []  # (French, English) as stored: plain, then HTML-escaped
    for french, text in sorted(pairs.items(), key=lambda pair: -len(pair[0])):
        for escape in ESCAPES:
            stored_french, stored_text = french, text
            for char, entity in escape.items():
                stored_french = stored_french.replace(char, entity)
                stored_text = stored_text.replace(char, entity)
            if (stored_french, stored_text) not in variants:
                variants.append((stored_french, stored_text))
    cr = env.cr
    for name, model in env.registry.items():
        if not (name.startswith("tma.") or name in TEXT_MODELS):
            continue
        if (
            model._abstract
            or model._transient
            or not model._auto
            or "inalterable_hash" in model._fields
        ):
            continue
        for field in model._fields.values():
            if (
                field.type not in ("char", "text", "html", "json")
                or not field.store
                or field.translate
                or field.company_dependent
            ):
                continue
            cast = "::jsonb" if field.type == "json" else ""
            _replace_column(cr, model._table, field.name, variants, cast)
    # The text files the suite wrote (audit and intervention reports).
    attachments = env["ir.attachment"].search(
        [
            ("mimetype", "=", "text/plain"),
            ("res_model", "=like", "tma.%"),
            "|",
            ("res_field", "=", False),
            ("res_field", "!=", False),
        ]
    )
    for attachment in attachments:
        value = (attachment.raw or b"").decode("utf-8", "replace")
        new = value
        for french, text in variants:
            new = new.replace(french, text)
        if new != value:
            attachment.raw = new.encode("utf-8")


def _replace_column(cr, table, column, variants, cast=""):
    """Replace the variants in one column (JSON: in its text, ``cast`` back)."""
    condition = " OR ".join(f'strpos("{column}"::text, %s) > 0' for _v in variants)
    cr.execute(
        f'SELECT id, "{column}"::text FROM "{table}" WHERE {condition}',  # noqa: S608
        [french for french, _text in variants],
    )
    for record_id, value in cr.fetchall():
        new = value
        for french, text in variants:
            new = new.replace(french, text)
        if new != value:
            cr.execute(
                f'UPDATE "{table}" SET "{column}" = %s{cast} WHERE id = %s',  # noqa: S608
                [new, record_id],
            )


def main(argv=None):
    from demo_odoo import run_in_odoo

    missing = run_in_odoo(__doc__.split("\n\n")[0], english, argv)
    for xmlid in missing:
        print(f"not in the database (module not installed?): {xmlid}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
