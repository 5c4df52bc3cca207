"""The clerks' counter app: call, serve and hand over citizens with the keyboard."""
