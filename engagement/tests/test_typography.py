from django.template import Context, Template


def test_unbroken_text_keeps_its_words_on_one_line_and_stays_escaped():
    rendered = Template("{% load typography %}{{ value|unbroken }}").render(
        Context({"value": "3:45 po <b>południu</b>"})
    )
    assert rendered == "3:45\u00a0po\u00a0&lt;b&gt;południu&lt;/b&gt;"
