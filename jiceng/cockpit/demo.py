"""The cockpit's demo loader: the roll-up of the demo district, after every other loader."""

from jiceng.cockpit.services.rollup import rollup_refresh


def load_cockpit_demo(district, progress=None):
    rollup_refresh(district=district)
