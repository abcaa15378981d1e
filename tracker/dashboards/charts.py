"""Geometry for the server-rendered SVG charts; the templates draw what these compute.

Colours are the Okabe-Ito palette, which stays distinguishable with the common colour-vision
deficiencies; every chart is also given as a table of its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
)


LABEL_CHARS = 28


@dataclass
class Bar:
    label: str
    value: int | Decimal
    text: str
    href: str
    y: float = 0
    width: float = 0
    value_x: float = 0


@dataclass
class BarChart:
    """Horizontal bars: labels on the left, so long names stay readable on a narrow screen."""

    title: str
    bars: list[Bar]
    colour: str = BLUE
    width: int = 0  # set from the labels
    label_width: float = 0
    bar_height: int = 22
    gap: int = 6

    def __post_init__(self) -> None:
        # Room for the longest label (cut at LABEL_CHARS) at about 7.4 units a character.
        longest = max((len(bar.label) for bar in self.bars), default=0)
        self.label_width = max(70, min(LABEL_CHARS, longest) * 7.4 + 10)
        self.width = round(self.label_width + 290)
        room = self.width - self.label_width - 70  # 70 for the figure after the bar
        peak = max((bar.value for bar in self.bars), default=0) or 1
        for index, bar in enumerate(self.bars):
            bar.y = index * (self.bar_height + self.gap)
            bar.width = round(float(bar.value) / float(peak) * room, 1) if bar.value else 0
            bar.value_x = round(self.label_width + bar.width + 5, 1)

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * (self.bar_height + self.gap)

    @property
    def text_dy(self) -> float:
        return self.bar_height / 2 + 4

    @property
    def display_width(self) -> int:
        """Widest it is drawn, in CSS pixels: 13-unit text shows at about 17 px on a laptop."""
        return round(self.width * 1.3)

    @property
    def label_x(self) -> float:
        return self.label_width - 6


@dataclass
class Column:
    value: int
    href: str
    label: str
    x: float = 0
    y: float = 0
    height: float = 0
    colour: str = ""


@dataclass
class Group:
    label: str
    columns: list[Column]
    x: float = 0
    label_x: float = 0


@dataclass
class ColumnChart:
    """Grouped vertical columns (e.g. won and lost per month)."""

    title: str
    groups: list[Group]
    series: list[tuple[str, str]]  # (name, colour), one per column in a group
    width: int = 480
    plot_height: int = 160
    top: int = 16
    left: int = 30

    def __post_init__(self) -> None:
        peak = max((c.value for g in self.groups for c in g.columns), default=0) or 1
        slot = (self.width - self.left) / max(len(self.groups), 1)
        column_width = slot * 0.8 / max(len(self.series), 1)
        self.column_width = round(column_width, 1)
        self.slot = round(slot, 1)
        self.peak = peak
        for index, group in enumerate(self.groups):
            group.x = round(self.left + index * slot, 1)
            group.label_x = round(group.x + slot / 2, 1)
            for position, column in enumerate(group.columns):
                column.colour = self.series[position][1]
                column.height = round(column.value / peak * self.plot_height, 1)
                column.x = round(group.x + slot * 0.1 + position * column_width, 1)
                column.y = round(self.top + self.plot_height - column.height, 1)

    @property
    def height(self) -> int:
        return self.top + self.plot_height + 24

    @property
    def baseline(self) -> int:
        return self.top + self.plot_height

    @property
    def label_y(self) -> int:
        return self.baseline + 16


def heat_level(value: int, peak: int) -> int:
    """0 (none) to 4 (the busiest cell), for the matrix's shading classes."""
    if not value or not peak:
        return 0
    return min(4, 1 + int(value / peak * 3.999))


def short_amount(amount: Decimal | int) -> str:
    """12 500 000 -> 12.5M; the tables carry the exact figure."""
    amount = float(amount)
    for limit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if amount >= limit:
            return f"{amount / limit:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{amount:.0f}"
