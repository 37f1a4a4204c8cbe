import json

from . import _host


def _serialize(value):
    try:
        # As JSON.stringify would send it; NaN and Infinity are not JSON.
        return json.dumps(value, ensure_ascii=False, separators=(',', ':'), allow_nan=False)
    except (TypeError, ValueError):
        # The server names the broken rule (kvs_invalid_value); no second wording here.
        return None


class _Kvs:
    """The project's key-value store (SPEC 2.3). Synchronous: `kvs.get('K')` is the value."""

    def get(self, key):
        """The value stored under `key`, or None when it is absent or expired."""
        return _host.get().call({'op': 'kvs.get', 'key': key})

    def set(self, key, value, ttl=None):
        """Stores any JSON-serialisable value; `ttl` is whole seconds until it expires."""
        call = {'op': 'kvs.set', 'key': key}
        value_json = _serialize(value)
        # Left out (not null) when unserialisable: the server then refuses it.
        if value_json is not None:
            call['valueJson'] = value_json
        if ttl is not None:
            call['ttl'] = ttl
        _host.get().call(call)

    def delete(self, key):
        _host.get().call({'op': 'kvs.delete', 'key': key})


kvs = _Kvs()
