"""The rules every consumer shares: recommend(), the scoring rule, option order, version ids."""
