"""The cache on Redis, forgiving Redis being down: a miss instead of an error page.

Django's RedisCache raises when Redis does not answer, so every page that touched the cache would
fail with Redis. Here a failed read is a miss and a failed write is skipped (logged), like
django-redis's IGNORE_EXCEPTIONS: the cache is never the only copy of anything on this portal.
``incr``/``decr`` still raise: a counter cannot be pretended.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
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


class ForgivingRedisCache(RedisCache):
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
