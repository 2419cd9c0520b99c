from . import report_tma_sla_service_report
