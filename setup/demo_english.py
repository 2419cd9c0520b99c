# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The English text of the demo records written in French, for an
English-only demo (``bash setup/demo.sh --english``):

    python3 setup/demo_english.py -c ODOO_CONF -d DATABASE

The demo data is French first (its clients are French); this rewrites the
French texts of the demo's records (tickets, contracts, documents, messages)
in English, once, on a database just built without French. Keep it in step
with the demo XML files: ``tests/test_repository.py`` checks that every record
named here exists in them.
"""

import argparse
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
}

# French message bodies posted by the demo -> English
MESSAGES = {
    "Pourriez-vous nous transmettre un exemple d'avoir concerné ?": (
        "Could you send us an example of an affected credit note?"
    ),
    "Corrigé : le relevé reprend désormais l'adresse de facturation.": (
        "Fixed: the statement now shows the invoicing address."
    ),
    "Clôture refusée : des tickets sont encore ouverts et des points "
    "obligatoires de la liste de réversibilité ne sont pas encore validés.": (
        "Closing refused: tickets are still open and mandatory checklist items "
        "are not signed off yet."
    ),
}


def english(env):
    """Write the English texts; return the xmlids that were not found (a
    module of the suite not installed)."""
    missing = []
    for xmlid, values in RECORDS.items():
        record = env.ref(xmlid, raise_if_not_found=False)
        if record is None:
            missing.append(xmlid)
            continue
        record.with_context(tracking_disable=True, mail_notrack=True).write(values)
    Message = env["mail.message"]
    for french, text in MESSAGES.items():
        # message_post escapes the apostrophes of a plain text body: match the
        # longest part without one.
        part = max(french.split("'"), key=len)
        Message.search([("body", "ilike", part)]).write({"body": p(text)})
    return missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", dest="conf", required=True)
    parser.add_argument("-d", dest="db", required=True)
    args = parser.parse_args(argv)
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db])
    registry = odoo.modules.registry.Registry.new(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        missing = english(env)
    for xmlid in missing:
        print(f"not in the database (module not installed?): {xmlid}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
