import type { Clock, Logger } from '../../core/ports.js';
import type { SlackClient } from './threadReporter.js';

/**
 * Which of the configured approver user groups a user is in, from usergroups.users.list
 * (scope usergroups:read), cached per group. When the API fails after the cache expired, the
 * user counts as in no group: approval fails closed.
 */
export class SlackDirectory {
  private readonly cache = new Map<string, { at: number; members: Set<string> }>();

  constructor(
    private readonly client: SlackClient,
    private readonly groups: readonly string[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  async groupsOf(userId: string): Promise<string[]> {
    const out: string[] = [];
    for (const group of this.groups) {
      const members = await this.members(group);
      if (members.has(userId)) out.push(group);
    }
    return out;
  }

  private async members(group: string): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(group);
    if (hit && now - hit.at < this.ttlMs) return hit.members;
    try {
      const res = await this.client.usergroups.users.list({ usergroup: group });
      const members = new Set(res.users ?? []);
      this.cache.set(group, { at: now, members });
      return members;
    } catch (err) {
      this.logger.warn({ err, group }, 'usergroups.users.list failed: treating the user as not in the group');
      return new Set();
    }
  }
}
