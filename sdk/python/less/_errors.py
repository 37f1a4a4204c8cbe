class LessError(Exception):
    """An SDK call the server refused. `code` is the stable code listed in OpenLess's
    docs/errors.md (e.g. `kvs_invalid_key`); the message says which rule was broken."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code
