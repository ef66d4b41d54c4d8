/**
 * Real faults on demand for fleet hosts (test/support/fleet.ts): each recipe breaks one thing on a
 * running host, as root, the way it breaks on a real server, and returns a Fault with the site that
 * now fails and a restore() that undoes it. The misbehaving backends they start are
 * test/fleet/bad-backend.js under bad@<mode>.service, served by test/fleet/bad.conf. What each one
 * makes nginx, php-fpm, systemd and the kernel write is asserted in test/integration/faults.test.ts.
 *
 * Use: `const f = await phpFpmStopped(web1); ... visit(f.gateway, f.site, f.path) ...;
 * await f.restore();` (in an afterEach, so that a failed assertion still restores).
 */
export * from './faults/backends.js';
export * from './faults/host.js';
export * from './faults/kit.js';
export * from './faults/network.js';
export * from './faults/php.js';
