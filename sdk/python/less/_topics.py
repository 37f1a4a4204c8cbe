import json

from . import _host


class _Topic:
    __slots__ = ('_name',)

    def __init__(self, name):
        self._name = name

    def publish(self, message):
        """Publishes `message` (any JSON value, up to 256 KiB) to every subscriber of the
        topic; returns once it is durably stored. An unknown topic raises LessError
        (`topic_not_found`), naming the project's topics."""
        try:
            # As JSON.stringify would send it; NaN and Infinity are not JSON.
            message_json = json.dumps(message, ensure_ascii=False, separators=(',', ':'), allow_nan=False)
        except (TypeError, ValueError):
            # Left out: the server then refuses it with the same wording as for JavaScript.
            message_json = None
        call = {'op': 'topics.publish', 'topic': self._name}
        if message_json is not None:
            call['messageJson'] = message_json
        _host.get().call(call)


class _Topics:
    """`topics.<topic>.publish(message)`, synchronous (docs/topics.md)."""

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return _Topic(name)


topics = _Topics()
