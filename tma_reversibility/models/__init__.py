from . import tma_document
from . import tma_reversibility_template
from . import tma_reversibility_item
from . import tma_reversibility_package
from . import tma_contract
from . import helpdesk_ticket
from . import tma_reversibility_demo
from . import report_tma_package
