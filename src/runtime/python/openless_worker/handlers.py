"""Handler files, loaded once per process and kept warm (module state survives between
invocations, as in a warm function instance).

An `__init__.py` handler is loaded as a package whose path is its folder, so its relative
imports of sibling files (`from .format import shout`) work. A `<verb>.py` API handler is a
plain module (an API folder holds only verb files and route folders). Shared modules (`less/shared/...`) are found through sys.path, set up by main.py.
"""
import importlib.util
import os
import re
import sys
import threading

from .logs import Scope, current


class Handler:
    __slots__ = ('process', 'middlewares')

    def __init__(self, process, middlewares):
        self.process = process
        self.middlewares = middlewares


class Handlers:
    def __init__(self, files):
        self._files = files
        self._loaded = {}
        # One lock per handler: two threads invoking a cold handler must not run its module
        # twice, but a slow import must not hold up the first invocation of other handlers (nor
        # deadlock when its module calls another function of the project while importing).
        self._loading = {}
        # Guards _loading and _module_names; held only briefly, never while importing.
        self._lock = threading.Lock()
        self._module_names = {}

    def get(self, function_path):
        handler = self._loaded.get(function_path)
        if handler is not None:
            return handler
        with self._lock:
            loading = self._loading.get(function_path)
            if loading is None:
                loading = self._loading[function_path] = threading.Lock()
        with loading:
            handler = self._loaded.get(function_path)
            if handler is None:
                # Output while importing is not part of the invocation that triggered it.
                token = current.set(Scope(function_path))
                try:
                    handler = self._load(function_path)
                finally:
                    current.reset(token)
                # A handler that failed to load is retried on the next invocation, like a cold start.
                self._loaded[function_path] = handler
        return handler

    def _load(self, function_path):
        file = self._files.get(function_path)
        if file is None:
            raise LookupError('no handler deployed at %s' % function_path)
        folder = os.path.dirname(file)
        if os.path.basename(file) == '__init__.py':
            spec = importlib.util.spec_from_file_location(self._module_name(folder), file, submodule_search_locations=[folder])
        else:
            spec = importlib.util.spec_from_file_location(self._module_name(file), file)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[spec.name]
            raise
        return _to_handler(module, function_path)

    def _module_name(self, path):
        """A readable, unique, dot-free module name per handler (a dot would mean a parent package)."""
        with self._lock:  # handlers load in parallel: two must not pick the same name
            name = self._module_names.get(path)
            if name is None:
                relative = os.path.relpath(path, 'less')
                if relative.endswith('.py'):
                    relative = relative[:-3]
                base = 'less_handler_' + re.sub(r'\W', '_', relative)
                name = base
                taken = set(self._module_names.values())
                suffix = 2
                while name in taken:
                    name = '%s_%d' % (base, suffix)
                    suffix += 1
                self._module_names[path] = name
            return name


def _to_handler(module, function_path):
    process = getattr(module, 'process', None)
    if not callable(process):
        raise TypeError('%s: the handler does not define a "process" function; add `def process(...):` to the file' % function_path)
    middlewares = getattr(module, 'middlewares', [])
    if not isinstance(middlewares, (list, tuple)) or not all(callable(m) for m in middlewares):
        raise TypeError('%s: "middlewares" must be a list of functions (request, response, next)' % function_path)
    return Handler(process, list(middlewares))
