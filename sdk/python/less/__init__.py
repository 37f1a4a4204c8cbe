"""`less` inside an OpenLess Python handler: `from less import kvs, sockets, topics, functions, files`.

A thin, synchronous client: every rule (key sizes, value limits, TTLs) is enforced once,
on the server, which answers with the same errors as for a JavaScript handler. The calls
reach the server through the worker process that runs the handler
(src/runtime/python/openless_worker/host.py). Standard library only.
"""
from ._errors import LessError
from ._kvs import kvs
from ._functions import functions
from ._files import files
from ._topics import topics
from ._sockets import sockets

__all__ = ['kvs', 'sockets', 'topics', 'functions', 'files', 'LessError']
