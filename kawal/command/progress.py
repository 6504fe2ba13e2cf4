"""How far the boxes have come: milestones, the current stage, and the map's colour bands.

Pure: plain data in, plain data out. A box's milestones follow from its folded state and the
last place level it reached (custody/states.py keeps both on the box).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from kawal.custody.models import Box
from kawal.operations.models import Stage

S = Box.State

DELIVERED, OPENED, SEALED, AT_PPS, AT_PPK, AT_KPU = (
    "delivered", "opened", "sealed", "at_pps", "at_ppk", "at_kpu",
)
MILESTONES = (DELIVERED, OPENED, SEALED, AT_PPS, AT_PPK, AT_KPU)
LABELS = {
    DELIVERED: _("logistics delivered to TPS"),
    OPENED: _("boxes opened"),
    SEALED: _("boxes sealed"),
    AT_PPS: _("handed to PPS"),
    AT_PPK: _("handed to PPK"),
    AT_KPU: _("at KPU"),
}
# The same, short enough to head a table's column.
SHORT_LABELS = {
    DELIVERED: _("at TPS"),
    OPENED: _("opened"),
    SEALED: _("sealed"),
    AT_PPS: _("at PPS"),
    AT_PPK: _("at PPK"),
    AT_KPU: _("at KPU"),
}
# The milestone each stage is judged by: what the map colours and the stage bar leads with.
STAGE_MILESTONE: dict[str, str] = {
    Stage.Kind.DISTRIBUTION: DELIVERED,
    Stage.Kind.QUIET: DELIVERED,
    Stage.Kind.VOTING: SEALED,
    Stage.Kind.RETURN: AT_PPK,
    Stage.Kind.RECAP_PPK: AT_PPK,
    Stage.Kind.RECAP_KPU: AT_KPU,
}
# Milestones of a box that is back on its way up, by the last place level it reached.
_RETURNING: dict[str, tuple[str, ...]] = {
    "tps": (DELIVERED, OPENED, SEALED),
    "pps": (DELIVERED, OPENED, SEALED, AT_PPS),
    "ppk": (DELIVERED, OPENED, SEALED, AT_PPS, AT_PPK),
    "kpu": MILESTONES,
}
_BY_STATE: dict[str, tuple[str, ...]] = {
    S.AT_TPS: (DELIVERED,),
    S.OPEN: (DELIVERED, OPENED),
    S.SEALED: (DELIVERED, OPENED, SEALED),
    S.AT_PPK_RECAP: (DELIVERED, OPENED, SEALED, AT_PPS, AT_PPK),
    S.AT_KPU: MILESTONES,
}


def reached(state: str, stop: str) -> tuple[str, ...]:
    """The milestones a box in `state`, last stopped at level `stop`, has passed."""
    if state == S.RETURNING:
        return _RETURNING.get(stop, ())
    return _BY_STATE.get(state, ())


@dataclass(frozen=True)
class StageWindow:
    kind: str
    label: str
    starts_at: datetime
    ends_at: datetime


def current_stage(stages: Sequence[StageWindow], now: datetime) -> StageWindow | None:
    """The stage running now; where stages overlap, the one that started last (of two that
    started together, the one that ends first: voting leads on voting day, then the return).

    Before the first stage that is the first; after the last, the last: the picture of a
    finished operation is how it ended.
    """
    if not stages:
        return None
    running = [s for s in stages if s.starts_at <= now < s.ends_at]
    if running:
        return max(running, key=lambda s: (s.starts_at, -s.ends_at.timestamp()))
    if now < min(s.starts_at for s in stages):
        return min(stages, key=lambda s: s.starts_at)
    return max(stages, key=lambda s: s.ends_at)


@dataclass(frozen=True)
class TimelineMark:
    stage: StageWindow
    left: float  # percent of the operation's span
    width: float
    current: bool


def timeline(stages: Sequence[StageWindow], now: datetime) -> tuple[list[TimelineMark], float]:
    """Each stage placed on one bar spanning all stages, and where now falls on it (percent)."""
    if not stages:
        return [], 0.0
    start = min(s.starts_at for s in stages)
    end = max(s.ends_at for s in stages)
    span = (end - start).total_seconds()
    current = current_stage(stages, now)
    marks = [
        TimelineMark(
            s,
            round(100 * (s.starts_at - start).total_seconds() / span, 2),
            round(100 * (s.ends_at - s.starts_at).total_seconds() / span, 2),
            s == current,
        )
        for s in sorted(stages, key=lambda s: s.starts_at)
    ]
    at = min(max((now - start).total_seconds() / span, 0.0), 1.0)
    return marks, round(100 * at, 2)


BANDS = 5


def band(done: int, total: int) -> int:
    """The map's colour band for a share done: 0 for none, BANDS for all, steps between."""
    if total <= 0 or done <= 0:
        return 0
    if done >= total:
        return BANDS
    return 1 + int((BANDS - 1) * done / total)


def percent(done: int, total: int) -> int:
    return int(100 * done / total) if total else 0

