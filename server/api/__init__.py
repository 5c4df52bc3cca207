"""HTTP plumbing shared by the domain routers."""
