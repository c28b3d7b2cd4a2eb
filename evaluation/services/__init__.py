from evaluation.services.survey import (
    about_you_record,
    about_you_stage,
    evaluation_release_held,
    response_record,
    response_stage,
    wave_add_question,
    wave_close,
    wave_create,
    wave_open,
)

__all__ = [
    "about_you_record",
    "about_you_stage",
    "evaluation_release_held",
    "response_record",
    "response_stage",
    "wave_add_question",
    "wave_close",
    "wave_create",
    "wave_open",
]
