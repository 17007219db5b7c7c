"""The one error every store raises for a key it does not hold."""
from __future__ import annotations


class StoredFileMissing(LookupError):
    """No stored object has this key (never saved, deleted, or lost from the store)."""
