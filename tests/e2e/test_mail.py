# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mail as in production: the nodes send through a real SMTP server (the
``mailbox`` fixture, in this process), and the clients' mail is read as they
would read it: to whom it went, in which language, with which attachments,
and where its links lead (opened in the client's session). Inbound, raw
RFC 822 messages go through Odoo's mail gateway as a fetching mail server
hands them (``mail.thread.message_process`` over JSON-RPC, what Odoo's
mailgate script calls): a client's email to the helpdesk alias opens a ticket
on its contract, a reply lands on the ticket, an automatic answer and a
bounce open nothing."""

import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

import pytest
import requests
from conftest import (
    ADMIN,
    CLIENT_ALPHA,
    CLIENT_GAMMA,
    closed_incident_with_report,
    submitted_minutes,
)
from harness import RpcError, wait_for

RUN = uuid.uuid4().hex[:6]
ALIAS_DOMAIN = "tma-support.example.com"
ALIAS = "support"
# The intervention report's subject, in French and in English.
INTERVENTION_REPORT_TITLES = ("Rapport d'intervention", "Intervention report")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def contact(db, xmlid):
    """(id, email, lang) of a demo partner."""
    return db.rows(
        "SELECT id, email, lang FROM res_partner WHERE id = %s", (db.xmlid(xmlid),)
    )[0]


def open_link(server, session, url):
    """GET a link of a mail in ``session`` (the mail's absolute address is
    the database's public one: the request goes to the test's balancer),
    following redirects; return the response."""
    parts = urlsplit(url)
    local = server.url + parts.path + (f"?{parts.query}" if parts.query else "")
    response = session.get(local, timeout=120)
    assert response.status_code == 200, (url, response.status_code)
    return response


def portal_link(mail, *paths):
    """The mail's first link into the portal (or Odoo's redirection to a
    record, ``/mail/view``)."""
    links = [
        link
        for link in mail.links
        if any(path in urlsplit(link).path for path in paths)
    ]
    assert links, f"no link to {paths} in {mail!r}: {mail.links}"
    return links[0]


# ----------------------------------------------------------------------
# Outgoing
# ----------------------------------------------------------------------
@pytest.fixture
def send_queue(db, rpc):
    """Send the mail queue now: its scheduled action run by hand (as its
    user, as a cron worker runs it), through JSON-RPC."""
    cron = db.xmlid("mail.ir_cron_mail_scheduler_action")

    def send():
        try:
            rpc(ADMIN).call("ir.cron", "method_direct_trigger", [cron])
        except RpcError as error:
            # A cron worker is sending it at this moment: as good.
            if "currently being executed" not in error.message:
                raise

    return send


def test_mail_the_intervention_report_reaches_a_french_client_in_french(
    server, db, rpc, mailbox, send_queue
):
    _partner, email, lang = contact(db, "tma_contract.partner_gamma_contact")
    assert lang == "fr_FR"
    since = len(mailbox.received)
    ticket_id = closed_incident_with_report(db, rpc, RUN)
    number = db.value("SELECT number FROM helpdesk_ticket WHERE id = %s", (ticket_id,))
    # The report's mail, whatever its language (not the ticket's closing
    # notice or its satisfaction survey, which also name the ticket).
    mail = mailbox.wait(
        email,
        match=lambda subject: (
            number in subject
            and any(title in subject for title in INTERVENTION_REPORT_TITLES)
        ),
        since=since,
        send_queue=send_queue,
    )
    assert mail.subject.startswith("Rapport d'intervention"), (
        f"the intervention report's mail is not in French ({mail.subject!r}): "
        "the templates' language"
    )
    assert f"Serveur de messagerie saturé [{RUN}]" in mail.html
    assert "Diagnosis" not in mail.html, (
        "the intervention report's mail body is in English: the templates' language"
    )
    # Its link opens the ticket's page in the client's portal.
    link = portal_link(mail, "/my/ticket", "/mail/view")
    page = open_link(server, rpc(CLIENT_GAMMA).http, link)
    assert f"/my/ticket/{ticket_id}" in page.url
    assert f"Relances clients non envoyées [{RUN}]" in page.text
    assert f"Serveur de messagerie saturé [{RUN}]" in page.text


def test_mail_the_minutes_to_approve_come_with_their_pdf_and_link(
    server, db, rpc, mailbox, send_queue
):
    _partner, email, _lang = contact(db, "tma_contract.partner_gamma_contact")
    since = len(mailbox.received)
    review_id = submitted_minutes(db, rpc, RUN)
    name = db.value("SELECT name FROM tma_review WHERE id = %s", (review_id,))
    mail = mailbox.wait(email, match=name, since=since, send_queue=send_queue)
    assert mail.subject.startswith("Compte rendu"), (
        f"the minutes' mail is not in French ({mail.subject!r}): the templates' "
        "language"
    )
    pdfs = [
        content
        for filename, (kind, content) in mail.attachments.items()
        if kind == "application/pdf" and filename.endswith(".pdf")
    ]
    assert len(pdfs) == 1, mail.attachments.keys()
    assert pdfs[0].startswith(b"%PDF")
    # The button opens the review to approve, for the client signed in...
    link = portal_link(mail, f"/my/tma/reviews/{review_id}")
    page = open_link(server, rpc(CLIENT_GAMMA).http, link)
    assert f"/my/tma/reviews/{review_id}" in page.url
    assert "o_tma_review_approve" in page.text
    # ... and, through the token it carries, for one who is not.
    anonymous = open_link(server, requests.Session(), link)
    assert f"/my/tma/reviews/{review_id}" in anonymous.url
    assert name in anonymous.text


def test_mail_the_monthly_report_reaches_an_english_client_with_pdf_and_xlsx(
    server, db, rpc, mailbox, send_queue
):
    alpha = db.xmlid("tma_contract.partner_alpha")
    report_id = db.value(
        """SELECT r.id FROM tma_sla_service_report r
             JOIN tma_contract c ON c.id = r.contract_id
            WHERE c.partner_id = %s ORDER BY r.date_from DESC LIMIT 1""",
        (alpha,),
    )
    assert report_id, "no service report of Alpha in the demo"
    wait_for(
        lambda: db.value(
            "SELECT pdf_attachment_id FROM tma_sla_service_report WHERE id = %s",
            (report_id,),
        ),
        timeout=180,
        message="a cron worker to print Alpha's service report",
    )
    email, lang = db.rows(
        """SELECT p.email, p.lang FROM tma_sla_service_report r
             JOIN res_partner p ON p.id = r.partner_id WHERE r.id = %s""",
        (report_id,),
    )[0]
    assert lang == "en_US"
    since = len(mailbox.received)
    admin = rpc(ADMIN)
    admin.call("tma.sla.service.report", "action_send", [report_id])
    mail = mailbox.wait(
        email, match="Service report", since=since, send_queue=send_queue
    )
    kinds = sorted(kind for kind, _content in mail.attachments.values())
    assert kinds == ["application/pdf", XLSX], mail.attachments.keys()
    contents = {kind: content for kind, content in mail.attachments.values()}
    assert contents["application/pdf"].startswith(b"%PDF")
    assert contents[XLSX].startswith(b"PK")  # a zip: the workbook
    assert "Service-level compliance" in mail.html
    assert "Taux de respect" not in mail.html
    # Its button opens the report: the PDF, through the token it carries, for
    # whoever holds the mail; the contract's page for Alpha's contact signed in.
    link = portal_link(mail, "/mail/view", "/my/tma/sla-reports")
    pdf = open_link(server, requests.Session(), link)
    assert f"/my/tma/sla-reports/{report_id}/pdf" in pdf.url, pdf.url
    assert pdf.content.startswith(b"%PDF")
    contract_id = db.value(
        "SELECT contract_id FROM tma_sla_service_report WHERE id = %s", (report_id,)
    )
    page = open_link(server, rpc(CLIENT_ALPHA).http, link)
    assert f"/my/tma/contracts/{contract_id}" in page.url, page.url
    assert "Service levels" in page.text


# ----------------------------------------------------------------------
# Incoming
# ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def helpdesk_alias(db, rpc):
    """The TMA team's alias, support@tma-support.example.com (the company's
    mail domain made if it has none)."""
    admin = rpc(ADMIN)
    company_id = db.value("SELECT id FROM res_company ORDER BY id LIMIT 1")
    domain_id = db.value(
        "SELECT alias_domain_id FROM res_company WHERE id = %s", (company_id,)
    )
    if not domain_id:
        domain_id = admin.call("mail.alias.domain", "create", {"name": ALIAS_DOMAIN})
        admin.call("res.company", "write", [company_id], {"alias_domain_id": domain_id})
    team = db.xmlid("tma_contract.team_tma")
    admin.call(
        "helpdesk.ticket.team",
        "write",
        [team],
        {"alias_name": ALIAS, "alias_domain_id": domain_id},
    )
    domain = db.value("SELECT name FROM mail_alias_domain WHERE id = %s", (domain_id,))
    return {
        "team": team,
        "address": f"{ALIAS}@{domain}",
        "bounce": db.value(
            "SELECT bounce_alias || '@' || name FROM mail_alias_domain WHERE id = %s",
            (domain_id,),
        ),
    }


def inbound(sender, to, subject, body, headers=None):
    """A raw RFC 822 message, as a mail server hands it to Odoo."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-Id"] = make_msgid(domain="client.example.com")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_string()


def deliver(rpc, raw):
    """Odoo's mail gateway: what fetchmail or the mailgate script call."""
    return rpc(ADMIN).call("mail.thread", "message_process", False, raw)


def tickets_named(db, subject):
    return db.rows("SELECT id FROM helpdesk_ticket WHERE name = %s", (subject,))


def test_mail_a_client_email_to_the_helpdesk_opens_a_ticket_on_its_contract(
    db, rpc, helpdesk_alias
):
    partner_id, email, _lang = contact(db, "tma_contract.partner_gamma_contact")
    [(commercial_id,)] = db.rows(
        "SELECT commercial_partner_id FROM res_partner WHERE id = %s", (partner_id,)
    )
    contracts = db.rows(
        """SELECT c.id FROM tma_contract c
            WHERE c.partner_id = %s AND c.state = 'active'
              AND (NOT EXISTS (SELECT 1 FROM helpdesk_ticket_team_tma_contract_rel r
                                WHERE r.tma_contract_id = c.id)
                   OR EXISTS (SELECT 1 FROM helpdesk_ticket_team_tma_contract_rel r
                               WHERE r.tma_contract_id = c.id
                                 AND r.helpdesk_ticket_team_id = %s))""",
        (commercial_id, helpdesk_alias["team"]),
    )
    assert len(contracts) == 1, f"Gamma has {len(contracts)} contracts for the team"
    subject = f"Export comptable bloqué [{RUN}]"
    ticket_id = deliver(
        rpc,
        inbound(
            f"Léa Moreau <{email}>",
            helpdesk_alias["address"],
            subject,
            "L'export vers la comptabilité est bloqué depuis ce matin.",
        ),
    )
    assert ticket_id
    assert tickets_named(db, subject) == [(ticket_id,)]
    row = db.rows(
        """SELECT partner_id, team_id, tma_contract_id FROM helpdesk_ticket
            WHERE id = %s""",
        (ticket_id,),
    )[0]
    assert row == (partner_id, helpdesk_alias["team"], contracts[0][0])

    # The client answers the ticket's message: the answer lands on it.
    first = db.value(
        """SELECT message_id FROM mail_message WHERE model = 'helpdesk.ticket'
              AND res_id = %s AND message_type = 'email' ORDER BY id LIMIT 1""",
        (ticket_id,),
    )
    assert first
    reply = f"Toujours bloqué à midi [{RUN}]"
    replied = deliver(
        rpc,
        inbound(
            f"Léa Moreau <{email}>",
            helpdesk_alias["address"],
            f"Re: {subject}",
            reply,
            headers={"In-Reply-To": first, "References": first},
        ),
    )
    assert replied == ticket_id
    assert not tickets_named(db, f"Re: {subject}")
    assert db.value(
        """SELECT count(*) FROM mail_message WHERE model = 'helpdesk.ticket'
              AND res_id = %s AND body LIKE %s""",
        (ticket_id, f"%{reply}%"),
    )


def test_mail_an_automatic_answer_or_a_bounce_opens_no_ticket(db, rpc, helpdesk_alias):
    _partner_id, email, _lang = contact(db, "tma_contract.partner_gamma_contact")
    tickets = db.value("SELECT count(*) FROM helpdesk_ticket")
    out_of_office = f"Absente jusqu'au 4 janvier [{RUN}]"
    assert not deliver(
        rpc,
        inbound(
            f"Léa Moreau <{email}>",
            helpdesk_alias["address"],
            out_of_office,
            "Je suis absente, je lirai votre message à mon retour.",
            headers={"Auto-Submitted": "auto-replied"},
        ),
    )
    # A delivery status report (RFC 3464) to the bounce address.
    bounce = MIMEMultipart("report", report_type="delivery-status")
    bounce["From"] = "Mail Delivery System <MAILER-DAEMON@client.example.com>"
    bounce["To"] = helpdesk_alias["bounce"]
    bounce["Subject"] = f"Undelivered Mail Returned to Sender [{RUN}]"
    bounce["Return-Path"] = "<>"
    bounce["Auto-Submitted"] = "auto-replied"
    bounce["Date"] = format_datetime(datetime.now(UTC))
    bounce["Message-Id"] = make_msgid(domain="client.example.com")
    bounce.attach(MIMEText("The mail system could not deliver your message."))
    bounce.attach(
        MIMEText(
            "Reporting-MTA: dns; mx.client.example.com\n\n"
            "Final-Recipient: rfc822; nobody@client.example.com\n"
            "Action: failed\nStatus: 5.1.1\n",
            "delivery-status",
        )
    )
    assert not deliver(rpc, bounce.as_string())
    assert db.value("SELECT count(*) FROM helpdesk_ticket") == tickets
    assert not tickets_named(db, out_of_office)
