import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../../src/core/conversation/parseIntent.js';
import { resolveSite } from '../../../src/core/conversation/resolveSite.js';
import type { Inventory } from '../../../src/core/model/inventory.js';

describe('parseIntent', () => {
  it.each([
    ['502 on shop.example.com', { type: 'diagnose', query: '502 on shop.example.com' }],
    ['<@U123> shop is down', { type: 'diagnose', query: 'shop is down' }],
    ['diagnose shop', { type: 'diagnose', query: 'shop' }],
    ['diagnose shop with disk', { type: 'diagnose', query: 'shop', playbook: 'disk' }],
    [
      'is <https://shop.example.com/cart|shop.example.com/cart> broken?',
      { type: 'diagnose', query: 'is https://shop.example.com/cart broken?' },
    ],
    ['help', { type: 'help' }],
    ['playbooks', { type: 'playbooks' }],
    ['good morning', { type: 'unknown', text: 'good morning' }],
  ])('%s', (text, intent) => {
    expect(parseIntent(text)).toEqual(intent);
  });
});

const inv = {
  hosts: {},
  sites: {
    shop: { url: 'https://shop.example.com/', aliases: ['www.shop.example.com'], hosts: ['web1'] },
    api: { url: 'https://api.example.com/', aliases: [], hosts: ['web1'] },
    blog: { url: 'https://blog.example.org/', aliases: ['news'], hosts: ['web2'] },
  },
} as unknown as Inventory;

describe('resolveSite', () => {
  it('resolves by name, alias and URL host', () => {
    expect(resolveSite('502 on shop', inv)).toEqual({ type: 'site', site: 'shop' });
    expect(resolveSite('502 on www.shop.example.com', inv)).toEqual({ type: 'site', site: 'shop' });
    expect(resolveSite('https://api.example.com/v1/orders gives 502', inv)).toEqual({
      type: 'site',
      site: 'api',
    });
    expect(resolveSite('news is down.', inv)).toEqual({ type: 'site', site: 'blog' });
    expect(resolveSite('m.shop.example.com is down', inv)).toEqual({ type: 'site', site: 'shop' });
  });
  it('asks instead of guessing between several sites', () => {
    expect(resolveSite('shop and api are down', inv)).toEqual({ type: 'ambiguous', sites: ['api', 'shop'] });
  });
  it('suggests close names for unknown sites', () => {
    expect(resolveSite('502 on shp', inv)).toEqual({
      type: 'unknown',
      query: '502 on shp',
      suggestions: ['shop'],
    });
    expect(resolveSite('502 on zzzzzz', inv)).toMatchObject({ type: 'unknown', suggestions: [] });
  });
});
