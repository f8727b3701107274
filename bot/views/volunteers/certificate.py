"""The thank-you letter as a one-page PDF certificate, in the volunteer's language.

fpdf2 draws it (pure Python, embeds and subsets TrueType fonts with a ToUnicode map, so the
text stays searchable and copyable); DejaVu Sans comes with matplotlib, which the bot already
ships for /stats charts, and covers every Kazakh letter (ә ғ қ ң ө ұ ү һ і). Call it inside
the reader's locale (gettext) and off the event loop (it is CPU work).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from aiogram.utils.i18n import gettext as _
from fpdf import FPDF

from bot.services.dates import format_day
from bot.services.volunteers.recognition import LetterDocument
from bot.views.labels import region_name

BLUE = (16, 86, 140)
GOLD = (184, 146, 54)
INK = (30, 30, 30)


@cache
def _fonts() -> tuple[Path, Path]:
    import matplotlib  # only for its font files

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def movement_name() -> str:
    return _("The anti-corruption volunteering movement")


def certificate_pdf(letter: LetterDocument, locale: str) -> bytes:
    regular, bold = _fonts()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(25, 20, 25)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_title(_("Thank-you letter"))
    pdf.set_author(movement_name())
    pdf.add_page()

    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(2.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.6)
    pdf.rect(15, 15, 267, 180)

    def line(text: str, size: float, *, style: str = "", color=INK, height: float = 10) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(*color)
        pdf.multi_cell(0, height, text, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(26)
    line(movement_name(), 14, style="B", color=BLUE, height=8)
    pdf.ln(6)
    line(_("THANK-YOU LETTER"), 34, style="B", color=BLUE, height=16)
    pdf.ln(4)
    line(_("This letter is awarded to"), 14, height=8)
    pdf.ln(2)
    line(letter.name, 28, style="B", height=14)
    line(_("Region: {region}").format(region=region_name(letter.region, locale)), 13, height=8)
    pdf.ln(5)
    line(
        _("With gratitude for active participation in anti-corruption monitoring."),
        14,
        height=8,
    )
    line(f"«{letter.reason}»", 14, height=8)
    pdf.ln(3)
    line(
        _("Findings accepted: {findings}. Training sessions attended: {trainings}.").format(
            findings=letter.findings, trainings=letter.trainings
        ),
        12,
        color=(90, 90, 90),
        height=7,
    )

    pdf.set_xy(25, 176)
    pdf.set_font("DejaVu", "", 12)
    pdf.set_text_color(*INK)
    pdf.cell(120, 8, _("Date: {date}").format(date=format_day(letter.awarded_on, locale)))
    pdf.set_xy(152, 176)
    pdf.cell(120, 8, _("Moderators of the region"), align="R")
    return bytes(pdf.output())
