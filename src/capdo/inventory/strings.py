"""Constrained strings: every string of the model that reaches a device configuration, a
provisioning file, an Ansible variable, a graph, a file name or a command has one of these types.

All of them refuse control characters (newline, carriage return, NUL, escape, ...) and the
characters that make a text read differently from what it is: bidirectional overrides and
isolates (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), zero-width characters
(U+200B-U+200D, U+2060, U+FEFF) and the Unicode line and paragraph separators. The types for
values written into configuration lines also limit the characters to what those lines need.
Errors carry the character's code point, so that an invisible one can be found in the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Final

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

DECEPTIVE: Final[frozenset[str]] = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)
"""Invisible characters that reorder or hide text (they deceive a reader of the file)."""


def describe_char(char: str) -> str:
    """``U+000A LINE FEED``: a character named so that an invisible one can be found."""
    name = unicodedata.name(char, "") or {"\n": "LINE FEED", "\r": "CARRIAGE RETURN"}.get(
        char, "CONTROL"
    )
    return f"U+{ord(char):04X} {name}"


_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f" + "".join(sorted(DECEPTIVE)) + "]"
)  # the control characters (Unicode category Cc) and the deceptive ones
_UNSAFE_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f" + "".join(sorted(DECEPTIVE)) + "]")


def unsafe_char(value: str, *, newline: bool = False) -> str | None:
    """The first control or deceptive character of ``value`` (a newline is allowed when
    ``newline``), or None."""
    found = (_UNSAFE_BUT_NEWLINE if newline else _UNSAFE).search(value)
    return found.group() if found else None


def _checker(allowed: str | None, hint: str, *, newline: bool = False) -> Callable[[str], str]:
    pattern = re.compile(f"[{allowed}]*") if allowed is not None else None
    unsafe = _UNSAFE_BUT_NEWLINE if newline else _UNSAFE
    # the common case in one C-level match: a charset that holds no unsafe character, or
    # "anything but an unsafe character"
    fast = pattern or re.compile(f"[^{unsafe.pattern[1:-1]}]*")

    def check(value: str) -> str:
        if fast.fullmatch(value):
            return value
        bad = unsafe_char(value, newline=newline)
        if bad is not None:
            raise PydanticCustomError(
                "unsafe_character",
                "character {char} is not allowed here (control or invisible character)",
                {"char": describe_char(bad)},
            )
        assert pattern is not None
        index = next(i for i, c in enumerate(value) if not pattern.fullmatch(c))
        raise PydanticCustomError(
            "character_not_allowed",
            "character {char} is not allowed here; allowed: {allowed}",
            {"char": f"{value[index]!r} ({describe_char(value[index])})", "allowed": hint},
        )

    return check


Text = Annotated[str, StringConstraints(max_length=500), AfterValidator(_checker(None, ""))]
"""A human text on one line (names, addresses, decision numbers): any letters, no control or
invisible characters."""

MultilineText = Annotated[
    str, StringConstraints(max_length=4000), AfterValidator(_checker(None, "", newline=True))
]
"""A text that may span lines (newline allowed, no other control or invisible character).
Where it reaches a device, the platform's own rule applies too (:func:`banner_problem`)."""

ConfigText = Annotated[
    str,
    StringConstraints(max_length=120),
    AfterValidator(
        _checker(
            r"A-Za-z0-9 ._:/()+,\-",
            "ASCII letters, digits, space and . _ : / ( ) + , -",
        )
    ),
]
"""Free text that is written into a configuration line (a circuit id, a provider, a model):
ASCII letters and digits with a few separators; no quotes, brackets, braces, ``#``, ``$``,
``;``, ``?``, ``!``, ``<``, ``>``, ``&``, backslash or backtick."""

Word = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_checker(r"A-Za-z0-9._:/\-", "ASCII letters, digits and . _ : / -")),
]
"""One token of a configuration line: an interface name (``GigabitEthernet0/0/1.100``), a
firmware or OS version, an OSPF area."""

HostName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=253),
    AfterValidator(_checker(r"A-Za-z0-9.:\-", "ASCII letters, digits and . : -")),
]
"""A host name or an IP address (NTP servers, domain names)."""

UserName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_checker(r"A-Za-z0-9._@\-", "ASCII letters, digits and . _ @ -")),
]
"""A login name, written into configurations and provisioning files."""

TimeZone = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_checker(r"A-Za-z0-9_+/\-", "ASCII letters, digits and _ + / -")),
]
"""An IANA time zone name, e.g. ``Asia/Ho_Chi_Minh``."""

SipAddress = Annotated[
    str,
    StringConstraints(max_length=253),
    AfterValidator(_checker(r"A-Za-z0-9.:@_~+;=\-", "ASCII letters, digits and . : @ _ ~ + ; = -")),
]
"""A SIP URI or an H.323 id."""

PathText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1024),
    AfterValidator(_checker(r"A-Za-z0-9._/~+@\-", "ASCII letters, digits and . _ / ~ + @ -")),
]
"""A file path that capdo reads or hands to a tool (no spaces, quotes or shell
metacharacters)."""


BANNER_DELIMITERS: Final[dict[str, str]] = {"cisco_ios": "^", "huawei_vrp": '"'}
"""The character each platform's template uses to delimit the login banner."""


def banner_problem(text: str, platform: str) -> str | None:
    """Why ``text`` cannot be a login banner on ``platform`` (None when it can): no control
    or invisible character except newline, and not the platform's banner delimiter."""
    bad = unsafe_char(text, newline=True)
    if bad is not None:
        return describe_char(bad)
    delimiter = BANNER_DELIMITERS.get(platform)
    if delimiter is not None and delimiter in text:
        return f"{delimiter!r} ({describe_char(delimiter)})"
    return None
