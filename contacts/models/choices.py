"""Choices a member of the public sees: on the keep-in-touch form, the survey and the
my-data page. Kept apart from the models so the translation catalogues take in these
and not the staff-only wording around them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Ethnicity(models.TextChoices):
    """The Office for National Statistics' 2021 Census categories for England and Wales."""

    BANGLADESHI = "asian_bangladeshi", _("Asian: Bangladeshi")
    CHINESE = "asian_chinese", _("Asian: Chinese")
    INDIAN = "asian_indian", _("Asian: Indian")
    PAKISTANI = "asian_pakistani", _("Asian: Pakistani")
    OTHER_ASIAN = "asian_other", _("Asian: any other Asian background")
    AFRICAN = "black_african", _("Black: African")
    CARIBBEAN = "black_caribbean", _("Black: Caribbean")
    OTHER_BLACK = "black_other", _("Black: any other Black, Black British or Caribbean background")
    WHITE_AND_ASIAN = "mixed_white_asian", _("Mixed: White and Asian")
    WHITE_AND_BLACK_AFRICAN = "mixed_white_black_african", _("Mixed: White and Black African")
    WHITE_AND_BLACK_CARIBBEAN = "mixed_white_black_caribbean", _("Mixed: White and Black Caribbean")
    OTHER_MIXED = "mixed_other", _("Mixed: any other Mixed or Multiple background")
    WHITE_BRITISH = "white_british", _("White: English, Welsh, Scottish, Northern Irish or British")
    WHITE_IRISH = "white_irish", _("White: Irish")
    GYPSY_OR_IRISH_TRAVELLER = "white_gypsy_traveller", _("White: Gypsy or Irish Traveller")
    ROMA = "white_roma", _("White: Roma")
    OTHER_WHITE = "white_other", _("White: any other White background")
    ARAB = "other_arab", _("Other ethnic group: Arab")
    ANY_OTHER = "other_any", _("Other ethnic group: any other ethnic group")
    PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefer not to say")


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    AGE_18_24 = "18_24", _("18 to 24")
    AGE_25_34 = "25_34", _("25 to 34")
    AGE_35_44 = "35_44", _("35 to 44")
    AGE_45_54 = "45_54", _("45 to 54")
    AGE_55_64 = "55_64", _("55 to 64")
    AGE_65_74 = "65_74", _("65 to 74")
    AGE_75_PLUS = "75_plus", _("75 or over")
    PREFER_NOT_TO_SAY = "prefer_not_to_say", _("Prefer not to say")


class ConsentPurpose(models.TextChoices):
    EMAIL_UPDATES = "email_updates", _("Email updates about events and what we did")
    FOCUS_GROUP = "focus_group", _("Interest in joining the focus group")
    LAY_OBSERVATION = "lay_observation", _("Interest in lay observation, such as custody visits")
    DEMOGRAPHIC_DATA = "demographic_data", _("Keeping their community, ethnicity, age and area")
