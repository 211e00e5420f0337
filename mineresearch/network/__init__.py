"""Bitcoin network series: readers of daily files and the quarterly aggregation."""
