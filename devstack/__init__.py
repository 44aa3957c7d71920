"""The local stack: Google's emulators, fake-gcs-server and the three functions."""
