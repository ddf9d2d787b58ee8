"""dataval: value enterprise data assets and put them on the balance sheet under Chinese rules.

This package holds what every other package shares (the exception base, money rounding) and the
command-line shell. The pure calculation packages are ``valuation``, ``accounting`` and ``pledge``.
"""

__version__ = "0.1.0"
