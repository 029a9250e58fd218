# Ansible finds inventory plugins by file; the implementation lives in the capdo package.
DOCUMENTATION = r"""
name: capdo
short_description: capdo estate directories (inventories/<estate>/) as an Ansible inventory
description:
  - Loads and validates a capdo estate once and adds groups by site (nested along the site
    tree), zone, role, information system, level and platform, and host variables such as
    capdo_level (the highest level of the systems a host serves).
  - Accepts any file inside a directory that holds an estate.yml.
"""

from capdo.exports.ansible_plugin import InventoryModule  # noqa: E402, F401
