"""A Django-like model layer over the simulated directory of one evaluation."""
