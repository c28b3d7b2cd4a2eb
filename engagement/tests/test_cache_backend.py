"""The Redis cache keeps one client per connection pool, and counts with an expiry in
one round trip, as the rate limits use it."""

import pytest

from conftest import require_service
from engagement.cache import SharedClientRedisCache

pytestmark = pytest.mark.services


@pytest.fixture
def redis_cache(settings):
    require_service(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    backend = SharedClientRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "cache-backend-test"})
    yield backend
    backend.clear()


def test_the_same_client_serves_every_call(redis_cache):
    first = redis_cache._cache.get_client("a", write=True)

    assert redis_cache._cache.get_client("b", write=True) is first
    redis_cache.set("greeting", "hello", 30)
    assert redis_cache.get("greeting") == "hello"


def test_a_count_starts_at_one_with_its_expiry_and_goes_up(redis_cache):
    counts = [redis_cache.incr_with_expiry("attempts", 60) for _ in range(3)]

    assert counts == [1, 2, 3]
    assert redis_cache.get("attempts") == 3
    client = redis_cache._cache.get_client(write=True)
    ttl = client.ttl(redis_cache.make_and_validate_key("attempts"))
    assert 0 < ttl <= 60


def test_a_count_whose_window_is_over_starts_again(redis_cache):
    redis_cache.incr_with_expiry("attempts", 60)
    redis_cache.delete("attempts")  # as Redis does when the expiry passes

    assert redis_cache.incr_with_expiry("attempts", 60) == 1
