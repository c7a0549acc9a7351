/** The public surface of `saker/monitoring`. */
