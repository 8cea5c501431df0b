"""What the batch publishes: HTML from executed notebooks (``render``, ``templates/``), the links between a
unit's reports (``nav``), the index page of all units (``index_page``) and the Excel workbook (``workbook``)."""
