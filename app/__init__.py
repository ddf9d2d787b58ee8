"""The Streamlit dashboard: a thin shell over the same functions as the CLI (docs/dashboard.md).

Run it with ``bash scripts/run.sh`` (embedded SQLite register, sample data on first start) or
``streamlit run app/main.py``. Nothing imports ``app``.
"""
