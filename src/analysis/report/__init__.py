"""What the notebooks use to show results: Vietnamese formatting, the report header, escaped tables, charts."""
