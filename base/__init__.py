"""The floor: what every package of dataval may import, and nothing else.

- :mod:`base.errors`: the exception tree (:class:`~base.errors.DatavalError` and the batch's
  :class:`~base.errors.AssetError` record);
- :mod:`base.messages`: pydantic validation errors turned into messages that name the asset and field;
- :mod:`base.models`: :class:`~base.models.FrozenModel`, the base of every input and result model;
- :mod:`base.money`: the one rounding rule for money, half-up to the fen, and the stated range of an amount;
- :mod:`base.ranges`: the stated ranges of the other inputs (counts, dates, text cells), as the
  annotated types every input model validates with;
- :data:`DEFAULT_SEED`: the Monte Carlo seed used when a case gives none;
- :data:`__version__`: the engine's version, stamped on every result and workbook.

The floor imports only the standard library and pydantic.
"""

__version__ = "0.1.0"

DEFAULT_SEED = 20240101
"""Monte Carlo seed used when a case, batch or pledge gives none (a date, so it reads as a default)."""
