// Baseline: bare node:http, no framework. Every ratio in the report is relative to this.
// The database tests use postgres.js (bench/apps/lib/techempower-db.mjs), connected on first use.
import http from 'node:http'
import {
  cachedWorlds,
  clampCount,
  fortunesPage,
  readWorld,
  readWorlds,
  updateWorlds,
} from './lib/techempower-db.mjs'

const PLAIN = 'Hello, World!'
const PLAIN_LEN = String(Buffer.byteLength(PLAIN))

function send(res, type, body) {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), Server: 'node' })
  res.end(body)
}
const sendJson = (res) => (value) => send(res, 'application/json', JSON.stringify(value))
function failed(res) {
  return () => {
    res.writeHead(500, { 'Content-Length': '0', Server: 'node' })
    res.end()
  }
}
const countOf = (url, name) =>
  clampCount(new URLSearchParams(url.slice(url.indexOf('?') + 1)).get(name) ?? '')

const server = http.createServer((req, res) => {
  const url = req.url
  const path = url.includes('?') ? url.slice(0, url.indexOf('?')) : url
  if (path === '/plaintext') {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': PLAIN_LEN, Server: 'node' })
    res.end(PLAIN)
  } else if (path === '/json') {
    // Serialize per request, like the frameworks do.
    send(res, 'application/json', JSON.stringify({ message: 'Hello, World!' }))
  } else if (path === '/db') {
    readWorld().then(sendJson(res), failed(res))
  } else if (path === '/queries') {
    readWorlds(countOf(url, 'queries')).then(sendJson(res), failed(res))
  } else if (path === '/updates') {
    updateWorlds(countOf(url, 'queries')).then(sendJson(res), failed(res))
  } else if (path === '/cached-queries') {
    cachedWorlds(countOf(url, 'count')).then(sendJson(res), failed(res))
  } else if (path === '/fortunes') {
    fortunesPage().then((html) => send(res, 'text/html; charset=utf-8', html), failed(res))
  } else {
    res.writeHead(404, { 'Content-Length': '0', Server: 'node' })
    res.end()
  }
})

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1')
