// The gateway module: listener, protocols, upstream pool. Filled in by the gateway issue.
