"""Inference of canonical fields from what a record carries (issue 14): rules as data, kinds as code."""
