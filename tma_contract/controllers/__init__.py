from . import portal
from . import main
from . import preventive
from . import home
from . import amendment
from . import register
from . import evolution
