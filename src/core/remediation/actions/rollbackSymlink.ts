import { posix } from 'node:path';
import { z } from 'zod';
import { argv } from '../../command.js';
import { MedicError } from '../../errors.js';
import { type ActionDef, execStep, readOnly } from '../actionDef.js';

const absolute = z.string().regex(/^\/[^\0\n]*[^/]$/, 'an absolute path without a trailing slash');
const params = z
  .object({
    /** The release link the web server serves from, e.g. /srv/shop/current. */
    path: absolute,
    /** Where releases live (default: `releases` beside the link). Sorted by name, oldest first. */
    releases: absolute.optional(),
    /** Run the switch as this user (the deploy user) instead of through sudo. */
    user: z
      .string()
      .regex(/^[a-z_][a-z0-9_-]*$/)
      .optional(),
    /** Units to reload after the switch (e.g. php-fpm, whose realpath cache holds the old release). */
    reloadUnits: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9@_.:-]*$/)).default([]),
  })
  .strict();
type Params = z.infer<typeof params>;

const releasesOf = (p: Params) => p.releases ?? posix.join(posix.dirname(p.path), 'releases');
const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The release before `current` in name order (timestamps and numbers sort naturally). */
export function previousRelease(current: string, releases: readonly string[]): string | undefined {
  const sorted = [...releases].sort(byName);
  const i = sorted.indexOf(current);
  return i > 0 ? sorted[i - 1] : undefined;
}

/** Point the release link at the previous release, atomically (new link, then rename over). */
export const rollbackSymlink: ActionDef<Params> = {
  kind: 'rollback-symlink',
  risk: 'rollback',
  params,
  target: (p) => p.path,
  title: (p, host) => `Roll back ${p.path} to the previous release on ${host}`,
  preview: (p) => [
    `ln -sfn -- ${releasesOf(p)}/<previous> ${p.path}.medic-new`,
    `mv -T -- ${p.path}.medic-new ${p.path}`,
    ...p.reloadUnits.map((u) => `systemctl reload -- ${u}`),
  ],
  async plan(p, ctx) {
    const as = p.user ? { asUser: p.user } : { privileged: true };
    const link = (await readOnly(ctx, argv('readlink', '--', p.path), `readlink ${p.path}`)).trim();
    const current = posix.basename(link);
    // Real directories only, no dot-directories: a stray file is never a release, and a link
    // such as `latest -> r3` would alias a release (and sort before it). -H follows releases/
    // itself when it is a link.
    const listing = await readOnly(
      ctx,
      argv(
        'find',
        '-H',
        `${releasesOf(p)}/`,
        '-mindepth',
        '1',
        '-maxdepth',
        '1',
        '-type',
        'd',
        '!',
        '-name',
        '.*',
        '-printf',
        '%f\\n',
      ),
      `listing ${releasesOf(p)}`,
    );
    const names = listing.split('\n').filter(Boolean);
    const previous = previousRelease(current, names);
    if (!previous) {
      throw new MedicError(
        'action.plan',
        `no release before ${current} in ${releasesOf(p)} on ${ctx.host}: nothing to roll back to`,
      );
    }
    // Keep the link's own form: relative links stay relative.
    const target = link.startsWith('/')
      ? posix.join(releasesOf(p), previous)
      : posix.join(posix.dirname(link), previous);
    const staged = `${p.path}.medic-new`;
    return [
      execStep(argv('ln', '-sfn', '--', target, staged), as, ctx),
      execStep(argv('mv', '-T', '--', staged, p.path), as, ctx),
      ...p.reloadUnits.map((u) =>
        execStep(argv('systemctl', 'reload', '--', u), { privileged: true, timeoutMs: 60_000 }, ctx),
      ),
    ];
  },
};
