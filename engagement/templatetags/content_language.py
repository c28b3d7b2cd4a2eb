"""{% translated event "title" %} shows the force's text in the reader's language, or
the English marked as English. With `as`, a template lays the text out itself:
{% translated event "public_description" as description %}
<div{{ description.lang_attributes }}>{{ description.text|linebreaks }}</div>"""

from django import template

from engagement.translatable import shown_text

register = template.Library()


@register.simple_tag
def translated(obj, field_name):
    return shown_text(obj, field_name)
