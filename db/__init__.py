"""The data layer: tables, engine, imports, publications, exports, users. No Streamlit."""
