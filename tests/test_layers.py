"""The apps are layered one way (DESIGN.md section 4). import-linter checks imports in
`make lint`; this checks what imports cannot show: no model holds a relation to a model
of an app above it."""

from django.apps import apps

LAYERS = ["engagement", "events", "contacts", "feedback", "actions", "evaluation"]


def test_no_model_points_at_an_app_above_its_own():
    wrong = []
    for model in apps.get_models():
        app = model._meta.app_label
        if app not in LAYERS:
            continue
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            target = field.related_model._meta.app_label
            if target in LAYERS and LAYERS.index(target) > LAYERS.index(app):
                wrong.append(
                    f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
                )
    assert wrong == []
