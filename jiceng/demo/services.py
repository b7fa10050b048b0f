"""`jiceng demo`: the region tree first, then every registered loader in its declared order."""

from jiceng.demo import registry
from jiceng.demo.district import load_regions_demo


def demo_load(*, progress: bool = True) -> list[tuple[str, str, str]]:
    """Load (or complete) the demo district; returns the logins the loaders report, one per role."""
    district = load_regions_demo(progress)
    logins: list[tuple[str, str, str]] = []
    for loader in registry.loaders():
        logins.extend(loader(district, progress) or ())
    return logins
