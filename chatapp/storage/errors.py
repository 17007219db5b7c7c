"""What every store raises: a key it does not hold, or a store that does not answer."""
from __future__ import annotations

from chatapp.errors import Unavailable


class StoredFileMissing(LookupError):
    """No stored object has this key (never saved, deleted, or lost from the store)."""


class StoreUnavailable(Unavailable):
    """The store could not be reached or refused the request (down, wrong credentials, no
    such bucket). A domain error: the API answers 503 ``unavailable``, and the cause is
    logged for the operator, never shown to the client."""
