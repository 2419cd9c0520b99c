# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tickets by email, through Odoo's mail gateway (``message_process``, what
a fetching mail server or the mailgate script calls): a client's email opens
a ticket on its contract, a reply lands on the ticket, an automatic answer
or a bounce opens nothing."""

from email.utils import make_msgid

from odoo.tests import tagged

from .common import TmaCommon


def raw_email(sender, subject, body="Please look at it.", headers=None, to=None):
    lines = [
        f"From: {sender}",
        f"To: {to or 'helpdesk@example.com'}",
        f"Subject: {subject}",
        f"Message-Id: {make_msgid(domain='a.example.com')}",
        "Date: Mon, 07 Dec 2026 09:00:00 +0100",
        *[f"{name}: {value}" for name, value in (headers or {}).items()],
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        body,
    ]
    return "\r\n".join(lines)


@tagged("post_install", "-at_install")
class TestMailGateway(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_contract()

    def _process(self, message):
        return self.env["mail.thread"].message_process(
            "helpdesk.ticket", message, custom_values={"team_id": self.team.id}
        )

    def _tickets(self, subject):
        return self.env["helpdesk.ticket"].search([("name", "=", subject)])

    def test_a_client_email_opens_a_ticket_on_its_only_active_contract(self):
        ticket_id = self._process(
            raw_email("Alice A <alice@a.example.com>", "Invoices not sent")
        )
        ticket = self.env["helpdesk.ticket"].browse(ticket_id)
        self.assertEqual(ticket.name, "Invoices not sent")
        self.assertEqual(ticket.partner_id, self.contact_a)
        self.assertEqual(ticket.tma_contract_id, self.contract)

    def test_a_client_with_two_active_contracts_gets_a_ticket_without_one(self):
        self._create_contract()
        ticket_id = self._process(
            raw_email("Alice A <alice@a.example.com>", "Which contract?")
        )
        ticket = self.env["helpdesk.ticket"].browse(ticket_id)
        self.assertEqual(ticket.partner_id, self.contact_a)
        self.assertFalse(ticket.tma_contract_id)

    def test_a_reply_lands_on_its_ticket(self):
        ticket = self.env["helpdesk.ticket"].browse(
            self._process(raw_email("Alice A <alice@a.example.com>", "Slow pages"))
        )
        first = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertTrue(first.message_id)
        reply_id = self._process(
            raw_email(
                "Alice A <alice@a.example.com>",
                "Re: Slow pages",
                body="Still slow this morning.",
                headers={"In-Reply-To": first.message_id},
            )
        )
        self.assertEqual(reply_id, ticket.id)
        self.assertFalse(self._tickets("Re: Slow pages"))
        self.assertIn("Still slow this morning.", ticket.message_ids[0].body)

    def test_an_automatic_answer_opens_no_ticket(self):
        for subject, headers in (
            ("Out of office", {"Auto-Submitted": "auto-replied"}),
            ("Absent", {"X-Autoreply": "yes"}),
            ("On vacation", {"Precedence": "auto_reply"}),
        ):
            with self.subTest(subject=subject):
                self.assertFalse(
                    self._process(
                        raw_email(
                            "Alice A <alice@a.example.com>", subject, headers=headers
                        )
                    )
                )
                self.assertFalse(self._tickets(subject))
        # Auto-Submitted: no is a person's message.
        self.assertTrue(
            self._process(
                raw_email(
                    "Alice A <alice@a.example.com>",
                    "Written by hand",
                    headers={"Auto-Submitted": "no"},
                )
            )
        )

    def test_a_bounce_opens_no_ticket(self):
        bounce = raw_email(
            "Mail Delivery System <MAILER-DAEMON@a.example.com>",
            "Undelivered Mail Returned to Sender",
            body="The mail system could not deliver your message.",
            headers={"Return-Path": "<>"},
        )
        self.assertFalse(self._process(bounce))
        self.assertFalse(self._tickets("Undelivered Mail Returned to Sender"))
