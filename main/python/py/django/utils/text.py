"""``django.utils.text.slugify``, which authentik also uses to name handler parameters."""

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^\w\s-]")
_SEPARATORS = re.compile(r"[-\s]+")


def slugify(value, allow_unicode=False):
    """Convert ``value`` to a lower-case slug of letters, digits, underscores and hyphens.

    Behaves as Django's slugify. Without ``allow_unicode`` the text is decomposed and reduced to
    ASCII first. Characters other than word characters, spaces and hyphens are dropped, runs of
    spaces and hyphens become one hyphen, and leading and trailing hyphens and underscores go.
    """
    text = str(value)
    if allow_unicode:
        text = unicodedata.normalize("NFKC", text)
    else:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")

    text = _NOT_SLUG.sub("", text.lower())
    return _SEPARATORS.sub("-", text).strip("-_")
