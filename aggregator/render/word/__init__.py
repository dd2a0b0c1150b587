"""The Word documents: the KTCV and CCHC reports, the reminder letter, their templates
(built from docx_builder.py) and the PDF copies."""
