"""The pack for an event: the slides officers open the meeting with, as a PowerPoint
file and as a printable page, and a one-page handout for the people who come.

The slides welcome people and give the agenda, say what the Police Race Action Plan
and its four workstreams are, put the programme's key questions, and say what happened
since the community last met the force: public actions agreed, done, or that the force
cannot act on (with the reason), and findings shared. A community meeting the force
for the first time gets no "since we last met" part. The force's name and colours come
from settings. Nothing in a pack names a member of staff or the public: a department's
name is enough."""

from actions.packs.pack import (  # noqa: F401
    EventPack,
    Organisation,
    WorkstreamEntry,
    event_pack,
    previous_event_for,
)
from actions.packs.powerpoint import PPTX_CONTENT_TYPE, feedback_qr_png, pptx_for  # noqa: F401
from actions.packs.slides import Bullet, Slide, pack_slides, split_into_slides  # noqa: F401
