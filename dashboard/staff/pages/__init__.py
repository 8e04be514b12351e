"""The staff workspace pages (scripts run by st.navigation); each checks the role again before it shows anything."""
