"""The bridges between packages, and the loaders of the bundled data files.

The pure packages never import one another across the lines docs/architecture.md draws (accounting never imports
valuation; pledge and accounting never import each other) and never touch files. What joins them, and
what reads ``data/``, lives here, used by the command line and the dashboard alike:

- :mod:`bridges.data_files`: one loader each for the price index, comparables, market adjustments,
  chart of accounts and bank policy;
- :mod:`bridges.books_pledge`: the bank's pledge ↔ the company's books.
"""
