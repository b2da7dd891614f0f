// The demo backend. Filled in by the gateway issue.
