"""The agency portal's pages (each a Streamlit script; the first line checks the account)."""
