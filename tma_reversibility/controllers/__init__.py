from . import portal
from . import takeon
