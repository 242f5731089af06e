"""Organisation data: departments, back-end stations, business calendars, taxonomies."""
