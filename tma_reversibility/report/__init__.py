from . import report_tma_package
