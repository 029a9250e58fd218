"""Command groups of the ``capdo`` CLI; each module exposes a named ``app``.

:mod:`capdo.cli` finds the modules by name and imports one only when its command runs, so this
package exports nothing to other packages.
"""

__all__: list[str] = []
