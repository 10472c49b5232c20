# Models for this module arrive with its own issue.
