"""The input vocabulary every layer shares: the canonical columns and code lists (:mod:`.columns`), cell
parsing by column kind (:mod:`.coerce`) and country names and codes (:mod:`.countries`). Data tables and pure
functions only; nothing here knows of criteria, files or runs.
"""
