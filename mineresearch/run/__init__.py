"""Jobs, the runner, the batch build, the pool, the manifest and the index page."""
