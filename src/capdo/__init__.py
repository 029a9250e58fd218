"""capdo: infrastructure as code and level-based security compliance."""

__version__ = "0.1.0"
