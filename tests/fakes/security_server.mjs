#!/usr/bin/env node
// A stand-in for another agency's X-Road (Tunduk) security server calling
// Shailoo's services (cgi/api/xroad.c) as X-Road would: a consumer
// information system asks it over the X-Road message protocol for REST (r1),
//   GET /r1/{instance}/{class}/{member}/{subsystem}/{service}[/path]
//   X-Road-Client: {instance}/{class}/{member}/{subsystem}
// and it forwards the call to our provider endpoint over mutual TLS with its
// own client certificate, adding X-Road-Id (when the consumer gave none) and
// X-Road-Service, and answers with X-Road-Request-Hash as X-Road does.  Its
// certificate is made at start with openssl (signed by --sign-with CA, e.g.
// the instance's demo CA $VAR/keys/xroad/ca.pem + ca.key, or given).
//
//   node tests/fakes/security_server.mjs --provider https://127.0.0.1:8482
//        (--sign-with CA.pem CA.key | --cert PEM --key KEY) [--trust CA.pem]
//        [--provider-id central-server/GOV/70000001/shailoo]
//        (--port N | --ask SERVICE/PATH --client ID [--user-id ID] [--issue TEXT])
//
// --port: serves consumers (0: any port; prints "security_server: listening on http://127.0.0.1:N").
// --ask: one call as a consumer would make it, printed (status, X-Road
// headers, body); exit status 0 for a 2xx.  Node's standard library only.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

// The services our provider registers with X-Road: service code -> base path.
// X-Road appends the rest of the consumer's path to the base.
const SERVICES = new Map([
  ['voter-status', '/xroad/v1/voters'],
  ['candidate-status', '/xroad/v1/candidates'],
  ['complaint-status', '/xroad/v1/complaints'],
  ['election-results', '/xroad/v1/elections'],
]);
const ID_RE = /^[A-Za-z0-9'()+,\-.=?]+$/;

function usage(msg) {
  if (msg) process.stderr.write(`security_server: ${msg}\n`);
  process.stderr.write(
    'usage: security_server.mjs --provider URL (--sign-with CA.pem CA.key | --cert PEM --key KEY)\n' +
      '         [--trust CA.pem] [--provider-id ID] [--cn NAME]\n' +
      '         (--port N | --ask SERVICE/PATH --client ID [--user-id ID] [--issue TEXT] [--xroad-id UUID])\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = { providerId: 'central-server/GOV/70000001/shailoo', cn: 'demo-security-server' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--provider') o.provider = val();
    else if (a === '--provider-id') o.providerId = val();
    else if (a === '--sign-with') o.signWith = [val(), val()];
    else if (a === '--cert') o.cert = val();
    else if (a === '--key') o.key = val();
    else if (a === '--trust') o.trust = val();
    else if (a === '--cn') o.cn = val();
    else if (a === '--port') o.port = Number(val());
    else if (a === '--ask') o.ask = val();
    else if (a === '--client') o.client = val();
    else if (a === '--user-id') o.userId = val();
    else if (a === '--issue') o.issue = val();
    else if (a === '--xroad-id') o.xroadId = val();
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  if (!o.provider) usage('--provider is required');
  if (!o.signWith && !(o.cert && o.key)) usage('give --sign-with CA.pem CA.key, or --cert and --key');
  if (o.port === undefined && !o.ask) usage('give --port or --ask');
  if (o.ask && !o.client) usage('--ask needs --client');
  return o;
}

// A client certificate (EC P-256) signed by the CA, in a private temporary folder.
function makeCert(caPem, caKey, cn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xroad-ss-'));
  const key = path.join(dir, 'client.key');
  const csr = path.join(dir, 'client.csr');
  const pem = path.join(dir, 'client.pem');
  const ext = path.join(dir, 'client.ext');
  const quiet = { stdio: ['ignore', 'ignore', 'pipe'] };
  execFileSync('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', csr, '-subj', `/O=Demo agency/CN=${cn}`], quiet);
  fs.writeFileSync(ext, 'extendedKeyUsage=clientAuth\n');
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', caPem, '-CAkey', caKey,
    '-set_serial', `0x${crypto.randomBytes(8).toString('hex')}`, '-days', '2', '-extfile', ext, '-out', pem], quiet);
  const out = { cert: fs.readFileSync(pem), key: fs.readFileSync(key) };
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

// PR-REST 4.3 (as tests/fakes/tunduk.mjs): base64 SHA-512(SHA-512(request line
// and X-Road-* headers, lower-case names, sorted)), no body.
function requestHash(method, url, headers) {
  let head = `${method} ${url} HTTP/1.1\r\n`;
  for (const n of Object.keys(headers).map((h) => h.toLowerCase()).filter((h) => h.startsWith('x-road-')).sort())
    head += `${n}: ${headers[Object.keys(headers).find((h) => h.toLowerCase() === n)]}\r\n`;
  const hh = crypto.createHash('sha512').update(head).digest();
  return crypto.createHash('sha512').update(hh).digest('base64');
}

class XRoadError extends Error {
  constructor(type, message) {
    super(message);
    this.type = type;
    this.status = type.startsWith('Client.') ? 400 : 500;
  }
}

function validId(s, parts) {
  if (typeof s !== 'string' || s.length > 255) return false;
  const p = s.split('/');
  return p.length === parts && p.every((x) => ID_RE.test(x));
}

// /r1/{instance}/{class}/{member}/{subsystem}/{service}[/rest] -> the provider's path.
function target(url, providerId) {
  const [pathname, query] = url.split('?');
  const parts = pathname.split('/');
  if (parts[1] !== 'r1' || parts.length < 7) throw new XRoadError('Client.BadRequest', 'the path is /r1/{service id}[/path]');
  const id = parts.slice(2, 6).join('/');
  const service = parts[6];
  if (!validId(id, 4) || !ID_RE.test(service)) throw new XRoadError('Client.BadRequest', 'malformed service identifier');
  if (id !== providerId) throw new XRoadError('Server.ClientProxy.UnknownMember', `no security server serves ${id}`);
  const base = SERVICES.get(service);
  if (!base) throw new XRoadError('Server.ServerProxy.UnknownService', `unknown service ${id}/${service}`);
  const rest = parts.slice(7).join('/');
  return { service: `${id}/${service}`, path: base + (rest ? `/${rest}` : '') + (query !== undefined ? `?${query}` : '') };
}

export function createSecurityServer(o) {
  const mine = o.signWith ? makeCert(o.signWith[0], o.signWith[1], o.cn) : { cert: fs.readFileSync(o.cert), key: fs.readFileSync(o.key) };
  const agent = new https.Agent({
    keepAlive: true, cert: mine.cert, key: mine.key,
    ca: o.trust ? fs.readFileSync(o.trust) : undefined,
    // The demo's provider certificate names 127.0.0.1 and localhost.
  });
  const provider = new URL(o.provider);

  // One call: method, the consumer's /r1/ url and X-Road headers -> { status, headers, body }.
  function forward(method, url, consumerHeaders) {
    return new Promise((resolve) => {
      const xroadId = consumerHeaders['x-road-id'] ?? crypto.randomUUID();
      const fail = (e) => {
        const headers = { 'X-Road-Error': e.type, 'X-Road-Id': xroadId, 'Content-Type': 'application/json' };
        resolve({ status: e.status, headers, body: Buffer.from(JSON.stringify({ type: e.type, message: e.message, detail: crypto.randomUUID() })) });
      };
      let t;
      try {
        if (!validId(consumerHeaders['x-road-client'], 4))
          throw new XRoadError('Client.BadRequest', 'X-Road-Client must be instance/class/member/subsystem');
        t = target(url, o.providerId);
      } catch (e) {
        if (e instanceof XRoadError) return fail(e);
        throw e;
      }
      const headers = { 'X-Road-Client': consumerHeaders['x-road-client'], 'X-Road-Service': t.service, 'X-Road-Id': xroadId };
      if (consumerHeaders['x-road-userid'] !== undefined) headers['X-Road-UserId'] = consumerHeaders['x-road-userid'];
      if (consumerHeaders['x-road-issue'] !== undefined) headers['X-Road-Issue'] = consumerHeaders['x-road-issue'];
      const hash = requestHash(method, url, headers);
      const req = https.request({ host: provider.hostname, port: provider.port, method, path: t.path, agent, headers, timeout: 10000 }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const out = { 'Content-Type': res.headers['content-type'] ?? 'application/json', 'X-Road-Id': res.headers['x-road-id'] ?? xroadId, 'X-Road-Request-Hash': hash };
          if (res.headers['x-road-error']) out['X-Road-Error'] = res.headers['x-road-error'];
          resolve({ status: res.statusCode, headers: out, body: Buffer.concat(chunks) });
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => fail(new XRoadError('Server.ClientProxy.NetworkError', `the provider did not answer: ${e.code ?? e.message}`)));
      req.end();
    });
  }

  const server = http.createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    const r = await forward(req.method, req.url, req.headers);
    res.writeHead(r.status, { ...r.headers, 'Content-Length': r.body.length });
    res.end(req.method === 'HEAD' ? undefined : r.body);
  });
  return { server, forward, agent };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const ss = createSecurityServer(o);
  if (o.ask) {
    const url = `/r1/${o.providerId}/${o.ask.replace(/^\/+/, '')}`;
    const h = { 'x-road-client': o.client };
    if (o.userId) h['x-road-userid'] = o.userId;
    if (o.issue) h['x-road-issue'] = o.issue;
    if (o.xroadId) h['x-road-id'] = o.xroadId;
    const r = await ss.forward('GET', url, h);
    process.stdout.write(`GET ${url}\nX-Road-Client: ${o.client}\n\n${r.status}\n`);
    for (const [k, v] of Object.entries(r.headers)) if (k.startsWith('X-Road')) process.stdout.write(`${k}: ${v}\n`);
    let text = r.body.toString('utf8');
    try {
      text = JSON.stringify(JSON.parse(text), null, 2);
    } catch {}
    process.stdout.write(`\n${text}\n`);
    ss.agent.destroy();
    process.exit(r.status >= 200 && r.status < 300 ? 0 : 1);
  }
  ss.server.listen(o.port, '127.0.0.1', () => process.stdout.write(`security_server: listening on http://127.0.0.1:${ss.server.address().port}\n`));
  const stop = () => ss.server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('security_server.mjs')) main();
