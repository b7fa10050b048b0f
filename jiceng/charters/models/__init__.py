from jiceng.charters.models.charter import Charter, CharterKind

__all__ = ["Charter", "CharterKind"]
