from . import tma_unit_adjustment
from . import tma_contract_terminate
from . import tma_entry_reverse
from . import tma_act_on_behalf
from . import tma_amendment_decision
