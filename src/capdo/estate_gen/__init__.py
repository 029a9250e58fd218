"""Estates from a short description: ``capdo estate new DESCRIPTION --out DIR``.

``description`` holds the description file's model, ``build`` expands one province into the
estate's collections, ``write`` writes them as plain YAML (with the editor schema comment).
"""
