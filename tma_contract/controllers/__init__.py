from . import portal
from . import main
from . import home
from . import amendment
