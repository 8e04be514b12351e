"""Writing a year: rating it from the database, its 公示 and objections, publishing a version, the blacklist listings."""
