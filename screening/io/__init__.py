"""Files in and out. Reading side: :mod:`.safety` (checks before any parser), :mod:`.sheets` (rows and header
rows), :mod:`.read` (an upload into an :class:`~screening.model.Input`), :mod:`.mapping` (other layouts),
:mod:`.reimport` (an exported workbook read again), :mod:`.formulas`. Writing side: :mod:`.schema` (the
workbook's vocabulary, shared by writer and reader), :mod:`.export` (sheet layout), :mod:`.xlsx_stream` (the
fast row writer), :mod:`.template` (the input template). The reading side never imports the writing side.
"""
