"""Command groups of the ``capdo`` CLI; each module exposes a named ``app``."""
