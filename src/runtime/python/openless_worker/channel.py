"""Framed messages between this process and the OpenLess server.

A frame is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON holding
an array of messages (a batch); src/runtime/python/framing.ts is the other end. The
frames travel on dedicated pipes (fd 3 from the server, fd 4 to it), so stdout and
stderr stay free: anything written there that the worker could not attribute to an
invocation is logged by the server as it is.

Writing uses "combining" instead of a writer thread: the thread that sends a message
writes the frame itself, and messages that other threads send meanwhile join the next
frame that thread writes. At low load a message leaves at once without waking another
thread (a thread hop costs more than the write); under load, messages leave in batches.
"""
import json
import os
import struct
import threading

_HEADER = struct.Struct('>I')


def encode(message):
    """The JSON text of one message. Non-ASCII is escaped so that any str (even one holding
    a lone surrogate) can be sent as UTF-8."""
    return json.dumps(message, separators=(',', ':'))


class Channel:
    def __init__(self, read_fd=3, write_fd=4):
        self._reader = os.fdopen(read_fd, 'rb', buffering=1 << 16)
        self._write_fd = write_fd
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queue = []
        self._writing = False

    def batches(self):
        """Each incoming batch (a list of messages), until the server closes the channel."""
        while True:
            header = self._reader.read(4)
            if len(header) < 4:
                return
            (length,) = _HEADER.unpack(header)
            body = self._reader.read(length)
            if len(body) < length:
                return
            yield json.loads(body)

    def send(self, message):
        """Encodes one message in the calling thread and sends it. LogBook.flush sends the
        log chunks this way, so they are encoded on the log thread, not in the threads that
        wrote the lines (they hold only str, which always encodes)."""
        self.send_encoded(encode(message))

    def send_encoded(self, text):
        """Sends one message already encoded with encode(). Invocations encode their result
        themselves, so that a value that is not JSON fails that invocation, in its thread."""
        with self._lock:
            self._queue.append(text)
            if self._writing:
                return
            self._writing = True
        while True:
            with self._lock:
                batch = self._queue
                if not batch:
                    self._writing = False
                    self._idle.notify_all()
                    return
                self._queue = []
            self._write_frame(batch)

    def drain(self):
        """Returns once every message sent so far has been written (before the process exits)."""
        with self._lock:
            while self._writing:
                self._idle.wait()
            batch, self._queue = self._queue, []
        if batch:
            self._write_frame(batch)

    def _write_frame(self, batch):
        data = ('[' + ','.join(batch) + ']').encode('utf-8')
        view = memoryview(_HEADER.pack(len(data)) + data)
        try:
            while view:
                written = os.write(self._write_fd, view)
                view = view[written:]
        except OSError:
            # The server is gone (or killed this instance): nothing left to serve.
            os._exit(1)
