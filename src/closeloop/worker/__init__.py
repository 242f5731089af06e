"""Background work as data: periodic jobs claimed by compare-and-set, run by any worker."""
