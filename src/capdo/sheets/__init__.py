"""Spreadsheets in and out: the inventory template workbook and its import."""
