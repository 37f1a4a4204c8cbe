"""What the `less` SDK reaches inside this process (installed as less._host).

Host calls are synchronous for the handler: the calling thread sends a `call` message
and waits for its `reply`, which the main thread (the channel reader) hands over. Each
invocation has a thread of its own, so one invocation waiting on the server never
blocks another.
"""
import json
import threading

from less import LessError

from .logs import current


class _Waiter:
    __slots__ = ('done', 'reply')

    def __init__(self):
        self.done = threading.Event()
        self.reply = None


class Host:
    def __init__(self, channel, project, sockets, max_publish_bytes):
        self._channel = channel
        self._project = project
        self._sockets = list(sockets)
        self._socket_names = set(sockets)
        self._max_publish_bytes = max_publish_bytes
        self._lock = threading.Lock()
        self._waiting = {}
        self._next_id = 0

    def call(self, call):
        if call.get('op') == 'functions.call':
            # The invocation making the call: the server bounds nesting by it (docs/functions.md).
            scope = current.get()
            if scope is not None and scope.log is not None:
                call['caller'] = scope.log.request_id
        waiter = _Waiter()
        with self._lock:
            self._next_id += 1
            call_id = self._next_id
            self._waiting[call_id] = waiter
        self._channel.send({'t': 'call', 'id': call_id, 'call': call})
        waiter.done.wait()
        reply = waiter.reply
        if reply['ok']:
            return reply.get('value')
        error = reply['error']
        raise LessError(error.get('message', 'the server refused the call'), error.get('code'))

    def reply(self, message):
        """Called by the channel reader for each `reply` message."""
        with self._lock:
            waiter = self._waiting.pop(message['id'], None)
        if waiter is not None:
            waiter.reply = message
            waiter.done.set()

    def publish(self, socket, message, ids):
        """The same checks and wording as the JavaScript executor (handler-worker.ts)."""
        if socket not in self._socket_names:
            known = ', '.join(self._sockets) if self._sockets else 'none'
            raise LessError('sockets.%s.publish: project "%s" has no socket "%s" (sockets: %s); add less/sockets/%s/ or fix the name' % (socket, self._project, socket, known, socket))
        if not isinstance(ids, (list, tuple)):
            raise TypeError('sockets.%s.publish: the second argument must be a list of connection ids, e.g. [connection_id]' % socket)
        try:
            # Exactly what JSON.stringify sends: no spaces, non-ASCII as is.
            message_json = json.dumps(message, ensure_ascii=False, separators=(',', ':'), allow_nan=False)
        except (TypeError, ValueError) as error:
            raise TypeError('sockets.%s.publish: the message must be JSON-serialisable (%s)' % (socket, error)) from None
        # UTF-8 takes at most 4 bytes per character: most messages skip encoding theirs.
        if len(message_json) * 4 > self._max_publish_bytes:
            size = len(message_json.encode('utf-8'))
            if size > self._max_publish_bytes:
                raise ValueError('sockets.%s.publish: the message is %d bytes as JSON, more than the %d bytes a connection may have unsent (LESS_WS_MAX_BUFFERED_BYTES), so every client it went to would be closed as too slow — send it in smaller parts, or raise LESS_WS_MAX_BUFFERED_BYTES on the server' % (socket, size, self._max_publish_bytes))
        # Ids that are not strings cannot be connected: skipped like any unknown id.
        connection_ids = [i for i in ids if isinstance(i, str)]
        self._channel.send({'t': 'publish', 'socket': socket, 'messageJson': message_json, 'ids': connection_ids})
