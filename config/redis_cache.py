"""Django's Redis cache, reusing one client object per connection pool.

django.core.cache.backends.redis builds a new ``redis.Redis`` for every cache call, and
each one copies redis-py's table of ~170 response callbacks: ~0.1 ms, twice per API request
(the throttle reads and writes its history). The client is safe to share (it takes a
connection from the pool for each command), so it is built once per pool."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # (a read may pick any replica's pool)
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
        self._scripts = {}

    def run_script(self, source: str, *, keys: list[str], args: list):
        """Run a Lua script on the primary, atomically, with `keys` made into this cache's
        keys (prefix, version). redis-py sends it by its SHA1 (the source only the first
        time a server sees it)."""
        client = self._cache.get_client(write=True)
        script = self._scripts.get((id(client), source))
        if script is None:
            script = self._scripts[(id(client), source)] = client.register_script(source)
        return script(keys=[self.make_and_validate_key(k) for k in keys], args=args)
