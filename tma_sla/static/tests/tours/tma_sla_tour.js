/** @odoo-module **/
// Copyright 2026 TMA for Odoo
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// A client follows the commitments of its ticket, then finds its reports.
registry.category("web_tour.tours").add("tma_sla_portal_tour", {
    steps: () => [
        {
            content: "The ticket page lists the service-level commitments",
            trigger: "#tma_sla_status tr[data-metric='acknowledgement']:contains('Acknowledgement')",
        },
        {
            content: "A running commitment says how much time is left",
            trigger: "#tma_sla_status tr[data-metric='resolution']:contains('left')",
        },
        {
            content: "Back to the portal home",
            trigger: ".breadcrumb a[href='/my/home']",
            run: "click",
        },
        {
            content: "Go to the contracts",
            trigger: "a[href='/my/tma/contracts']",
            run: "click",
        },
        {
            content: "Open the contract",
            trigger: "a:contains('SLA-TOUR')",
            run: "click",
        },
        {
            content: "The monthly reports can be downloaded",
            trigger: "#tma_sla_summary a.o_tma_report_pdf",
        },
        {
            content: "Both formats are offered",
            trigger: "#tma_sla_summary a.o_tma_report_xlsx",
        },
    ],
});

// An engineer escalates a ticket to L2 with a reason.
registry.category("web_tour.tours").add("tma_sla_escalate_tour", {
    steps: () => [
        {
            content: "Escalate",
            trigger: "button[name='action_tma_escalate']",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Needs a database expert",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The ticket is at L2",
            trigger: ".o_field_widget[name='tma_support_level_id']:contains('Level 2')",
        },
    ],
});
