"""``requests.structures.CaseInsensitiveDict``."""

from collections.abc import MutableMapping


class CaseInsensitiveDict(MutableMapping):
    """A dict whose keys compare case-insensitively and keep the last spelling used."""

    def __init__(self, data=None, **kwargs):
        self._store = {}
        self.update(data or {}, **kwargs)

    def __setitem__(self, key, value):
        self._store[key.lower()] = (key, value)

    def __getitem__(self, key):
        return self._store[key.lower()][1]

    def __delitem__(self, key):
        del self._store[key.lower()]

    def __iter__(self):
        return (original for original, _ in self._store.values())

    def __len__(self):
        return len(self._store)

    def lower_items(self):
        """Return (lower-case key, value) pairs."""
        return ((key, value[1]) for key, value in self._store.items())

    def copy(self):
        """Return a copy."""
        return CaseInsensitiveDict(self._store.values())

    def __eq__(self, other):
        if not isinstance(other, MutableMapping):
            return NotImplemented

        return dict(self.lower_items()) == dict(CaseInsensitiveDict(other).lower_items())

    def __repr__(self):
        return str(dict(self.items()))
