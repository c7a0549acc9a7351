/** The public surface of `saker/serve`. */
