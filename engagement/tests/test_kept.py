"""Values kept in the cache until what they are made from changes: several are read in
one round trip, only the missing or stale ones are worked out again, and with the cache
down every one is worked out."""

import pytest
from django.core.cache import cache

from engagement.kept import changed, kept, kept_together
from tests.test_cache_outage import cache_down  # noqa: F401 - a fixture


@pytest.fixture
def round_trips(monkeypatch):
    """The cache reads made, one list of keys per read."""
    reads = []
    get_many = cache.get_many

    def counted(keys, *args, **kwargs):
        reads.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    return reads


class Counted:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_values_read_together_take_one_round_trip_and_are_worked_out_once(round_trips):
    questions, phrases = Counted(["Where?"]), Counted(["knife"])
    work_outs = {"questions": questions, "phrases": phrases}

    first = kept_together("test-kind", work_outs)
    round_trips.clear()
    again = kept_together("test-kind", work_outs)

    assert first == again == {"questions": ["Where?"], "phrases": ["knife"]}
    assert questions.calls == phrases.calls == 1
    assert len(round_trips) == 1 and len(round_trips[0]) == 3  # the version and both values


def test_only_what_is_missing_is_worked_out_and_one_value_alone_is_the_same_value():
    assert kept("test-kind", "questions", Counted(["Where?"])) == ["Where?"]
    phrases = Counted(["knife"])
    questions = Counted(["Not asked again"])

    found = kept_together("test-kind", {"questions": questions, "phrases": phrases})

    assert found == {"questions": ["Where?"], "phrases": ["knife"]}
    assert questions.calls == 0 and phrases.calls == 1


@pytest.mark.django_db
def test_a_change_makes_every_value_of_its_kind_be_worked_out_again():
    kept_together("test-kind", {"a": Counted(1), "b": Counted(2)})
    kept("other-kind", "c", Counted(3))

    changed("test-kind")

    a, b, c = Counted(10), Counted(20), Counted(30)
    assert kept_together("test-kind", {"a": a, "b": b}) == {"a": 10, "b": 20}
    assert kept("other-kind", "c", c) == 3 and c.calls == 0


def test_with_the_cache_down_every_value_is_worked_out(cache_down):  # noqa: F811
    a, b = Counted(1), Counted(2)
    assert kept_together("test-kind", {"a": a, "b": b}) == {"a": 1, "b": 2}
    assert kept_together("test-kind", {"a": a, "b": b}) == {"a": 1, "b": 2}
    assert a.calls == b.calls == 2
