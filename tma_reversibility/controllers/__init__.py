from . import checklist
from . import portal
from . import takeon
