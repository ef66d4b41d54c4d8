// A backend that misbehaves in one chosen way, for Medic's fault recipes (test/support/faults.ts).
// Run by bad@<mode>.service as `node bad-backend.js <mode> [--port N] [--seconds N]`; each mode
// has its own loopback port (PORTS below; bad.conf proxies to them). No npm dependencies.

const dgram = require('node:dgram');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const tls = require('node:tls');

const PORTS = {
  ok: 9101,
  close: 9102,
  reset: 9103,
  garbage: 9104,
  badheader: 9105,
  bigheader: 9106,
  slow: 9107,
  hang: 9108,
  error500: 9109,
  crash: 9110,
  hog: 9111,
  fcgi: 9112,
  tls: 9113,
  fcgieof: 9114,
  dns: 9153,
};

const [mode = '', ...rest] = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? Number(rest[i + 1]) : dflt;
};
if (!(mode in PORTS)) {
  console.error(`usage: bad-backend.js <${Object.keys(PORTS).join('|')}> [--port N] [--seconds N]`);
  process.exit(2);
}
const port = opt('port', PORTS[mode]);
const seconds = opt('seconds', 5);
const listening = () => console.log(`bad-backend ${mode} listening on 127.0.0.1:${port}`);

/** A raw TCP server: `onRequest(socket)` runs once the first bytes of a request have arrived. */
function raw(onRequest) {
  net
    .createServer((socket) => {
      socket.once('data', () => onRequest(socket));
      socket.on('error', () => {});
    })
    .listen(port, '127.0.0.1', listening);
}

/** An HTTP server; `handler(req, res)` decides the answer. */
function web(handler) {
  http.createServer(handler).listen(port, '127.0.0.1', listening);
}

const text = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
};

/** A FastCGI record for request 1 (nginx always uses request id 1). */
function fcgiRecord(type, body) {
  const h = Buffer.alloc(8);
  h.writeUInt8(1, 0); // FCGI_VERSION_1
  h.writeUInt8(type, 1);
  h.writeUInt16BE(1, 2);
  h.writeUInt16BE(body.length, 4);
  return Buffer.concat([h, body]);
}
const FCGI_END_REQUEST = 3;
const FCGI_STDOUT = 6;

/** A DNS server on UDP that answers every query NXDOMAIN (for nginx's `resolver`). */
function dns() {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (q, from) => {
    if (q.length < 12) return;
    const a = Buffer.from(q);
    a[2] = 0x84 | (q[2] & 0x01); // QR, AA, keep RD
    a[3] = 0x83; // RA, RCODE 3 (NXDOMAIN)
    a.fill(0, 6, 12); // no answer, authority or additional records
    sock.send(a, from.port, from.address);
  });
  sock.bind(port, '127.0.0.1', listening);
}

const modes = {
  ok: () => web((_req, res) => text(res, 200, 'bad-backend ok\n')),
  // Accept, read the request, close without a byte.
  close: () => raw((socket) => socket.end()),
  // Accept, read the request, answer with a TCP RST.
  reset: () => raw((socket) => socket.resetAndDestroy()),
  // Bytes that are not an HTTP status line, then close.
  garbage: () => raw((socket) => socket.end('\x00\x01\x02 this is not HTTP at all \x7f\r\n\r\n')),
  // A valid status line, then a header holding a NUL byte.
  badheader: () => raw((socket) => socket.end('HTTP/1.1 200 OK\r\nX-Broken: a\x00b\r\n\r\nbody\n')),
  // A 16 KiB response header: more than nginx's default proxy_buffer_size (one page).
  bigheader: () =>
    web((_req, res) => {
      res.setHeader('x-big', 'a'.repeat(16 * 1024));
      text(res, 200, 'big header\n');
    }),
  // Answers, but only after --seconds (default 5).
  slow: () =>
    web((_req, res) => setTimeout(() => text(res, 200, `slow ok after ${seconds}s\n`), seconds * 1000)),
  // Accepts and reads, never answers.
  hang: () => raw(() => {}),
  // The application itself fails: a valid HTTP 500, its error on stderr.
  error500: () =>
    web((req, res) => {
      console.error(new Error(`order lookup failed for ${req.url}: relation "orders" does not exist`).stack);
      text(res, 500, 'application error\n');
    }),
  // Throws on the first request: an uncaught exception, stack trace on stderr, exit 1.
  crash: () =>
    web((req) => {
      throw new TypeError(`Cannot read properties of undefined (reading 'id') at ${req.url}`);
    }),
  // On a request, allocates (and touches) memory until something stops it: meant to run under a
  // MemoryMax= (backendOomKilled); without one it stops by itself at 1 GiB.
  hog: () => {
    const hoard = [];
    web(() => {
      console.log('bad-backend hog: allocating');
      const grow = setInterval(() => {
        if (hoard.length >= 64) return clearInterval(grow);
        hoard.push(Buffer.alloc(16 * 1024 * 1024, 1));
      }, 20);
    });
  },
  // FastCGI: FCGI_END_REQUEST (appStatus 0, request complete) where nginx expects STDOUT.
  fcgi: () => raw((socket) => socket.end(fcgiRecord(FCGI_END_REQUEST, Buffer.alloc(8)))),
  // FastCGI: an empty STDOUT record (end of stdout) before any response header.
  fcgieof: () =>
    raw((socket) =>
      socket.end(
        Buffer.concat([
          fcgiRecord(FCGI_STDOUT, Buffer.alloc(0)),
          fcgiRecord(FCGI_END_REQUEST, Buffer.alloc(8)),
        ]),
      ),
    ),
  // TLS with a self-signed certificate (made when the image is built).
  tls: () =>
    tls
      .createServer(
        { key: fs.readFileSync('/srv/bad/tls.key'), cert: fs.readFileSync('/srv/bad/tls.crt') },
        (s) =>
          s.once('data', () =>
            s.end('HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\ntls ok\n'),
          ),
      )
      .listen(port, '127.0.0.1', listening),
  dns,
};

modes[mode]();
