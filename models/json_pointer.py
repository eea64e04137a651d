"""RFC 6901 JSON pointers: the path format of drift reports, diffs and the imitation's edits."""

from __future__ import annotations


def escape_token(token: str | int) -> str:
    """Escape one reference token (``~`` → ``~0``, ``/`` → ``~1``)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def split_pointer(pointer: str) -> list[str]:
    """The unescaped reference tokens of ``pointer`` (``""`` is the whole document).

    >>> split_pointer("/locations/0/a~1b")
    ['locations', '0', 'a/b']
    """
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"{pointer!r} is not a JSON pointer: it must start with '/'")
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]
