"""Uploads: a findings or roster file checked whole, repeats found, imported all or nothing; the staff upload flow."""
