"""The letterhead every PDF the product writes shares: an A4 page naming the organisation, the document, the claim
and the worker, numbered "Page X of Y", with paragraphs, bullets, labelled facts and tables in the core fonts."""

import unicodedata
from datetime import date

from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

INK, MUTED, RULE, SHADE = (25, 25, 25), (90, 90, 90), (160, 160, 160), (232, 237, 243)
HEADINGS = FontFace(emphasis="BOLD", fill_color=SHADE)


def latin1(value) -> str:
    """Text the PDF core fonts can draw: accents kept, a letter with a latin-1 base letter reduced to it, else '?'."""
    return "".join(_latin1_char(c) for c in ("-" if value is None else str(value)))


def _latin1_char(c: str) -> str:
    # the core fonts know latin-1 only, and fpdf2 ships no Unicode font to fall back to
    if ord(c) < 256:
        return c
    base = unicodedata.normalize("NFKD", c)[0]
    return base if ord(base) < 256 else "?"


class Document(FPDF):
    """An A4 document on the clinic's letterhead, naming the claim and the worker and numbering its pages
    ("Page X of Y") on every page."""

    def __init__(self, clinic: str, title: str, claim_number: str, worker_name: str):
        super().__init__(format="A4")
        self.clinic, self.heading, self.subject = latin1(clinic), latin1(title), latin1(
            f"Claim {claim_number} - {worker_name}")
        self.set_margins(15, 14, 15)
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages()
        self.set_title(f"{self.heading} {latin1(claim_number)}")
        self.set_creator(self.clinic)

    def header(self) -> None:
        """The letterhead: the clinic's name, the document's title, the claim and the worker, a rule."""
        self.set_text_color(18, 54, 92)
        self.set_font("Helvetica", "B", 14)
        if self.get_string_width(self.clinic) > 112:   # a long name still fits beside the title
            self.set_font("Helvetica", "B", 10)
        self.cell(115, 7, self.clinic)
        self.set_font("Helvetica", "B", 10)
        self.cell(0, 7, self.heading, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", size=8.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4.5, self.subject, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(18, 54, 92)
        self.set_line_width(0.5)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.set_line_width(0.2)
        self.set_text_color(*INK)
        self.ln(5)

    def footer(self) -> None:
        """The preparation date and the page number out of the total."""
        self.set_y(-13)
        self.set_font("Helvetica", size=8)
        self.set_text_color(*MUTED)
        self.cell(90, 5, f"Prepared on {date.today().isoformat()}")
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*INK)

    def title_line(self, text: str) -> None:
        """The document's title under the letterhead."""
        self.set_font("Helvetica", "B", 16)
        self.line_of(text, height=9)
        self.set_font("Helvetica", size=10)

    def line_of(self, text: str, height: float = 5.5) -> None:
        """A paragraph the width of the page."""
        self.multi_cell(0, height, latin1(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bullets(self, texts: list[str]) -> None:
        """A bulleted list, each item wrapped under its own text."""
        for text in texts:
            self.cell(5, 5.5, chr(149))
            self.multi_cell(0, 5.5, latin1(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def section(self, text: str, keep: float = 30) -> None:
        """A section heading, on a new page when too little room is left for the heading and what follows."""
        if self.will_page_break(keep + 12):
            self.add_page()
        self.ln(3)
        self.set_font("Helvetica", "B", 12)
        self.set_text_color(18, 54, 92)
        self.line_of(text, height=7)
        self.set_text_color(*INK)
        self.set_font("Helvetica", size=10)

    def facts(self, pairs: list[tuple[str, str]], columns: int = 2) -> None:
        """Labelled facts in columns ("Label: value", the label bold), with no grid."""
        self.set_font("Helvetica", size=9.5)
        with self.table(borders_layout="NONE", first_row_as_headings=False, text_align="LEFT", markdown=True,
                        line_height=5.2, padding=(0.6, 1, 0.6, 0)) as table:
            for i in range(0, len(pairs), columns):
                row, chunk = table.row(), pairs[i:i + columns]
                for n, (label, value) in enumerate(chunk, start=1):
                    # the last fact of a short row spans what is left of it
                    row.cell(f"**{_escape(latin1(label))}:** {_escape(latin1(value))}",
                             colspan=columns - len(chunk) + 1 if n == len(chunk) else 1)
        self.set_font("Helvetica", size=10)

    def grid(self, rows: list[list], widths: list[float] | None = None, size: float = 8.5) -> None:
        """A table with a shaded heading row, repeated on every page it runs onto."""
        self.set_font("Helvetica", size=size)
        self.set_draw_color(*RULE)
        with self.table(text_align="LEFT", col_widths=widths, headings_style=HEADINGS, line_height=size * 0.55,
                        padding=1) as table:
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(latin1(value))
        self.set_font("Helvetica", size=10)


def _escape(text: str) -> str:
    # the facts use markdown for the bold label: a value's own markers ("**", "--", ...) must print as typed
    for marker in FPDF.MARKDOWN_MARKERS:
        text = text.replace(marker, FPDF.MARKDOWN_ESCAPE_CHARACTER + marker)
    return text
