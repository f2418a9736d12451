"""The cache on Redis, forgiving Redis being down: a miss instead of an error page.

Django's RedisCache raises when Redis does not answer, so every page that touched the cache would
fail with Redis. Here a failed read is a miss and a failed write is skipped (logged), like
django-redis's IGNORE_EXCEPTIONS: the cache is never the only copy of anything on this portal.
``incr``/``decr`` still raise: a counter cannot be pretended.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("nantong_union.failures")


def _forgiving(on_error):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:
                logger.warning("cache unavailable (%s): %s", method.__name__, exc)
                return on_error(*args, **kwargs)

        return wrapper

    return decorate


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` around the connection pool for every operation, which is
    half the CPU time of a GET (issue #23: two reads on every page). One ``redis.Redis`` per pool is kept
    instead; redis-py's client is thread-safe (each command takes a connection from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient

    add = _forgiving(lambda *a, **k: False)(RedisCache.add)
    get = _forgiving(lambda key, default=None, version=None: default)(RedisCache.get)
    set = _forgiving(lambda *a, **k: None)(RedisCache.set)
    touch = _forgiving(lambda *a, **k: False)(RedisCache.touch)
    delete = _forgiving(lambda *a, **k: False)(RedisCache.delete)
    get_many = _forgiving(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _forgiving(lambda *a, **k: False)(RedisCache.has_key)
    set_many = _forgiving(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _forgiving(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _forgiving(lambda *a, **k: None)(RedisCache.clear)
