"""Analyses on a finished run, from its stored point matrix: re-weighting (:mod:`.weights`), robustness
(:mod:`.sensitivity`: flip points and Monte Carlo), portfolios under a budget (:mod:`.portfolio`, MILP through
HiGHS), comparison of two criteria sets (:mod:`.compare`) and their extra workbook sheets (:mod:`.sheets`).
"""
