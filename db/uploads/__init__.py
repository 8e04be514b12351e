"""The findings and roster upload: a file checked whole, repeats found, previewed, imported all or nothing."""
