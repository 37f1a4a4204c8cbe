from . import _host


class _Files:
    """Signed URLs of the project's file storage (docs/files.md). The server checks the path
    and the expiry, with the same rules and errors as for JavaScript."""

    def create_upload_url(self, path, options=None):
        """A URL that accepts `PUT` of the file at `path`, valid `options['expires_in']` seconds (default 3600)."""
        return _host.get().call(_call('files.uploadUrl', path, options))

    def get_url(self, path, options=None):
        """A URL to `GET` the file at `path`, valid `options['expires_in']` seconds (default 3600)."""
        return _host.get().call(_call('files.getUrl', path, options))


def _call(op, path, options):
    call = {'op': op, 'path': path}
    # Left out when not given: the server applies the default.
    expires_in = options.get('expires_in') if isinstance(options, dict) else options
    if expires_in is not None:
        call['expiresIn'] = expires_in
    return call


files = _Files()
