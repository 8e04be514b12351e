"""The scoring core: rulebooks as data, reading upload files, rating, explaining. No Streamlit, no database."""
