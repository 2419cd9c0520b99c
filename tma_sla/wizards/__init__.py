from . import tma_sla_escalate
from . import tma_act_on_behalf
