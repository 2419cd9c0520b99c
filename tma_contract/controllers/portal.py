# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, http, models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import SQL

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.utils import SCOPE_SUMMARY_ORDER
from ..tools.fetch import search_fetch_many, sum_by
from ..tools.replica import read_route

CONTRACTS_PER_PAGE = 20
LEDGER_PER_PAGE = 20
TICKETS_ON_PAGE = 20
# The last entries of the journal of acts the contract page shows.
JOURNAL_ON_PAGE = 10
FLASH_KEY = "tma_flash"
# The route of a form where a party acts (signs, approves, rates, answers):
# a logged-in user's POST (the form carries the CSRF token).
PARTY_ACT_ROUTE = {"type": "http", "auth": "user", "methods": ["POST"], "website": True}
FLASH_KEEP = 5


def tma_flash(message):
    """Keep ``message`` in the visitor's session for the next portal page it
    renders (messages never travel in URLs, where anyone could forge them)."""
    messages = list(request.session.get(FLASH_KEY) or [])
    messages.append(str(message))
    request.session[FLASH_KEY] = messages[-FLASH_KEEP:]


def tma_pop_flash():
    """The messages kept for this visitor, removed from its session."""
    if FLASH_KEY not in request.session:
        return []
    return request.session.pop(FLASH_KEY) or []


class TmaCustomerPortal(CustomerPortal):
    """Client pages of TMA contracts: list and detail with balance and ledger."""

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["tma_flash"] = tma_pop_flash()
        return values

    def _get_page_view_values(
        self, document, access_token, values, session_history, no_breadcrumbs, **kwargs
    ):
        values = super()._get_page_view_values(
            document, access_token, values, session_history, no_breadcrumbs, **kwargs
        )
        if "tma_flash" not in values:
            values["tma_flash"] = tma_pop_flash()
        return values

    def _tma_portal_act(
        self, model, record_id, act, back, thanks=None, access_token=None
    ):
        """A party's act from a portal form (sign a checklist item, approve
        minutes or an amendment, rate a ticket, answer a survey): the one
        way the portal pages run one.

        The visitor must read the record (its record rules, or the record's
        ``access_token``), else it goes back to ``/my``; ``act(record)`` then
        runs on the record in sudo, the model checking who makes the act. A
        refusal (``UserError``) is shown on the next page, in the visitor's
        language; else ``thanks``, with the act's journal entry (its number
        and hash, :meth:`tma.party.act.mixin._tma_act_receipt`) of the
        record ``act`` returns, or of ``record``. The visitor goes back to
        ``back`` (a URL, or a callable of the record, worked out before the
        act)."""
        try:
            record = self._document_check_access(model, record_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = back(record) if callable(back) else back
        try:
            acted = act(record)
        except UserError as error:
            tma_flash(error.args[0])
        else:
            if not isinstance(acted, models.BaseModel) or len(acted) != 1:
                acted = record
            receipt = acted._tma_act_receipt() if "tma_act_journal_id" in acted else ""
            message = " ".join(part for part in (thanks, receipt) if part)
            if message:
                tma_flash(message)
        return request.redirect(url)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "tma_contract_count" in counters:
            Contract = request.env["tma.contract"]
            values["tma_contract_count"] = (
                Contract.search_count(self._tma_contract_domain())
                if Contract.has_access("read")
                else 0
            )
        return values

    def _tma_contract_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "=", partner.id), ("state", "!=", "draft")]

    def _tma_contract_sortings(self):
        env = request.env
        return {
            "date": {"label": env._("Newest"), "order": "date_start desc, id desc"},
            "name": {"label": env._("Reference"), "order": "name"},
            "state": {"label": env._("Status"), "order": "state, date_start desc"},
        }

    @http.route(
        ["/my/tma/contracts", "/my/tma/contracts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=read_route,
    )
    def portal_my_tma_contracts(self, page=1, sortby=None, **kw):
        Contract = request.env["tma.contract"]
        if not Contract.has_access("read"):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        sortings = self._tma_contract_sortings()
        if sortby not in sortings:
            sortby = "date"
        domain = self._tma_contract_domain()
        pager = portal_pager(
            url="/my/tma/contracts",
            url_args={"sortby": sortby},
            total=Contract.search_count(domain),
            page=page,
            step=CONTRACTS_PER_PAGE,
        )
        contracts = Contract.search(
            domain,
            order=sortings[sortby]["order"],
            limit=CONTRACTS_PER_PAGE,
            offset=pager["offset"],
        )
        request.session["my_tma_contracts_history"] = contracts.ids[:100]
        values.update(
            {
                "contracts": contracts,
                "page_name": "tma_contract",
                "pager": pager,
                "default_url": "/my/tma/contracts",
                "searchbar_sortings": sortings,
                "sortby": sortby,
            }
        )
        return request.render("tma_contract.portal_my_tma_contracts", values)

    @http.route(
        ["/my/tma/contracts/<int:contract_id>"],
        type="http",
        auth="public",
        website=True,
        readonly=read_route,
    )
    def portal_my_tma_contract(
        self, contract_id, access_token=None, ledger_page=1, **kw
    ):
        try:
            contract_sudo = self._document_check_access(
                "tma.contract", contract_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if contract_sudo.state == "draft":
            return request.redirect("/my")
        values = self._tma_contract_page_values(
            contract_sudo, access_token, ledger_page, **kw
        )
        return request.render("tma_contract.portal_my_tma_contract", values)

    def _tma_contract_page_values(self, contract, access_token, ledger_page, **kw):
        """Values of the contract page: reads are bounded whatever the ledger's
        size (one page of entries, counts by SQL)."""
        # The visitor, the account manager and the user of the contract's
        # environment (its computed dates fall back on that user's time zone)
        # in one read, their partners and the client's in another (the
        # layout and the contact card use them, the sections the visitor's
        # client).
        users = (request.env.user | contract.env.user | contract.user_id).sudo()
        (users.partner_id | contract.partner_id).mapped("name")
        try:
            ledger_page = max(1, int(ledger_page))
        except (TypeError, ValueError):
            ledger_page = 1
        url_args = {"access_token": access_token} if access_token else {}
        ledger_pager = portal_pager(
            url=f"/my/tma/contracts/{contract.id}",
            url_args=url_args,
            # Entries are numbered 1..n without gaps and never deleted: the
            # contract's counter is the ledger's size.
            total=contract.entry_seq,
            page=ledger_page,
            step=LEDGER_PER_PAGE,
        )
        # The portal pager names its parameter "page": rewrite it for the ledger.
        for key in ("page", "page_previous", "page_next", "page_first", "page_last"):
            if isinstance(ledger_pager.get(key), dict):
                ledger_pager[key]["url"] = self._tma_ledger_url(
                    contract, access_token, ledger_pager[key]["num"]
                )
        for item in ledger_pager.get("pages", []):
            item["url"] = self._tma_ledger_url(contract, access_token, item["num"])
        Ticket = request.env["helpdesk.ticket"].sudo()
        ticket_domain = [("tma_contract_id", "=", contract.id)]
        sections = search_fetch_many(
            self._tma_contract_page_sections(contract, ledger_pager["offset"])
        )
        # One more ticket than the page shows: counting is only needed past
        # a page.
        tickets = sections["tickets"]
        ticket_units = {tid: float(u) for tid, u in sections.pop("ticket_units")}
        act_parties = dict(sections.pop("act_journal_parties"))
        scope = contract._get_scope_summary_from_rows(sections.pop("scope"))
        ticket_total = len(tickets)
        if ticket_total > TICKETS_ON_PAGE:
            tickets = tickets[:TICKETS_ON_PAGE]
            ticket_total = Ticket.search_count(ticket_domain)
        values = self._get_page_view_values(
            contract,
            access_token,
            {
                "tma_contract": contract,
                "page_name": "tma_contract",
                **sections,
                "ledger_pager": ledger_pager,
                "tickets": tickets,
                "ticket_total": ticket_total,
                "ticket_units": ticket_units,
                "act_parties": act_parties,
                "scope": scope,
                "user_tickets_access": request.env["helpdesk.ticket"].has_access(
                    "read"
                ),
            },
            "my_tma_contracts_history",
            False,
            **kw,
        )
        return values

    def _tma_contract_page_sections(self, contract, ledger_offset):
        """The lists of the contract page, read together in one query (see
        ``search_fetch_many``): ``{value name: (recordset, domain, fields,
        options)}`` for a recordset of the page, or an ``SQL`` expression of
        one JSON value (an aggregate the page prints). Addons add theirs.

        The contract's access is checked by the caller: its lists are read as
        superuser, restricted to the contract; what the visitor reads beside
        it (the outage banner) is read in the visitor's environment."""
        env = request.env
        Ticket = env["helpdesk.ticket"].sudo()
        ticket_domain = [("tma_contract_id", "=", contract.id)]
        ticket_options = {"limit": TICKETS_ON_PAGE + 1, "order": "id desc"}
        # The stages of the tickets shown, for their names (no query later).
        shown = Ticket._search(ticket_domain, **ticket_options)
        # The units each ticket shown consumed (its tma_units_consumed).
        Entry = env["tma.unit.entry"].sudo()
        # The last acts of the parties, with their hash (the client checks
        # them against its confirmations and its package's journal), and
        # their parties' names (a provider's or a successor's too).
        Journal = env["tma.act.journal"].sudo()
        journal_domain = [("contract_id", "=", contract.id)]
        journal_options = {"limit": JOURNAL_ON_PAGE, "order": "sequence desc"}
        acts = Journal._search(journal_domain, **journal_options)
        return {
            "entries": (
                Entry,
                [("contract_id", "=", contract.id)],
                [
                    "date",
                    "entry_type",
                    "scope",
                    "name",
                    "units",
                    "billable_units",
                    "ticket_id",
                ],
                {"limit": LEDGER_PER_PAGE, "offset": ledger_offset},
            ),
            "tickets": (
                Ticket,
                ticket_domain,
                ["number", "name", "stage_id"],
                ticket_options,
            ),
            "tma_ticket_stages": (
                env["helpdesk.ticket.stage"].sudo().with_context(active_test=False),
                [
                    (
                        "id",
                        "in",
                        shown.subselect(SQL.identifier(Ticket._table, "stage_id")),
                    )
                ],
                ["name"],
                {},
            ),
            "ticket_units": sum_by(
                Entry, [("ticket_id", "in", shown)], "ticket_id", "consumed_units"
            ),
            "scope": SQL(
                "ARRAY(SELECT json_build_array(kind, name, environments) "
                "FROM (%s) AS scope %s)",
                contract._get_scope_summary_sql(),
                SQL(SCOPE_SUMMARY_ORDER),
            ),
            "books": (
                env["tma.unit.book"].sudo(),
                [("contract_id", "=", contract.id)],
                ["name", "date_expiry", "units", "units_remaining", "state"],
                {},
            ),
            "act_journal": (
                Journal,
                journal_domain,
                ["sequence", "recorded_on", "code", "partner_id", "inalterable_hash"],
                journal_options,
            ),
            "act_journal_parties": SQL(
                "ARRAY(SELECT json_build_array(id, name) FROM res_partner "
                "WHERE id IN (%s))",
                acts.subselect(SQL.identifier(Journal._table, "partner_id")),
            ),
        }

    def _tma_ledger_url(self, contract, access_token, num):
        url = f"/my/tma/contracts/{contract.id}?ledger_page={num}"
        if access_token:
            url += f"&access_token={access_token}"
        return url + "#ledger"


def _is_datetime(value):
    try:
        return bool(value) and bool(fields.Datetime.to_datetime(value))
    except (TypeError, ValueError):
        return False


class TmaCustomerPortalHelpdesk(CustomerPortalHelpdesk):
    """The host's ticket list, robust to hand-made query strings (an unknown
    sort, group or date gave a server error)."""

    @http.route(readonly=read_route)
    def portal_my_tickets(
        self,
        page=1,
        date_begin=None,
        date_end=None,
        sortby=None,
        filterby=None,
        search=None,
        search_in=None,
        groupby=None,
        **kw,
    ):
        if sortby not in self._ticket_get_searchbar_sortings():
            sortby = None
        if groupby not in self._ticket_get_searchbar_groupby():
            groupby = None
        if search_in not in self._ticket_get_searchbar_inputs():
            search_in = None
        if not (_is_datetime(date_begin) and _is_datetime(date_end)):
            date_begin = date_end = None
        return super().portal_my_tickets(
            page=page,
            date_begin=date_begin,
            date_end=date_end,
            sortby=sortby,
            filterby=filterby,
            search=search,
            search_in=search_in,
            groupby=groupby,
            **kw,
        )
