"""A company-quarter's sections, peers and coverage, computed from the dataset with the metrics."""
