import { describe, expect, it } from 'vitest';
import { argv, commandArgv, commandLine, script, shellQuote, toShell } from '../../../src/core/command.js';

describe('shellQuote', () => {
  it('leaves safe words alone and single-quotes the rest', () => {
    expect(shellQuote('php8.2-fpm')).toBe('php8.2-fpm');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("a'b; rm -rf /")).toBe(`'a'\\''b; rm -rf /'`);
    expect(shellQuote('$(id)')).toBe(`'$(id)'`);
  });
});

describe('commandLine', () => {
  it('wraps in the C locale and a remote timeout', () => {
    expect(commandLine(argv('systemctl', 'show', 'x y'), { timeoutMs: 2500, sudo: true })).toBe(
      "env LC_ALL=C timeout -k 2 3s systemctl show 'x y'",
    );
  });
  it('uses sudo -n for privileged commands only when the host uses sudo', () => {
    expect(commandLine(script('nginx -t'), { timeoutMs: 1000, privileged: true, sudo: true })).toBe(
      "env LC_ALL=C timeout -k 2 1s sudo -n -- sh -c 'nginx -t'",
    );
    expect(commandArgv(script('nginx -t'), { timeoutMs: 1000, privileged: true, sudo: false })[0]).toBe(
      'env',
    );
  });
  it('runs as another user through sudo -n -u, never as root', () => {
    expect(commandArgv(argv('pm2', 'jlist'), { timeoutMs: 1000, asUser: 'deploy', sudo: false })).toEqual([
      'env',
      'LC_ALL=C',
      'timeout',
      '-k',
      '2',
      '1s',
      'sudo',
      '-n',
      '-H',
      '-u',
      'deploy',
      '--',
      'pm2',
      'jlist',
    ]);
  });
  it('renders argv and scripts', () => {
    expect(toShell(argv('echo', 'a b'))).toBe("echo 'a b'");
    expect(toShell(script('echo $HOME'))).toBe('echo $HOME');
  });
});
