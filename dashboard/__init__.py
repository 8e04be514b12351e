"""Streamlit pages and small UI pieces of the credit board."""
