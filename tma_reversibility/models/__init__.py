from . import tma_document
from . import tma_reversibility_template
from . import tma_reversibility_template_line
from . import tma_reversibility_item
from . import tma_reversibility_package
from . import tma_contract
from . import helpdesk_ticket
from . import tma_preventive_occurrence
