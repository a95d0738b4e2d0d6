"""Deep merge of attribute dictionaries, as authentik does with the deepmerge package."""


def always_merge(base, update):
    """Merge ``update`` into ``base`` in place: dicts recursively, lists appended, else replaced."""
    for key, value in update.items():
        current = base.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            always_merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(value)
        else:
            base[key] = value

    return base


class _ListUniqueMerger:
    """``MERGE_LIST_UNIQUE``: like always_merge, but list items are added only once."""

    def merge(self, base, update):
        for key, value in update.items():
            current = base.get(key)
            if isinstance(current, dict) and isinstance(value, dict):
                self.merge(current, value)
            elif isinstance(current, list) and isinstance(value, list):
                current.extend(item for item in value if item not in current)
            else:
                base[key] = value

        return base


MERGE_LIST_UNIQUE = _ListUniqueMerger()
