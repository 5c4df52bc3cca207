"""The append-only event log and the live push of events to websockets."""
