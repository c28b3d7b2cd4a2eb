from django.urls import path

from evaluation.views import imports, public, report, waves

app_name = "evaluation"

urlpatterns = [
    # Public: the survey and the "about you" card from an event's QR code.
    path("survey/<slug:wave>/", public.survey, name="survey"),
    path("survey/<slug:wave>/thank-you/", public.survey_thanks, name="survey-thanks"),
    path("give-feedback/<token:token>/about-you/", public.about_you, name="about-you"),
    path("about-you/thank-you/", public.about_you_thanks, name="about-you-thanks"),
    # The evaluation report, for Leaders (and everyone who reads dashboards).
    path("staff/evaluation/", report.report, name="report"),
    path("staff/evaluation/print/", report.report_print, name="report-print"),
    path("staff/evaluation/reach/", report.reach, name="reach"),
    path("staff/evaluation/who-attends/", report.who_attends, name="who-attends"),
    path("staff/evaluation/tables/", report.tables_download, name="tables"),
    # Waves: set up by Administrators, paper forms typed in by Coordinators.
    path("staff/evaluation/waves/", waves.wave_list, name="waves"),
    path("staff/evaluation/waves/new/", waves.wave_new, name="wave-new"),
    path("staff/evaluation/waves/<slug:slug>/", waves.wave_detail, name="wave"),
    path("staff/evaluation/waves/<slug:slug>/edit/", waves.wave_edit, name="wave-edit"),
    path(
        "staff/evaluation/waves/<slug:slug>/questions/new/",
        waves.question_new,
        name="question-new",
    ),
    path("staff/evaluation/waves/<slug:slug>/open/", waves.wave_open_view, name="wave-open"),
    path("staff/evaluation/waves/<slug:slug>/close/", waves.wave_close_view, name="wave-close"),
    path("staff/evaluation/waves/<slug:slug>/poster/", waves.wave_poster, name="wave-poster"),
    path("staff/evaluation/waves/<slug:slug>/paper-form/", waves.paper_form, name="paper-form"),
    path("staff/evaluation/waves/<slug:slug>/paper/", waves.paper_entry, name="paper-entry"),
    path("staff/evaluation/census/", waves.census, name="census"),
    path(
        "staff/evaluation/events/<int:pk>/about-you/",
        waves.about_you_entry,
        name="about-you-entry",
    ),
    path(
        "staff/evaluation/events/<int:pk>/about-you/card/",
        waves.about_you_card,
        name="about-you-card",
    ),
    # Importing an earlier wave from a spreadsheet.
    path("staff/evaluation/waves/<slug:slug>/import/", imports.import_upload, name="import"),
    path("staff/evaluation/imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path(
        "staff/evaluation/imports/<int:pk>/progress/",
        imports.import_progress,
        name="import-progress",
    ),
    path(
        "staff/evaluation/imports/<int:pk>/confirm/",
        imports.import_confirm,
        name="import-confirm",
    ),
    path(
        "staff/evaluation/imports/<int:pk>/discard/",
        imports.import_discard,
        name="import-discard",
    ),
]
