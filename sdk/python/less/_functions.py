import json

from . import _host


class _Function:
    __slots__ = ('_name',)

    def __init__(self, name):
        self._name = name

    def __call__(self, payload=None):
        """Runs the project's function `less/functions/<name>` (in any language) with `payload`
        as JSON and returns its result; raises LessError with the function's message when it
        fails (code `function_error`)."""
        try:
            # As JSON.stringify would send it; NaN and Infinity are not JSON.
            payload_json = json.dumps(payload, ensure_ascii=False, separators=(',', ':'), allow_nan=False)
        except (TypeError, ValueError) as error:
            raise TypeError('functions.%s: the payload must be JSON-serialisable (%s)' % (self._name, error)) from None
        return _host.get().call({'op': 'functions.call', 'name': self._name, 'payloadJson': payload_json})


class _Functions:
    """`functions.<name>(payload)`, synchronous. An unknown name is reported by the server,
    naming the project's functions."""

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return _Function(name)


functions = _Functions()
