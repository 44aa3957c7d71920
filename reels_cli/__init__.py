"""Command-line client: upload a video through the public HTTP contract, show progress, print the result."""
