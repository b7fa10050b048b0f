from jiceng.charters.errors import CharterError
from jiceng.charters.services.charter import charter_adopt

__all__ = ["CharterError", "charter_adopt"]
