"""Resource kinds this OpenLess version does not serve yet: using one says so clearly."""


class _NotYet:
    def __init__(self, kind):
        self._kind = kind

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        kind = self._kind

        def unsupported(*args, **kwargs):
            raise NotImplementedError('%s.%s: %s are not supported by this OpenLess version yet' % (kind, name, kind))

        return unsupported


topics = _NotYet('topics')
functions = _NotYet('functions')
files = _NotYet('files')
