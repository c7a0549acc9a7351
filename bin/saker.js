#!/usr/bin/env node
// The saker CLI. In this repository, without a build: `npm run saker -- <command>`.
import { main } from 'saker/cli'

process.exitCode = await main(process.argv.slice(2))
