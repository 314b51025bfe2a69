"""Exports a facilitator downloads: the workshop report (DOCX) and, later, the creative
brief and spreadsheets. `docx_writer.ReportWriter` is the one way text reaches a Word
file, so every worksheet's section gets the same escaping, fonts and table look."""
