"""The command-line shell ``dataval``: argument parsing, one module per command, file reading and
writing, streamed batches and progress. No pure package imports it; it calls the same functions as
the dashboard."""
