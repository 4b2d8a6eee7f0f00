"""Importers: read seller spreadsheets and platform reports and turn their rows into writes.

`sources` opens and decodes a file, `columns` maps headers to fields (the one alias table),
`kinds/` turn a batch of rows into bulk writes, `pipeline` drives a job batch by batch.
They serve the admin and the API alike and know neither.
"""
