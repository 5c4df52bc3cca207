"""Single sign-on for staff: OpenID Connect and LDAP / Active Directory, mapped to roles and sites."""
