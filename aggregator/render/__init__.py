"""Outputs: Excel forms and summaries (xlsxwriter), Word reports (docxtpl). Consumes results only."""
