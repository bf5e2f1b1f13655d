"""Trackboard: a static report-site generator for sales organisations.

The way data takes through the package: inputs/ (read and check files) → model.py (the site) →
metrics/ (pure computations) → pages/ (what pages exist and what they show) → render.py (templates)
→ writer.py (the only code that writes the output folder, atomically).
"""
