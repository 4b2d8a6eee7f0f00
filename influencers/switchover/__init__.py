"""The switch-over pipeline: links, messages, selection, launch (driven by services)."""
