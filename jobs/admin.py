# Admin for this module arrives with its own issue.
