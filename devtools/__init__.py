"""Developer tooling: the Docker-free local runner and the `orgair` command line. Never deployed."""
