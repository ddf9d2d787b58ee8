"""The bridges between packages, and the loaders of the bundled data files.

The pure packages never import one another across the lines docs/architecture.md draws (accounting
never imports valuation; pledge and accounting never import each other) and never touch files or the
database. What joins them lives here, used by the command line and the dashboard alike:

- :mod:`bridges.appraisal`: valuation → accounting, the appraisal reference behind a recoverable amount
  or an NRV (value, sources, assumptions, method choice, key parameters);
- :mod:`bridges.collateral`: valuation → pledge, the collateral of an appraisal and the bank's pledge
  case on a stored valuation;
- :mod:`bridges.books_pledge`: the bank's pledge ↔ the company's books (holding, active pledges, the
  pledge booked as a restriction);
- :mod:`bridges.register_case`: register → valuation, a cost-method engagement of register assets;
- :mod:`bridges.data_files`: one loader each for the price index, comparables, market adjustments,
  chart of accounts and bank policy.
"""
