"""The pack as a 16:9 PowerPoint file in the organisation's colours."""

from io import BytesIO

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_AUTO_SIZE, MSO_VERTICAL_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from actions.packs.pack import INK, EventPack, Organisation
from actions.packs.slides import BULLET_GAP, LEAD_GAP, Slide, pack_slides

PPTX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
SLIDE_WIDTH = Emu(12192000)  # 13.333 inches: 16:9
SLIDE_HEIGHT = Emu(6858000)  # 7.5 inches
MARGIN = Inches(0.6)
TEXT_INSET = Inches(0.1)  # between a text box's edge and its text
LAYOUT_TITLE, LAYOUT_TITLE_AND_CONTENT = 0, 1


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _put(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _bar(slide, colour: str, left, top, width, height) -> None:
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(colour)
    bar.line.fill.background()
    bar.shadow.inherit = False


def _no_bullet(paragraph) -> None:
    properties = paragraph._p.get_or_add_pPr()
    properties.set("marL", "0")
    properties.set("indent", "0")
    properties.insert_element_before(
        properties.makeelement(qn("a:buNone"), {}),
        "a:buAutoNum",
        "a:buChar",
        "a:tabLst",
        "a:defRPr",
        "a:extLst",
    )


def _write(paragraph, text: str, *, size: int, bold=False, colour: str = INK) -> None:
    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = _rgb(colour)


def _title_slide(deck, slide: Slide, organisation: Organisation) -> None:
    page = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE])
    page.background.fill.solid()
    page.background.fill.fore_color.rgb = _rgb(organisation.colour)
    text_colour = organisation.text_colour

    name = page.shapes.add_textbox(Inches(0.8), Inches(0.6), Inches(11.7), Inches(0.7))
    name.text_frame.word_wrap = True
    name.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    _write(name.text_frame.paragraphs[0], organisation.name, size=24, bold=True, colour=text_colour)
    _bar(page, organisation.accent_colour, Inches(0.9), Inches(1.9), Inches(2.4), Inches(0.12))

    title = page.shapes.title
    _put(title, Inches(0.8), Inches(2.2), Inches(11.7), Inches(2.0))
    title.text_frame.word_wrap = True
    title.text_frame.vertical_anchor = MSO_VERTICAL_ANCHOR.BOTTOM
    paragraph = title.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    _write(paragraph, slide.title, size=44, bold=True, colour=text_colour)

    subtitle = page.placeholders[1]
    _put(subtitle, Inches(0.8), Inches(4.5), Inches(11.7), Inches(2.2))
    frame = subtitle.text_frame
    frame.word_wrap = True
    for number, line in enumerate(line for line in slide.lines if line):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.LEFT
        _write(paragraph, line, size=24, colour=text_colour)


def _content_slide(deck, slide: Slide, organisation: Organisation, qr_png: bytes | None):
    page = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_AND_CONTENT])
    _bar(page, organisation.colour, 0, 0, SLIDE_WIDTH, Inches(0.2))
    _bar(
        page,
        organisation.accent_colour,
        MARGIN + TEXT_INSET,
        Inches(1.4),
        Inches(1.6),
        Inches(0.08),
    )

    title = page.shapes.title
    _put(title, MARGIN, Inches(0.35), SLIDE_WIDTH - 2 * MARGIN, Inches(1.0))
    title.text_frame.word_wrap = True
    title.text_frame.vertical_anchor = MSO_VERTICAL_ANCHOR.BOTTOM
    title.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    _write(
        title.text_frame.paragraphs[0],
        slide.title,
        size=34,
        bold=True,
        colour=organisation.heading_colour,
    )

    body = page.placeholders[1]
    body_width = SLIDE_WIDTH - 2 * MARGIN - (Inches(4.0) if qr_png else 0)
    _put(body, MARGIN, Inches(1.65), body_width, SLIDE_HEIGHT - Inches(2.05))
    frame = body.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    paragraphs = iter([frame.paragraphs[0]])

    def next_paragraph():
        return next(paragraphs, None) or frame.add_paragraph()

    for line in slide.lines:
        paragraph = next_paragraph()
        _no_bullet(paragraph)
        paragraph.space_after = Pt(LEAD_GAP)
        _write(paragraph, line, size=20)
    for bullet in slide.bullets:
        paragraph = next_paragraph()
        paragraph.space_after = Pt(BULLET_GAP)
        if bullet.is_heading:
            _no_bullet(paragraph)
            _write(paragraph, bullet.text, size=20, bold=True, colour=organisation.heading_colour)
            continue
        _write(paragraph, bullet.text, size=20, bold=bool(bullet.detail))
        if bullet.detail:
            paragraph.add_line_break()
            _write(paragraph, bullet.detail, size=16)

    if qr_png:
        size = Inches(3.4)
        left = SLIDE_WIDTH - MARGIN - size
        page.shapes.add_picture(BytesIO(qr_png), left, Inches(1.8), size, size)
        caption = page.shapes.add_textbox(left, Inches(5.3), size, Inches(0.8))
        caption.text_frame.word_wrap = True
        paragraph = caption.text_frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.CENTER
        _write(paragraph, _("Give feedback: scan the code"), size=16, bold=True)
    if slide.notes:
        page.notes_slide.notes_text_frame.text = slide.notes


def feedback_qr_png(url: str) -> bytes:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()


def pptx_for(pack: EventPack) -> bytes:
    """The pack as a 16:9 PowerPoint file. Each slide's title is in its title
    placeholder, as PowerPoint's outline and screen readers expect."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    organisation = pack.organisation
    for slide in pack_slides(pack):
        if slide.kind == "title":
            _title_slide(deck, slide, organisation)
        else:
            qr_png = feedback_qr_png(pack.feedback_url) if slide.kind == "close" else None
            _content_slide(deck, slide, organisation, qr_png)
    properties = deck.core_properties
    properties.title = pack.event.title
    properties.subject = _("Event pack")
    properties.author = organisation.name
    properties.last_modified_by = organisation.name
    properties.keywords = ""
    properties.comments = ""
    properties.revision = 1
    properties.created = properties.modified = timezone.now().replace(tzinfo=None)
    buffer = BytesIO()
    deck.save(buffer)
    return buffer.getvalue()
