"""A site's logo, colours and ticket footer, as the office file sets them and screens fetch them."""
