"""The Excel forms units fill, the filled form a unit exports upward, and the annotated
feedback copy of a unit's own workbook."""
