/**
 * A private, real redis-server for one test file: a free port, a temp data folder with the append-only file on (so a
 * restart keeps the queue, as a production Redis would), stopped and removed afterwards. Optional password and TLS
 * (a throw-away CA and certificate made with openssl). Needs Debian's `redis-server` (.ci/run installs it).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisServerOptions {
  password?: string;
  /** Serve TLS only (rediss://); the CA for clients is `caFile`. */
  tls?: boolean;
}

export interface RedisServer {
  readonly port: number;
  /** redis:// or rediss:// URL, with the password when there is one. */
  readonly url: string;
  readonly dir: string;
  /** The CA that signed the server's certificate (TLS only): give it to clients as NODE_EXTRA_CA_CERTS. */
  readonly caFile?: string;
  /** SIGTERM (Redis writes its append-only file and exits), then wait for the exit. */
  stop(): Promise<void>;
  /** Starts again on the same port with the same data folder. */
  start(): Promise<void>;
  /** Stops it and deletes its folder. */
  dispose(): Promise<void>;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-redis-'));
  const port = await freePort();
  const tlsFiles = options.tls ? makeCertificates(dir) : undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const args = [
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--save',
    '',
    '--protected-mode',
    'no',
    ...(options.password ? ['--requirepass', options.password] : []),
    ...(tlsFiles
      ? [
          '--port',
          '0',
          '--tls-port',
          String(port),
          '--tls-cert-file',
          tlsFiles.cert,
          '--tls-key-file',
          tlsFiles.key,
          '--tls-auth-clients',
          'no',
        ]
      : ['--port', String(port)]),
  ];

  const server: RedisServer = {
    port,
    url: `${options.tls ? 'rediss' : 'redis'}://${options.password ? `:${options.password}@` : ''}127.0.0.1:${port}`,
    dir,
    caFile: tlsFiles?.ca,
    async start() {
      const started = spawn(redisServerBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      let log = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`redis-server did not start within 15 s:\n${log}`)), 15_000);
        started.stdout?.on('data', (chunk: Buffer) => {
          log += chunk.toString();
          if (log.includes('Ready to accept connections')) {
            clearTimeout(timer);
            resolve();
          }
        });
        started.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`redis-server exited with ${code} before it was ready:\n${log}`));
        });
      });
    },
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
    async dispose() {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

function redisServerBinary(): string {
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (fs.existsSync(candidate)) return candidate;
  throw new Error('redis-server is not installed: `apt-get install -y redis-server` (.ci/run does this on CI)');
}

/** A port nothing listens on now (the OS picks it), for the server and for "nothing answers here" tests. */
/**
 * A local port where nothing answers, for "nothing answers at this URL" cases. Not a port `freePort` just found free:
 * between its probe and the connection, a Redis that another test file starts in parallel can take it, or the
 * connection can get that very port as its own source port and connect to itself (both in the ephemeral range). Port 1
 * is outside that range and privileged: no test binds it, so a connection is refused at once.
 */
export const REFUSED_PORT = 1;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A CA and a server certificate for 127.0.0.1/localhost signed by it. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const at = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=srstudio test CA',
  );
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=localhost');
  fs.writeFileSync(at('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-out',
    at('server.pem'),
    '-days',
    '2',
    '-extfile',
    at('san.ext'),
  );
  return { ca: at('ca.pem'), cert: at('server.pem'), key: at('server.key') };
}
