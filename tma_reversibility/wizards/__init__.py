from . import tma_takeon_import
