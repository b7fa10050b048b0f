from jiceng.cockpit.models.rollup import Rollup, RollupStamp

__all__ = ["Rollup", "RollupStamp"]
