"""Scoring, evaluation and reports: pure functions of a drill record.

Empty until the scoring work lands; it may import :mod:`engine`, never :mod:`tui`.
"""
