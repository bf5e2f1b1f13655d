"""Inputs: reading CSV/XLSX and Markdown files into checked tables and documents."""
