"""The slides of a pack, in order: the same for the PowerPoint file and the printable
page. Long lists are split over slides so that each can be read from the back of a
hall."""

from dataclasses import dataclass, replace
from math import ceil

from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.models import Action
from actions.packs.pack import EventPack

# What fits on one slide read from the back of a hall: at most six bullets, and no more
# lines than the body of a 16:9 slide holds at the sizes the PowerPoint file uses
# (points; a line is 1.2 times its type size, a bullet is followed by 8pt of space).
BULLETS_PER_SLIDE = 6
BODY_HEIGHT = 380
LEAD_LINE, LEAD_GAP, LEAD_CHARACTERS = 24, 10, 85
TEXT_LINE, TEXT_CHARACTERS = 24, 75
DETAIL_LINE, DETAIL_CHARACTERS_PER_LINE = 19.2, 100
BULLET_GAP = 8
DETAIL_CHARACTERS = 180


@dataclass(frozen=True)
class Bullet:
    text: str
    detail: str = ""
    is_heading: bool = False
    note: str = ""  # for the speaker, not shown on the slide

    @property
    def height(self) -> float:
        """Roughly how tall the bullet is on a slide, in points."""
        detail_lines = ceil(len(self.detail) / DETAIL_CHARACTERS_PER_LINE)
        text_lines = max(ceil(len(self.text) / TEXT_CHARACTERS), 1)
        return text_lines * TEXT_LINE + detail_lines * DETAIL_LINE + BULLET_GAP


def lead_height(lines) -> float:
    return sum(max(ceil(len(line) / LEAD_CHARACTERS), 1) * LEAD_LINE + LEAD_GAP for line in lines)


@dataclass(frozen=True)
class Slide:
    title: str
    kind: str = "content"  # "title", "content" or "close"
    lines: tuple[str, ...] = ()
    bullets: tuple[Bullet, ...] = ()
    part: str = ""

    @property
    def notes(self) -> str:
        return "\n".join(bullet.note for bullet in self.bullets if bullet.note)


def short(text: str, length: int = DETAIL_CHARACTERS) -> str:
    return Truncator(" ".join(text.split())).chars(length)


def split_into_slides(title: str, bullets: list[Bullet], *, lines=()) -> list[Slide]:
    """One slide, or more if the bullets would not fit on one: at most six bullets and
    no more words than the slide's body holds. The slides after the first say
    "continued"."""
    chunks: list[list[Bullet]] = []
    chunk: list[Bullet] = []
    used = lead_height(lines)
    for bullet in bullets:
        if len(chunk) >= BULLETS_PER_SLIDE or (chunk and used + bullet.height > BODY_HEIGHT):
            chunks.append(chunk)
            chunk, used = [], 0
        chunk.append(bullet)
        used += bullet.height
    if chunk or not chunks:
        chunks.append(chunk)
    return [
        Slide(
            title=title if number == 0 else _("%(title)s (continued)") % {"title": title},
            lines=tuple(lines) if number == 0 else (),
            bullets=tuple(chunk),
        )
        for number, chunk in enumerate(chunks)
    ]


def _since_summary(pack: EventPack) -> Slide:
    previous = pack.previous_event
    lines = [
        _("We last met on %(day)s, at %(event)s.")
        % {"day": pack.previous_when, "event": previous.title},
    ]
    bullets = []
    if pack.has_news:
        counts = [
            (
                len(pack.agreed),
                ngettext("%(count)d action agreed", "%(count)d actions agreed", len(pack.agreed)),
            ),
            (
                len(pack.done),
                ngettext("%(count)d action done", "%(count)d actions done", len(pack.done)),
            ),
            (
                len(pack.cannot_act),
                ngettext(
                    "%(count)d we cannot act on, and why",
                    "%(count)d we cannot act on, and why",
                    len(pack.cannot_act),
                ),
            ),
            (
                len(pack.findings),
                ngettext(
                    "%(count)d write-up of what you told us shared",
                    "%(count)d write-ups of what you told us shared",
                    len(pack.findings),
                ),
            ),
        ]
        lines.append(_("Since then:"))
        bullets = [Bullet(label % {"count": count}) for count, label in counts if count]
    else:
        lines.append(
            _(
                "Nothing new has been agreed or finished since then. We will tell you "
                "about progress at the next meeting."
            )
        )
    return Slide(title=_("Since we last met"), lines=tuple(lines), bullets=tuple(bullets))


def _action_bullet(action: Action, detail: str) -> Bullet:
    return Bullet(
        short(action.title, 120),
        detail,
        note=_("%(title)s. You said: %(you_said)s")
        % {"title": action.title, "you_said": " ".join(action.you_said.split())},
    )


def _since_slides(pack: EventPack) -> list[Slide]:
    slides = [_since_summary(pack)]
    parts = [
        (
            _("Since we last met: agreed"),
            pack.agreed,
            lambda action: short(action.we_did),
        ),
        (
            _("Since we last met: done"),
            pack.done,
            lambda action: short(action.we_did),
        ),
        (
            _("Since we last met: where we cannot act"),
            pack.cannot_act,
            lambda action: _("Why: %(reason)s") % {"reason": short(action.cannot_act_reason)},
        ),
    ]
    for title, actions, detail in parts:
        if actions:
            bullets = [_action_bullet(action, detail(action)) for action in actions]
            slides += split_into_slides(title, bullets)
    if pack.findings:
        bullets = []
        for findings in pack.findings:
            version = findings.agreed_version
            bullets.append(
                Bullet(
                    short(findings.title, 120),
                    is_heading=True,
                    note=" ".join(version.overview.split()) if version else "",
                )
            )
            sections = version.sections.all() if version else []
            bullets += [
                Bullet(short(section.heading, 120), short(section.summary, 160))
                for section in sections
            ]
        slides += split_into_slides(_("Findings we shared"), bullets)
    return [replace(slide, part="since-we-last-met") for slide in slides]


def pack_slides(pack: EventPack) -> list[Slide]:
    """The slides in the order they are shown."""
    organisation = pack.organisation
    slides = [
        Slide(
            title=pack.event.title,
            kind="title",
            lines=(pack.when, pack.place, pack.audience),
        )
    ]
    slides += split_into_slides(
        _("Welcome and agenda"),
        [Bullet(short(line, 160)) for line in pack.agenda],
        lines=(_("Welcome, and thank you for coming."),),
    )
    slides += split_into_slides(
        _("The Police Race Action Plan"),
        [Bullet(entry.name, short(entry.description)) for entry in pack.workstreams],
        lines=(
            _(
                "A national plan for policing in England and Wales to become anti-racist "
                "and to work better for and with Black people and communities. "
                "%(organisation)s is part of it. It asks the police to do better in four "
                "ways:"
            )
            % {"organisation": organisation.name},
        ),
    )
    if pack.key_questions:
        slides += split_into_slides(
            _("Our key questions"),
            [Bullet(question.text, short(question.hint)) for question in pack.key_questions],
            lines=(_("Today we would like to hear from you on:"),),
        )
    if pack.since_we_last_met:
        slides += _since_slides(pack)
    slides.append(
        Slide(
            title=_("How to give feedback and keep in touch"),
            kind="close",
            lines=(_("Thank you for coming."),),
            bullets=(
                Bullet(
                    _("Tell us what you think"),
                    _("Scan the code or go to %(url)s. It is anonymous: we do not ask your name.")
                    % {"url": pack.feedback_url},
                ),
                Bullet(_("Prefer paper?"), _("Ask an officer for a form.")),
                Bullet(
                    _("Hear what we do about it"),
                    _("Ask for updates by email at %(url)s.") % {"url": pack.keep_in_touch_url},
                ),
                Bullet(
                    _("See what we said we would do"),
                    _("You Said, We Did: %(url)s") % {"url": pack.you_said_we_did_url},
                ),
            ),
        )
    )
    return slides
