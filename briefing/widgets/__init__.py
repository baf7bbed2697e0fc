"""The reader's widgets, one a file. Every piece of data text is shown through ``Content``."""
