"""Ingest: raw exports -> tidy processed tables, with every row accounted for and personal data dropped."""
