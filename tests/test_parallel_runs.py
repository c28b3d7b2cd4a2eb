"""Test runs side by side (pytest-xdist workers, or two people on one machine) share
Redis; emptying the cache between tests empties only the run's own keys."""

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from conftest import XDIST_WORKER, empty_the_cache, require_service


@pytest.mark.services
def test_emptying_the_cache_leaves_other_runs_keys_alone(settings):
    require_service(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    other_run = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "another-test-run"})
    other_run.set("lockout", "kept", 60)
    cache.set("lockout", "ours", 60)
    try:
        empty_the_cache()

        assert cache.get("lockout") is None
        assert other_run.get("lockout") == "kept"
    finally:
        other_run.delete("lockout")


@pytest.mark.skipif(not XDIST_WORKER, reason="only in a parallel run")
def test_each_parallel_worker_keeps_its_cache_keys_apart(settings):
    assert settings.CACHES["default"]["KEY_PREFIX"].endswith(f"-{XDIST_WORKER}")
