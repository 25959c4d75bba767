"""The pipeline's stages, one module each, pure functions over DataFrames and frozen models: validate, screen
(gates and record flags), duplicates, classify, score (point matrix and weighing), rank (the one ordering),
explain (the rationale). :mod:`screening.pipeline` wires them.
"""
