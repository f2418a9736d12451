"""Certificates (获奖证书) as PDF, drawn with ReportLab and a Chinese TrueType font embedded (as a subset).

The font is WenQuanYi Micro Hei, Debian's ``fonts-wqy-microhei`` (the set-up installs it; the path can be
changed with the CONTESTS_CERTIFICATE_FONT setting). It has TrueType outlines, which ReportLab embeds; a
font with CFF outlines (most OpenType CJK fonts) it cannot. Many certificates go into one PDF, one page
each, so that an organiser prints a whole contest from one download (the font subset is embedded once).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FONT_NAME = "UnionCJK"
DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
UNION_NAME = "南通市级机关工会"


@dataclass(frozen=True)
class Certificate:
    number: str
    name: str
    unit: str
    contest: str
    prize: str
    work: str
    on: date
    issuer: str


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        path = getattr(settings, "CONTESTS_CERTIFICATE_FONT", DEFAULT_FONT)
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
        except Exception as exc:  # noqa: BLE001 - a missing or unusable font is a set-up error
            raise ImproperlyConfigured(
                f"certificate font {path} unusable ({exc}); install fonts-wqy-microhei (see README)"
            ) from exc
    return FONT_NAME


def _page(c, cert: Certificate, font: str) -> None:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape

    width, height = landscape(A4)
    red, gold, ink = HexColor("#B22222"), HexColor("#C9A227"), HexColor("#222222")
    c.setStrokeColor(red)
    c.setLineWidth(6)
    c.rect(24, 24, width - 48, height - 48)
    c.setStrokeColor(gold)
    c.setLineWidth(1.5)
    c.rect(36, 36, width - 72, height - 72)
    c.setFillColor(red)
    c.setFont(font, 46)
    c.drawCentredString(width / 2, height - 130, "荣 誉 证 书")
    c.setFillColor(ink)
    c.setFont(font, 22)
    who = f"{cert.unit} {cert.name} 同志：" if cert.unit else f"{cert.name} 同志："
    c.drawString(110, height - 205, who)
    c.setFont(font, 20)
    line = f"您的作品《{cert.work}》在{cert.contest}中荣获" if cert.work else f"您在{cert.contest}中荣获"
    y = height - 255
    for chunk in _wrap(line, 30):
        c.drawString(150, y, chunk)
        y -= 34
    c.setFillColor(red)
    c.setFont(font, 40)
    c.drawCentredString(width / 2, y - 30, cert.prize)
    c.setFillColor(ink)
    c.setFont(font, 20)
    c.drawString(150, y - 90, "特发此证，以资鼓励。")
    c.setFont(font, 20)
    c.drawRightString(width - 110, 120, cert.issuer)
    c.drawRightString(width - 110, 90, f"{cert.on.year}年{cert.on.month}月{cert.on.day}日")
    c.setFont(font, 11)
    c.drawString(60, 50, f"证书编号：{cert.number}")


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def certificates_pdf(certificates: Iterable[Certificate]) -> bytes:
    """One PDF, a landscape A4 page per certificate."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    font = _font()
    out = io.BytesIO()
    c = Canvas(out, pagesize=landscape(A4), pageCompression=1, initialFontName=font)
    c.setTitle("获奖证书")
    c.setAuthor(UNION_NAME)
    count = 0
    for cert in certificates:
        _page(c, cert, font)
        c.showPage()
        count += 1
    if not count:
        c.showPage()
    c.save()
    return out.getvalue()
