"""Level-based compliance: requirement catalogues, compiled levels, policy, waivers,
manual evidence, result records, evaluation and OSCAL export.

The inventory side feeds :func:`capdo.compliance.evaluate.evaluate` with
:class:`~capdo.compliance.targets.Target` and :class:`~capdo.compliance.targets.SystemRef`
objects and a :class:`~capdo.compliance.evaluate.ResultIndex`; nothing here imports
``capdo.inventory``.
"""
