from . import _host


class _Socket:
    __slots__ = ('_name',)

    def __init__(self, name):
        self._name = name

    def publish(self, message, connection_ids):
        """Sends `message` as one JSON text frame to each listed connection open on this
        socket; ids that are not connected are skipped."""
        _host.get().publish(self._name, message, connection_ids)


class _Sockets:
    """`sockets.<socket>.publish(message, [connection_id, ...])`. An unknown socket name is
    reported when publishing, naming the project's sockets."""

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return _Socket(name)


sockets = _Sockets()
