/** @odoo-module **/
// Copyright 2026 TMA for Odoo
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// A client opens its contract from the portal home and reads its balance.
registry.category("web_tour.tours").add("tma_portal_contract_tour", {
    url: "/my/home",
    steps: () => [
        {
            content: "The portal home lists the maintenance contracts",
            trigger: "a[href='/my/tma/contracts']",
            run: "click",
        },
        {
            content: "Open the contract",
            trigger: "a:contains('TOUR-CONTRACT')",
            run: "click",
        },
        {
            content: "The balance is shown with its gauge",
            trigger: "#tma_balance .tma_balance_value:contains('6.00')",
        },
        {
            content: "The gauge is drawn",
            trigger: "#tma_balance .progress-bar",
        },
        {
            content: "The ticket that consumed units is listed",
            trigger: "#tma_tickets td:contains('Tour ticket')",
        },
        {
            content: "The ledger shows the consumption",
            trigger: "#tma_ledger td:contains('Consumption')",
        },
        {
            // The tour ends once the page is fully loaded: ending while the
            // chatter still loads its bundle logs a failed fetch.
            content: "The contract's messages are shown",
            trigger: "#chatterRoot:shadow .o-mail-Chatter",
        },
    ],
});

// An engineer records the units of a ticket from the backend form.
registry.category("web_tour.tours").add("tma_backend_record_units_tour", {
    steps: () => [
        {
            content: "The ticket shows its contract",
            trigger: ".o_field_widget[name='tma_contract_id'] input:value('TOUR-CONTRACT - Tour upkeep')",
        },
        {
            content: "Record the units",
            trigger: "button[name='action_tma_record_consumption']",
            run: "click",
        },
        {
            content: "The consumed units are shown on the ticket",
            trigger: ".o_field_widget[name='tma_units_consumed']:contains('3.00')",
        },
    ],
});
