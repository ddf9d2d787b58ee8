"""Event handlers of the bookkeeper, one module per family of events.

Each handler takes the transaction being built (:class:`~accounting.handlers.state.Tx`), the state of
the resource and the event, and returns the new state, the treatment, the rationale with its articles
and the key figures (CNY). :data:`accounting.engine.HANDLERS` maps each event kind to its handler.

- :mod:`~accounting.handlers.acquisition`: purchase, processing, R&D spending (capitalize or expense)
- :mod:`~accounting.handlers.development`: R&D phase, criteria met, ready for use
- :mod:`~accounting.handlers.amortization`: month-end runs, amortization events, changes of estimate
- :mod:`~accounting.handlers.impairment`: impairment test, NRV test
- :mod:`~accounting.handlers.sales`: sale of inventory, licence revenue
- :mod:`~accounting.handlers.restrictions`: pledge and its release
- :mod:`~accounting.handlers.derecognition`: lapse, disposal, classification as held for sale
- :mod:`~accounting.handlers.state`: what they share (state, context, transaction)
"""
