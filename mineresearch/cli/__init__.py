"""The mineresearch command."""
