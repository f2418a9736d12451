"""Charts for dashboards: a small, serialisable description that static/js/charts.js draws with ECharts.

Every chart carries its figures (shown in a table beneath it, for screen readers and printing) and,
per category, the URL of the filtered list behind it (a click on the bar or slice goes there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse


def filtered_url(name: str, **params) -> str:
    """The list behind a bar or slice: the named page with its filter in the query string."""
    return f"{reverse(name)}?{urlencode(params)}"


@dataclass
class Series:
    name: str
    values: list[float | int | Decimal]


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "bar", "hbar" (horizontal bars), "pie" or "line"
    labels: list[str]
    series: list[Series]
    urls: list[str] = field(default_factory=list)
    unit: str = ""  # shown in the table header, e.g. "人" or "元"

    def spec(self) -> dict:
        """What the browser needs (json_script-safe: strings and numbers only)."""
        return {
            "kind": self.kind,
            "labels": [str(label) for label in self.labels],
            "series": [{"name": str(s.name), "values": [float(v) for v in s.values]} for s in self.series],
            "urls": self.urls,
        }

    def rows(self) -> list[dict]:
        return [
            {
                "label": label,
                "url": self.urls[i] if i < len(self.urls) else "",
                "values": [s.values[i] for s in self.series],
            }
            for i, label in enumerate(self.labels)
        ]
