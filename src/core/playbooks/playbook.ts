import { z } from 'zod';

export const playbookEntrySchema = z
  .object({
    /** Id of a check in the catalog. */
    check: z.string().min(1),
    /** Run once per service of this kind in the site (params taken from the service). */
    forEach: z.string().min(1).optional(),
    /** Which hosts: all of the site's hosts, or only its gateway (nginx) hosts. */
    on: z.enum(['all', 'gateway']).default('all'),
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type PlaybookEntry = z.infer<typeof playbookEntrySchema>;

export const playbookSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and "-"'),
    title: z.string().min(1),
    description: z.string().default(''),
    checks: z.array(playbookEntrySchema).min(1),
  })
  .strict();
export type Playbook = z.infer<typeof playbookSchema>;
