"""Django's Redis cache, with one Redis client kept per connection pool.

Django's own backend builds a new redis.Redis object for every cache call, and
redis-py's constructor fills a table of a few hundred response callbacks each time:
about a fifth of a millisecond, several times a request. The client is safe to share
between threads (each command takes a connection from the pool), so one is kept.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def incr_with_expiry(self, key, timeout: int, version=None) -> int:
        """Add one to the count under the key, starting it at zero with the timeout if
        it is not there, in one round trip."""
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        with client.pipeline(transaction=False) as pipeline:
            pipeline.set(key, 0, ex=timeout, nx=True)
            pipeline.incr(key)
            _created, count = pipeline.execute()
        return count
