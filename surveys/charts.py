"""A chart per question (members.charts draws them as the dashboards do), the figures in a table beneath."""

from __future__ import annotations

from django.utils.translation import gettext as _

from members.charts import Chart, Series

from .models import QuestionKind


def question_charts(results) -> list[tuple]:
    out = []
    for i, qr in enumerate(results.questions, start=1):
        q = qr.question
        if q.kind == QuestionKind.TEXT:
            out.append((qr, None))
            continue
        kind = "pie" if q.kind == QuestionKind.SINGLE and len(qr.counts) <= 6 else "hbar"
        if q.kind == QuestionKind.RATING:
            kind = "bar"
        chart = Chart(
            key=f"q{q.pk}",
            title=f"{i}. {q.text}",
            kind=kind,
            labels=[label for label, _n in qr.counts],
            series=[Series(_("Answers"), [n for _label, n in qr.counts])],
            unit=_("people"),
        )
        out.append((qr, chart))
    return out
