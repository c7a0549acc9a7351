/** The public surface of `saker/middleware`. */
