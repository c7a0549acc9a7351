/**
 * `--auto-tls`: a local certificate authority and a certificate for localhost, 127.0.0.1 and ::1
 * signed by it, made once with the `openssl` command and reused until they near expiry. Trust
 * the CA once (docs/serving.md) and every project served with `--auto-tls` is trusted.
 */
import { execFile } from 'node:child_process'
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { homedir, hostname } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

/** The development certificate, its key and the CA that signed it, as PEM, and where they are kept. */
export interface DevCertificate {
  cert: string
  key: string
  /** The CA certificate, to trust (or to give a client as `ca`). */
  ca: string
  /** The CA certificate's file. */
  caFile: string
  dir: string
}

const CA_DAYS = 3650
// NOTE: Apple platforms refuse server certificates valid for more than 825 days.
const CERT_DAYS = 365
/** A certificate that expires within this is made again. */
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = localhost
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`

/** Where `--auto-tls` keeps its files: `$SAKER_TLS_DIR`, else `~/.saker/tls`. */
export function devCertificateDir(): string {
  return process.env.SAKER_TLS_DIR || join(homedir(), '.saker', 'tls')
}

/**
 * The development certificate in `dir`, made (with its CA) on first use and when it nears expiry.
 *
 * @example
 * const { cert, key } = await devCertificate()
 * await app.listen({ port: 8443, tls: { cert, key } })
 */
export async function devCertificate(dir = devCertificateDir()): Promise<DevCertificate> {
  const files = {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    cert: join(dir, 'localhost.crt'),
    key: join(dir, 'localhost.key'),
  }
  await mkdir(dir, { recursive: true, mode: 0o700 })
  let ca = await readValid(files.caCert)
  if (ca === null || !existsSync(files.caKey)) {
    await makeCertificateAuthority(dir, files.caCert, files.caKey)
    ca = (await readValid(files.caCert)) as X509Certificate
  }
  const cert = await readValid(files.cert)
  if (cert === null || !cert.checkIssued(ca) || !existsSync(files.key)) {
    await makeServerCertificate(dir, files)
  }
  const [certPem, keyPem, caPem] = await Promise.all([
    readFile(files.cert, 'utf8'),
    readFile(files.key, 'utf8'),
    readFile(files.caCert, 'utf8'),
  ])
  return { cert: certPem, key: keyPem, ca: caPem, caFile: files.caCert, dir }
}

/** The certificate in `file`, or null when there is none or it expires soon. */
async function readValid(file: string): Promise<X509Certificate | null> {
  if (!existsSync(file)) return null
  const cert = new X509Certificate(await readFile(file))
  return Date.parse(cert.validTo) - Date.now() > RENEW_BEFORE_MS ? cert : null
}

async function makeCertificateAuthority(dir: string, certFile: string, keyFile: string): Promise<void> {
  await inScratch(dir, async (scratch, config) => {
    const key = await writeKey(join(scratch, 'ca.key'))
    await openssl(
      ['req', '-x509', '-new', '-key', key, '-config', config, '-extensions', 'ca'],
      ['-subj', `/CN=saker development CA (${hostname().replace(/[^\w.-]/g, '')})`, '-days', String(CA_DAYS)],
      ['-out', join(scratch, 'ca.crt')],
    )
    // The key first: a certificate is only ever found beside its key.
    await rename(key, keyFile)
    await rename(join(scratch, 'ca.crt'), certFile)
  })
}

async function makeServerCertificate(
  dir: string,
  files: { caCert: string; caKey: string; cert: string; key: string },
): Promise<void> {
  await inScratch(dir, async (scratch, config) => {
    const key = await writeKey(join(scratch, 'localhost.key'))
    const request = join(scratch, 'localhost.csr')
    await openssl(['req', '-new', '-key', key, '-config', config, '-subj', '/CN=localhost', '-out', request])
    await openssl(
      ['x509', '-req', '-in', request, '-CA', files.caCert, '-CAkey', files.caKey],
      ['-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', String(CERT_DAYS)],
      ['-extfile', config, '-extensions', 'server', '-out', join(scratch, 'localhost.crt')],
    )
    await rename(key, files.key)
    await rename(join(scratch, 'localhost.crt'), files.cert)
  })
}

/** Runs `make` in a scratch folder inside `dir` (so renames stay on one file system), then removes it. */
async function inScratch(
  dir: string,
  make: (scratch: string, config: string) => Promise<void>,
): Promise<void> {
  const scratch = await mkdtemp(join(dir, '.new-'))
  try {
    const config = join(scratch, 'openssl.cnf')
    await writeFile(config, OPENSSL_CONFIG)
    await make(scratch, config)
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

/** A new P-256 private key, readable by its owner only. */
async function writeKey(file: string): Promise<string> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  await chmod(file, 0o600)
  return file
}

async function openssl(...args: string[][]): Promise<void> {
  try {
    await promisify(execFile)('openssl', args.flat())
  } catch (error) {
    const { code, stderr } = error as { code?: unknown; stderr?: string }
    if (code === 'ENOENT') {
      throw new Error('--auto-tls needs the `openssl` command (Debian: apt-get install openssl)', {
        cause: error,
      })
    }
    throw new Error(`openssl ${args[0]?.[0]} failed: ${stderr?.trim() ?? String(error)}`, { cause: error })
  }
}
