"""Web page served by the ticket server."""
