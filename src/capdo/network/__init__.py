"""The network side: render intended configs, back up, diff and push devices, audit them.

- :mod:`capdo.network.render`: intended configuration per device from the estate (Jinja2).
- :mod:`capdo.network.configs`: platform knowledge read from ``network/templates/<platform>``.
- :mod:`capdo.network.remediate`: hier_config remediation and rollback, estate summary.
- :mod:`capdo.network.runner`: nornir + netmiko backup and push with per-device errors.
- :mod:`capdo.network.audit`: the config audit engine behind ``checks/network``.
"""
