"""Reading tables as analysts have them, for reference files and exports alike: files and sheets (``files``),
header rows (``headers``), records and skipped lines (``records``), cell values (``cells``), dates (``dates``),
and the masking of anything quoted from a cell (``scrub``). Nothing here knows what a source means."""
