"""What counts as covered: the filters of every coverage figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jiceng.circle.coverage import DEFAULT_LIMIT_M, DEFAULT_WALK_SPEED_M_PER_MIN
from jiceng.circle.models import PlaceKind, hours_open_at


@dataclass(frozen=True)
class CircleParams:
    """What counts as covered: the walking limit, which kinds of place, open at what time."""

    limit_m: float = DEFAULT_LIMIT_M
    kinds: tuple[str, ...] = ()  # empty: every kind
    open_at: dt.time | None = None
    minutes: float | None = None  # when the limit came from a walking time
    speed_m_per_min: float | None = None

    def counts(self, kind: str, always_open: bool, opens_at, closes_at) -> bool:
        if self.kinds and kind not in self.kinds:
            return False
        if self.open_at is not None and not hours_open_at(always_open, opens_at, closes_at, self.open_at):
            return False
        return True

    def describe(self) -> str:
        if self.minutes is not None:
            distance = _("步行 %(m)s 分钟（每分钟 %(s)s 米，共 %(d)s 米）") % {
                "m": f"{self.minutes:g}",
                "s": f"{self.speed_m_per_min or DEFAULT_WALK_SPEED_M_PER_MIN:.1f}",
                "d": f"{self.limit_m:.0f}",
            }
        else:
            distance = _("步行 %(d)s 米") % {"d": f"{self.limit_m:.0f}"}
        labels = dict(PlaceKind.choices)
        kinds = "、".join(str(labels[k]) for k in self.kinds) if self.kinds else _("全部类型的阵地")
        when = _("%(t)s 开放的阵地") % {"t": f"{self.open_at:%H:%M}"} if self.open_at else _("不限开放时间")
        return "；".join([distance, kinds, when])

    def as_dict(self) -> dict:
        return {
            "limit_m": self.limit_m,
            "kinds": list(self.kinds),
            "open_at": self.open_at.strftime("%H:%M") if self.open_at else None,
            "minutes": self.minutes,
            "speed_m_per_min": self.speed_m_per_min,
        }
