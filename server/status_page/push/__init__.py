"""Web Push for the status page: VAPID keys, stored subscriptions, alerts sent on queue changes."""
