"""The demo registry: every app registers its own demo loader here, in its `AppConfig.ready`.

    register("alliance", load_alliance_demo, order=100)

A loader is called as `loader(district, progress)` once the demo district's region
tree is in place, and must be idempotent. It may return logins to print, as
(role, login, password) triples. Loaders run by `order`, then by name; the district
base (organisations 20, people 30, users 40) comes first.
"""

from collections.abc import Callable, Iterable

Loader = Callable[..., Iterable[tuple[str, str, str]] | None]

_registered: dict[str, tuple[int, Loader]] = {}


def _key(loader: Loader) -> tuple[str | None, str]:
    return getattr(loader, "__module__", None), getattr(loader, "__qualname__", repr(loader))


def _same(a: Loader, b: Loader) -> bool:
    # A module imported again (e.g. reloaded) makes a new function object for the same loader.
    return a is b or _key(a) == _key(b)


def register(name: str, loader: Loader, *, order: int) -> None:
    """Register `loader` under `name`; registering the same loader again is harmless."""
    known = _registered.get(name)
    if known is not None:
        if known[0] == order and _same(known[1], loader):
            _registered[name] = (order, loader)  # the newest object, should its module have been reloaded
            return
        raise ValueError(
            f"示范数据加载器 {name!r} 已注册为 {known[1]!r}（顺序 {known[0]}）：请换一个名字，"
            f"或只在本应用的 AppConfig.ready 里注册一次 (demo loader {name!r} is already registered)"
        )
    for other, (_order, fn) in _registered.items():
        if _same(fn, loader):
            raise ValueError(
                f"{loader!r} 已以 {other!r} 注册：同一个加载器只注册一次 "
                f"(already registered as demo loader {other!r})"
            )
    _registered[name] = (order, loader)


def loaders() -> list[Loader]:
    """The registered loaders in the order they run."""
    return [fn for _name, (_order, fn) in sorted(_registered.items(), key=lambda kv: (kv[1][0], kv[0]))]
