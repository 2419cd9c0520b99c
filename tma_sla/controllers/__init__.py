from . import portal
from . import availability
