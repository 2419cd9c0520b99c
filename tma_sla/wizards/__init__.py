from . import tma_sla_escalate
